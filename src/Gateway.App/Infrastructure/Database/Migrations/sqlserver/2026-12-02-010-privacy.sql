-- Same as sqlite/2026-12-02-010-privacy.sql in SQL Server's dialect (filtered indexes). The indexes on anonymised_at
-- are in EXEC: a column added by this batch cannot be named by its later statements when SQL Server compiles the batch.

ALTER TABLE conversations ADD anonymised_at BIGINT NULL;
ALTER TABLE messages ADD anonymised_at BIGINT NULL;
ALTER TABLE notice_deliveries ADD anonymised_at BIGINT NULL;
ALTER TABLE audit_log ADD anonymised_at BIGINT NULL;

EXEC('CREATE INDEX ix_conversations_retention ON conversations (resolved_at) WHERE anonymised_at IS NULL');
-- Only finished deliveries enter this one: a notice on its way costs it nothing. (Messages outside a conversation are
-- found through ix_messages_conversation: conversation_id IS NULL, by created_at.)
EXEC('CREATE INDEX ix_notice_deliveries_retention ON notice_deliveries (updated_at) WHERE anonymised_at IS NULL AND status IN (''sent'', ''delivered'', ''read'', ''failed'', ''unknown'', ''skipped'', ''cancelled'')');
EXEC('CREATE INDEX ix_audit_retention ON audit_log (at) WHERE anonymised_at IS NULL');
-- A resident's request finds their conversations by resident (their deliveries are found by a scan: erasure is rare,
-- and an index on notice_deliveries would slow every broadcast's expansion).
CREATE INDEX ix_conversations_resident ON conversations (resident_id);
