-- Accounts and access (issue 7). An admin disables officials and resets passwords; either ends the official's
-- sessions at once, on every instance: the rows are deleted and the official's session_version moves on, so a
-- session whose version is behind (issued from a password checked just before the change) is refused too.
ALTER TABLE officials ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE officials ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;

-- role is now commune | province | admin; an admin has no commune and province_code '' (no inbox).

ALTER TABLE sessions ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;  -- the official's, when issued
ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NULL;                    -- idle expiry; NULL (older rows) = created_at
CREATE INDEX ix_sessions_official ON sessions (official_id);

-- Sign-in failures, per account and per client address, shared by every instance.
CREATE TABLE sign_in_throttle (
    throttle_key     TEXT PRIMARY KEY,        -- account:{SHA-256 of the lower-case username} | address:{IPv4 or IPv6 /64}
    failures         INTEGER NOT NULL,        -- in a row, counting an attempt in flight
    last_failure_at  INTEGER NOT NULL,
    blocked_until    INTEGER NULL             -- no attempt before this (429 + Retry-After)
);
CREATE INDEX ix_sign_in_throttle_last_failure ON sign_in_throttle (last_failure_at);
