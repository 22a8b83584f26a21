-- Zalo OA token pairs (issue 6): kept in the database, encrypted with ASP.NET Core data protection, one row per
-- OA app. The refresh token is single-use, so one refresh at a time across instances: the lease columns.
CREATE TABLE zalo_oa_tokens (
    app_id             TEXT PRIMARY KEY,
    access_token       TEXT NULL,               -- protected
    refresh_token      TEXT NULL,               -- protected
    access_expires_at  INTEGER NULL,
    issued_at          INTEGER NULL,            -- when this pair was issued: refresh at 80 % of its life
    state              TEXT NOT NULL,           -- ok | needs_consent
    last_error         TEXT NULL,
    failures           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NULL,            -- a failed refresh is retried with backoff
    lease_owner        TEXT NULL,
    lease_until        INTEGER NULL,
    updated_at         INTEGER NOT NULL
);

-- "Connect Zalo OA": the PKCE verifier of a consent in progress, looked up by its state parameter.
CREATE TABLE zalo_oauth_requests (
    state          TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL,
    channel_key    TEXT NOT NULL,
    code_verifier  TEXT NOT NULL,               -- protected
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

-- A channel the gateway has stopped using for now: a ZNS quota spent for the day, an eSMS key refused.
CREATE TABLE channel_states (
    channel_key      TEXT PRIMARY KEY,
    state            TEXT NOT NULL,             -- quota_spent | stopped
    reason           TEXT NULL,
    until            INTEGER NULL,              -- quota_spent: the next reset; stopped: NULL (until restart)
    remaining_quota  INTEGER NULL,              -- the last figure the provider gave
    updated_at       INTEGER NOT NULL
);

-- A notice that took a second channel says why the first did not carry it.
ALTER TABLE notice_deliveries ADD COLUMN fallback_reason TEXT NULL;
