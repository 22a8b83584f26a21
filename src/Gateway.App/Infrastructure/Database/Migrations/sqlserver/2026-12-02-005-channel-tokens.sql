-- Same as sqlite/2026-12-02-005-channel-tokens.sql in SQL Server's dialect.

CREATE TABLE zalo_oa_tokens (
    app_id             NVARCHAR(40) NOT NULL PRIMARY KEY,
    access_token       NVARCHAR(MAX) NULL,
    refresh_token      NVARCHAR(MAX) NULL,
    access_expires_at  BIGINT NULL,
    issued_at          BIGINT NULL,
    state              NVARCHAR(30) NOT NULL,
    last_error         NVARCHAR(500) NULL,
    failures           INT NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT NULL,
    lease_owner        NVARCHAR(100) NULL,
    lease_until        BIGINT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE TABLE zalo_oauth_requests (
    state          NVARCHAR(100) NOT NULL PRIMARY KEY,
    app_id         NVARCHAR(40) NOT NULL,
    channel_key    NVARCHAR(100) NOT NULL,
    code_verifier  NVARCHAR(MAX) NOT NULL,
    created_by     NVARCHAR(100) NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE channel_states (
    channel_key      NVARCHAR(100) NOT NULL PRIMARY KEY,
    state            NVARCHAR(30) NOT NULL,
    reason           NVARCHAR(500) NULL,
    until            BIGINT NULL,
    remaining_quota  INT NULL,
    updated_at       BIGINT NOT NULL
);

ALTER TABLE notice_deliveries ADD fallback_reason NVARCHAR(100) NULL;
