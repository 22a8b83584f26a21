-- Same as sqlite/2026-12-02-006-accounts.sql in SQL Server's dialect.

ALTER TABLE officials ADD disabled BIT NOT NULL DEFAULT 0;
ALTER TABLE officials ADD session_version INT NOT NULL DEFAULT 0;

ALTER TABLE sessions ADD session_version INT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD last_used_at BIGINT NULL;
CREATE INDEX ix_sessions_official ON sessions (official_id);

CREATE TABLE sign_in_throttle (
    throttle_key     NVARCHAR(100) NOT NULL PRIMARY KEY,
    failures         INT NOT NULL,
    last_failure_at  BIGINT NOT NULL,
    blocked_until    BIGINT NULL
);
CREATE INDEX ix_sign_in_throttle_last_failure ON sign_in_throttle (last_failure_at);
