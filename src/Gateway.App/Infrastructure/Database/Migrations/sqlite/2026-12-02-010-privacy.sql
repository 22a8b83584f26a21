-- Residents' personal data (issue 8; Decree 13/2023, Law 91/2025): rows whose texts and addresses the retention job
-- (or a resident's erasure) has anonymised carry anonymised_at. Counts, statuses, communes and times stay, so the
-- reports give the same figures; the filtered indexes hold only rows still to be looked at, so a pass costs what is
-- left to do, not the whole history.

ALTER TABLE conversations ADD COLUMN anonymised_at INTEGER NULL;
ALTER TABLE messages ADD COLUMN anonymised_at INTEGER NULL;
ALTER TABLE notice_deliveries ADD COLUMN anonymised_at INTEGER NULL;
ALTER TABLE audit_log ADD COLUMN anonymised_at INTEGER NULL;

CREATE INDEX ix_conversations_retention ON conversations (resolved_at) WHERE anonymised_at IS NULL;
-- Only finished deliveries enter this one: a notice on its way costs it nothing. (Messages outside a conversation are
-- found through ix_messages_conversation: conversation_id IS NULL, by created_at.)
CREATE INDEX ix_notice_deliveries_retention ON notice_deliveries (updated_at) WHERE anonymised_at IS NULL AND status IN ('sent', 'delivered', 'read', 'failed', 'unknown', 'skipped', 'cancelled');
CREATE INDEX ix_audit_retention ON audit_log (at) WHERE anonymised_at IS NULL;
-- A resident's request finds their conversations by resident (their deliveries are found by a scan: erasure is rare,
-- and an index on notice_deliveries would slow every broadcast's expansion).
CREATE INDEX ix_conversations_resident ON conversations (resident_id);
