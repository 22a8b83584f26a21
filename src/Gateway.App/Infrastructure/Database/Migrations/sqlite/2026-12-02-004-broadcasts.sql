-- Province broadcasts of templated notices, and one delivery row per resident and run.

CREATE TABLE broadcasts (
    id                TEXT PRIMARY KEY,
    province_code     TEXT NOT NULL,
    template_key      TEXT NOT NULL,
    variables         TEXT NOT NULL,                  -- JSON object of strings
    audience          TEXT NOT NULL,                  -- JSON: communeCodes, tags, languages, wholeProvince
    emergency         INTEGER NOT NULL DEFAULT 0,     -- sends through quiet hours
    recurrence        TEXT NULL,                      -- cron, in Notices:TimeZone
    send_at           INTEGER NULL,                   -- as asked; NULL = on approval
    status            TEXT NOT NULL,                  -- see BroadcastStatus
    next_run_at       INTEGER NULL,                   -- scheduled: when the next run starts; waiting_quiet_hours: when it resumes
    run               INTEGER NOT NULL DEFAULT 0,     -- the current (or last) run; recurring broadcasts have several
    expanded          INTEGER NOT NULL DEFAULT 0,     -- every delivery row of the current run is written
    lease_owner       TEXT NULL,                      -- the instance expanding the audience, until lease_until
    lease_until       INTEGER NULL,
    last_progress_at  INTEGER NULL,                   -- last send recorded: a stalled run is handed out again
    created_by        TEXT NOT NULL,
    approved_by       TEXT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    approved_at       INTEGER NULL,
    started_at        INTEGER NULL,
    completed_at      INTEGER NULL,
    opted_out_count   INTEGER NOT NULL DEFAULT 0       -- audience members skipped because they opted out (no delivery row)
);
CREATE INDEX ix_broadcasts_status ON broadcasts (status, next_run_at);
CREATE INDEX ix_broadcasts_province ON broadcasts (province_code, created_at);

-- The text each language got in a run: rendered once, not per resident.
CREATE TABLE broadcast_versions (
    broadcast_id  TEXT NOT NULL REFERENCES broadcasts(id),
    run           INTEGER NOT NULL,
    language      TEXT NOT NULL,                      -- the language sent (vi for a fallback)
    sms_text      TEXT NOT NULL,
    zalo_text     TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, run, language)
);

CREATE TABLE notice_deliveries (
    id                   INTEGER PRIMARY KEY,         -- insertion order: chunks are id ranges
    broadcast_id         TEXT NOT NULL,
    run                  INTEGER NOT NULL,
    resident_id          TEXT NOT NULL,
    commune_code         TEXT NOT NULL,
    language             TEXT NOT NULL,               -- the language of the text sent
    wanted_language      TEXT NULL,                   -- the resident's; differs from language on a fallback
    channel_key          TEXT NULL,                   -- NULL when skipped
    channel_type         TEXT NULL,
    urn                  TEXT NULL,
    status               TEXT NOT NULL,               -- see NoticeDeliveryStatus
    reason               TEXT NULL,                   -- skipped: opted_out | no_channel; failed: the provider's code
    error_message        TEXT NULL,
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      INTEGER NULL,
    provider_message_id  TEXT NULL,
    segments             INTEGER NOT NULL DEFAULT 1,
    updated_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_notice_deliveries_resident ON notice_deliveries (broadcast_id, run, resident_id);
CREATE INDEX ix_notice_deliveries_status ON notice_deliveries (broadcast_id, run, status, id);
CREATE INDEX ix_notice_deliveries_provider ON notice_deliveries (channel_key, provider_message_id) WHERE provider_message_id IS NOT NULL;
