-- Same as sqlite/2026-12-02-008-deadlines.sql in SQL Server's dialect.

CREATE TABLE public_holidays (
    holiday_date  NVARCHAR(10) NOT NULL PRIMARY KEY,
    kind          NVARCHAR(20) NOT NULL,
    name          NVARCHAR(200) NOT NULL,
    source        NVARCHAR(400) NULL,
    updated_by    NVARCHAR(100) NOT NULL,
    updated_at    BIGINT NOT NULL
);
