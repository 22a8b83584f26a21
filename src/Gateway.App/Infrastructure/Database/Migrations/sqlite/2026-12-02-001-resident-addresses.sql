-- A resident is one person with one or more addresses (tel: and zalo: URNs, linked), tags, a language,
-- a commune and an opt-out state. residents.urn stays as the first address the gateway learnt.

CREATE TABLE resident_addresses (
    urn              TEXT PRIMARY KEY,                -- tel:+84… | zalo:… ; one person each
    resident_id      TEXT NOT NULL REFERENCES residents(id),
    scheme           TEXT NOT NULL,                   -- tel | zalo
    following        INTEGER NOT NULL DEFAULT 1,      -- Zalo OA follow state (tel: always 1)
    last_inbound_at  INTEGER NULL,                    -- last message from this address: the Zalo free reply window
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_resident_addresses_resident ON resident_addresses (resident_id, scheme);

INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at)
SELECT r.urn, r.id, substr(r.urn, 1, instr(r.urn, ':') - 1), r.following,
       (SELECT MAX(m.created_at) FROM messages m WHERE m.urn = r.urn AND m.direction = 'in'), r.created_at
FROM residents r;

CREATE TABLE resident_tags (
    resident_id  TEXT NOT NULL REFERENCES residents(id),
    tag          TEXT NOT NULL,                       -- lower-case, trimmed
    PRIMARY KEY (resident_id, tag)
);
CREATE INDEX ix_resident_tags_tag ON resident_tags (tag, resident_id);
CREATE INDEX ix_residents_commune ON residents (commune_code, id);
