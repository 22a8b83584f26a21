-- Same as sqlite/2026-12-02-001-resident-addresses.sql in SQL Server's dialect.

CREATE TABLE resident_addresses (
    urn              NVARCHAR(200) NOT NULL PRIMARY KEY,
    resident_id      NVARCHAR(36) NOT NULL REFERENCES residents(id),
    scheme           NVARCHAR(10) NOT NULL,
    following        BIT NOT NULL DEFAULT 1,
    last_inbound_at  BIGINT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX ix_resident_addresses_resident ON resident_addresses (resident_id, scheme);

INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at)
SELECT r.urn, r.id, LEFT(r.urn, CHARINDEX(':', r.urn) - 1), r.following,
       (SELECT MAX(m.created_at) FROM messages m WHERE m.urn = r.urn AND m.direction = 'in'), r.created_at
FROM residents r;

CREATE TABLE resident_tags (
    resident_id  NVARCHAR(36) NOT NULL REFERENCES residents(id),
    tag          NVARCHAR(100) NOT NULL,
    PRIMARY KEY (resident_id, tag)
);
CREATE INDEX ix_resident_tags_tag ON resident_tags (tag, resident_id);
CREATE INDEX ix_residents_commune ON residents (commune_code, id);
