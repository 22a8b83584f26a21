-- The commune inbox as a help desk (issue 7): who handles a conversation, its category and deadlines, its
-- escalation to the province, a timeline of what officials did (notes residents never see), who read it, and
-- canned replies.

ALTER TABLE conversations ADD COLUMN assigned_to TEXT NULL;          -- an official's username
ALTER TABLE conversations ADD COLUMN category TEXT NULL;             -- see ConversationCategory
ALTER TABLE conversations ADD COLUMN last_inbound_at INTEGER NULL;   -- the resident's last message: unread markers
ALTER TABLE conversations ADD COLUMN search_text TEXT NULL;          -- the residents' words, unaccented and lower-case
ALTER TABLE conversations ADD COLUMN first_reply_at INTEGER NULL;    -- stops the first-response clock
ALTER TABLE conversations ADD COLUMN first_reply_due INTEGER NULL;
ALTER TABLE conversations ADD COLUMN resolve_due INTEGER NULL;
ALTER TABLE conversations ADD COLUMN resolved_at INTEGER NULL;
ALTER TABLE conversations ADD COLUMN escalated_at INTEGER NULL;      -- in the province's escalations while set
ALTER TABLE conversations ADD COLUMN escalation_reason TEXT NULL;    -- manual | overdue
CREATE INDEX ix_conversations_assigned ON conversations (assigned_to, status);
CREATE INDEX ix_conversations_escalated ON conversations (province_code, escalated_at);

CREATE TABLE conversation_events (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    at               INTEGER NOT NULL,
    actor            TEXT NOT NULL,                    -- an official's username, or "system"
    kind             TEXT NOT NULL,                    -- note | assign | transfer | escalate | return | category | status | overdue
    detail           TEXT NULL                         -- the note, the instruction, the new value
);
CREATE INDEX ix_conversation_events ON conversation_events (conversation_id, at);

CREATE TABLE conversation_reads (
    conversation_id  TEXT NOT NULL REFERENCES conversations(id),
    official         TEXT NOT NULL,
    read_at          INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, official)
);

CREATE TABLE canned_replies (
    id             TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    commune_code   TEXT NULL,                          -- NULL: the province's, offered to all its communes
    title          TEXT NOT NULL,
    text           TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX ix_canned_replies ON canned_replies (province_code, commune_code);
