-- The correlation id a message carries from its webhook (or the request that queued it) to the provider call:
-- every log line of every hop names it. NULL for rows written before this column.
ALTER TABLE messages ADD COLUMN correlation_id TEXT NULL;
