-- Same as sqlite/2026-12-02-007-help-desk.sql in SQL Server's dialect.

ALTER TABLE conversations ADD assigned_to NVARCHAR(100) NULL, category NVARCHAR(40) NULL, last_inbound_at BIGINT NULL,
    search_text NVARCHAR(2000) NULL, first_reply_at BIGINT NULL, first_reply_due BIGINT NULL, resolve_due BIGINT NULL,
    resolved_at BIGINT NULL, escalated_at BIGINT NULL, escalation_reason NVARCHAR(20) NULL;
-- In EXEC: a column added by this batch cannot be named by its later statements when SQL Server compiles the batch.
EXEC('CREATE INDEX ix_conversations_assigned ON conversations (assigned_to, status)');
EXEC('CREATE INDEX ix_conversations_escalated ON conversations (province_code, escalated_at)');

CREATE TABLE conversation_events (
    id               NVARCHAR(36) NOT NULL PRIMARY KEY,
    conversation_id  NVARCHAR(36) NOT NULL REFERENCES conversations(id),
    at               BIGINT NOT NULL,
    actor            NVARCHAR(100) NOT NULL,
    kind             NVARCHAR(20) NOT NULL,
    detail           NVARCHAR(2000) NULL
);
CREATE INDEX ix_conversation_events ON conversation_events (conversation_id, at);

CREATE TABLE conversation_reads (
    conversation_id  NVARCHAR(36) NOT NULL REFERENCES conversations(id),
    official         NVARCHAR(100) NOT NULL,
    read_at          BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, official)
);

CREATE TABLE canned_replies (
    id             NVARCHAR(36) NOT NULL PRIMARY KEY,
    province_code  NVARCHAR(10) NOT NULL,
    commune_code   NVARCHAR(10) NULL,
    title          NVARCHAR(200) NOT NULL,
    text           NVARCHAR(2000) NOT NULL,
    updated_by     NVARCHAR(100) NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX ix_canned_replies ON canned_replies (province_code, commune_code);
