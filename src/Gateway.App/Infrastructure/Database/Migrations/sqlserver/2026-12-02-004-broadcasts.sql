-- Same as sqlite/2026-12-02-004-broadcasts.sql in SQL Server's dialect.

CREATE TABLE broadcasts (
    id                NVARCHAR(36) NOT NULL PRIMARY KEY,
    province_code     NVARCHAR(10) NOT NULL,
    template_key      NVARCHAR(100) NOT NULL,
    variables         NVARCHAR(MAX) NOT NULL,
    audience          NVARCHAR(MAX) NOT NULL,
    emergency         BIT NOT NULL DEFAULT 0,
    recurrence        NVARCHAR(100) NULL,
    send_at           BIGINT NULL,
    status            NVARCHAR(30) NOT NULL,
    next_run_at       BIGINT NULL,
    run               INT NOT NULL DEFAULT 0,
    expanded          BIT NOT NULL DEFAULT 0,
    lease_owner       NVARCHAR(100) NULL,
    lease_until       BIGINT NULL,
    last_progress_at  BIGINT NULL,
    created_by        NVARCHAR(100) NOT NULL,
    approved_by       NVARCHAR(100) NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    approved_at       BIGINT NULL,
    started_at        BIGINT NULL,
    completed_at      BIGINT NULL,
    opted_out_count   INT NOT NULL DEFAULT 0
);
CREATE INDEX ix_broadcasts_status ON broadcasts (status, next_run_at);
CREATE INDEX ix_broadcasts_province ON broadcasts (province_code, created_at);

CREATE TABLE broadcast_versions (
    broadcast_id  NVARCHAR(36) NOT NULL REFERENCES broadcasts(id),
    run           INT NOT NULL,
    language      NVARCHAR(20) NOT NULL,
    sms_text      NVARCHAR(MAX) NOT NULL,
    zalo_text     NVARCHAR(MAX) NOT NULL,
    PRIMARY KEY (broadcast_id, run, language)
);

CREATE TABLE notice_deliveries (
    id                   BIGINT NOT NULL PRIMARY KEY,
    broadcast_id         NVARCHAR(36) NOT NULL,
    run                  INT NOT NULL,
    resident_id          NVARCHAR(36) NOT NULL,
    commune_code         NVARCHAR(10) NOT NULL,
    language             NVARCHAR(20) NOT NULL,
    wanted_language      NVARCHAR(20) NULL,
    channel_key          NVARCHAR(100) NULL,
    channel_type         NVARCHAR(20) NULL,
    urn                  NVARCHAR(200) NULL,
    status               NVARCHAR(20) NOT NULL,
    reason               NVARCHAR(100) NULL,
    error_message        NVARCHAR(500) NULL,
    attempts             INT NOT NULL DEFAULT 0,
    next_attempt_at      BIGINT NULL,
    provider_message_id  NVARCHAR(100) NULL,
    segments             INT NOT NULL DEFAULT 1,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_notice_deliveries_resident ON notice_deliveries (broadcast_id, run, resident_id);
CREATE INDEX ix_notice_deliveries_status ON notice_deliveries (broadcast_id, run, status, id);
CREATE INDEX ix_notice_deliveries_provider ON notice_deliveries (channel_key, provider_message_id) WHERE provider_message_id IS NOT NULL;
