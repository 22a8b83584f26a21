-- Same as sqlite/2026-12-02-009-work-leases.sql and ingest/2026-12-02-009-ingest-log.sql in SQL Server's
-- dialect. On SQL Server the ingest log is a table of the main database: row locks, no single writer to avoid.
ALTER TABLE messages ADD lease_owner NVARCHAR(100) NULL, lease_until BIGINT NULL;
ALTER TABLE notice_deliveries ADD lease_owner NVARCHAR(100) NULL, lease_until BIGINT NULL;

CREATE TABLE gateway_secrets (
    name        NVARCHAR(100) NOT NULL PRIMARY KEY,
    value       NVARCHAR(400) NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE ingest_log (
    position             BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    message_id           NVARCHAR(36) NOT NULL,
    channel_key          NVARCHAR(100) NOT NULL,
    urn                  NVARCHAR(200) NOT NULL,
    provider_message_id  NVARCHAR(100) NULL,
    raw_text             NVARCHAR(MAX) NOT NULL,
    text                 NVARCHAR(MAX) NOT NULL,
    attachments          NVARCHAR(MAX) NULL,
    correlation_id       NVARCHAR(64) NULL,
    received_at          BIGINT NOT NULL
);
