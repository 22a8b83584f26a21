-- Residents imported from a commune's or province's list (CSV): imported_at marks them (NULL = known only from a
-- message). The audience index lets a broadcast walk a province's residents in id order (keyset paging) without
-- touching the table rows it skips: id first, then everything the audience filter reads.

ALTER TABLE residents ADD COLUMN imported_at INTEGER NULL;
CREATE INDEX ix_residents_audience ON residents (id, opted_out, commune_code, language);
CREATE INDEX ix_residents_imported ON residents (imported_at);
