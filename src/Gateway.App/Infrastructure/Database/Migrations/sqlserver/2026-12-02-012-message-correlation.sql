-- Same as sqlite/2026-12-02-012-message-correlation.sql in SQL Server's dialect.
ALTER TABLE messages ADD correlation_id NVARCHAR(64) NULL;
