-- The write-ahead ingest log (issue 8): on SQLite it is a file of its own beside gateway.db, so a webhook's commit
-- never waits behind routing's write lock and its insert touches no secondary index. A 200 means the row is here;
-- the mover copies it into messages (deduplicated there) and deletes it. AUTOINCREMENT: positions are never reused.
CREATE TABLE ingest_log (
    position             INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id           TEXT NOT NULL,           -- the messages.id it will have: a move repeated after a crash is ignored
    channel_key          TEXT NOT NULL,
    urn                  TEXT NOT NULL,
    provider_message_id  TEXT NULL,
    raw_text             TEXT NOT NULL,
    text                 TEXT NOT NULL,
    attachments          TEXT NULL,
    correlation_id       TEXT NULL,               -- the webhook's correlation id, carried into messages
    received_at          INTEGER NOT NULL
);
