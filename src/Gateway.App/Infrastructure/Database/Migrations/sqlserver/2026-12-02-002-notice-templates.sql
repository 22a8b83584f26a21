-- Same as sqlite/2026-12-02-002-notice-templates.sql in SQL Server's dialect.

CREATE TABLE notice_templates (
    template_key     NVARCHAR(64) NOT NULL PRIMARY KEY,
    province_code    NVARCHAR(10) NULL,
    title            NVARCHAR(200) NOT NULL,
    category         NVARCHAR(100) NOT NULL,
    variables        NVARCHAR(MAX) NOT NULL,
    zns_template_id  NVARCHAR(100) NULL,
    zns_parameters   NVARCHAR(MAX) NULL,
    vi_version       INT NOT NULL,
    created_by       NVARCHAR(100) NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE notice_template_bodies (
    template_key    NVARCHAR(64) NOT NULL REFERENCES notice_templates(template_key),
    language        NVARCHAR(20) NOT NULL,
    sms             NVARCHAR(MAX) NOT NULL,
    zalo            NVARCHAR(MAX) NULL,
    state           NVARCHAR(20) NOT NULL,
    translator      NVARCHAR(100) NULL,
    approver        NVARCHAR(100) NULL,
    source_version  INT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (template_key, language)
);
