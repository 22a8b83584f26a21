-- Same as sqlite/2026-12-02-003-resident-import.sql in SQL Server's dialect. The index on the new column is created
-- through EXEC: the batch is compiled before the ALTER runs, so a direct reference would not know imported_at yet.

ALTER TABLE residents ADD imported_at BIGINT NULL;
CREATE INDEX ix_residents_audience ON residents (id, opted_out, commune_code, language);
EXEC('CREATE INDEX ix_residents_imported ON residents (imported_at)');
