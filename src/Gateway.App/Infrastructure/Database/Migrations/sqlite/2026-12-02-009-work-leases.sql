-- Issue 8: a send's claim carries a lease (which instance, until when); an expired lease is settled by a periodic
-- sweep, not by a blanket update at start that would relabel another instance's sends. The ingest log lives in its
-- own file on SQLite (ingest/2026-12-02-009-ingest-log.sql).
ALTER TABLE messages ADD COLUMN lease_owner TEXT NULL;
ALTER TABLE messages ADD COLUMN lease_until INTEGER NULL;
ALTER TABLE notice_deliveries ADD COLUMN lease_owner TEXT NULL;
ALTER TABLE notice_deliveries ADD COLUMN lease_until INTEGER NULL;

-- Secrets the gateway generates for itself when configuration gives none (the resident-key HMAC secret), shared by
-- every instance on this database.
CREATE TABLE gateway_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
