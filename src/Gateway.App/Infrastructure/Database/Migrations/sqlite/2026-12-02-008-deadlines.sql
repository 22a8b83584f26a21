-- Deadlines and escalation (issue 7): Vietnam's public holidays for the working-time calendar, one row per day
-- that differs from the usual week. Seeded a year at a time from Features/Inbox/Deadlines/Data/vn_public_holidays.csv
-- while the table has no row for that year; after that the operator edits it.

CREATE TABLE public_holidays (
    holiday_date  TEXT PRIMARY KEY,                 -- yyyy-MM-dd, the Vietnam calendar date
    kind          TEXT NOT NULL,                    -- holiday | compensatory | swap (days off) | work (a weekend day worked)
    name          TEXT NOT NULL,
    source        TEXT NULL,                        -- the law or decision
    updated_by    TEXT NOT NULL,                    -- "seed", or who edited it
    updated_at    INTEGER NOT NULL
);
