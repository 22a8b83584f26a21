-- Notice templates: the shared ones seeded from templates/ at start, and those provinces create through the API.

CREATE TABLE notice_templates (
    template_key     TEXT PRIMARY KEY,
    province_code    TEXT NULL,                       -- NULL: shared by every province (from templates/)
    title            TEXT NOT NULL,
    category         TEXT NOT NULL,
    variables        TEXT NOT NULL,                   -- JSON [{"name","type"}]
    zns_template_id  TEXT NULL,
    zns_parameters   TEXT NULL,                       -- JSON {variable: ZNS parameter}
    vi_version       INTEGER NOT NULL,                -- bumped by every edit of the Vietnamese text
    created_by       TEXT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE notice_template_bodies (
    template_key    TEXT NOT NULL REFERENCES notice_templates(template_key),
    language        TEXT NOT NULL,
    sms             TEXT NOT NULL,
    zalo            TEXT NULL,
    state           TEXT NOT NULL,                    -- draft | approved (vi: approved)
    translator      TEXT NULL,
    approver        TEXT NULL,
    source_version  INTEGER NOT NULL,                 -- the vi_version it translates: older = stale
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (template_key, language)
);
