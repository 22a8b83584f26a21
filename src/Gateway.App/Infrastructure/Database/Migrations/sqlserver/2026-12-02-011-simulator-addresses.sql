-- Same as sqlite/2026-12-02-011-simulator-addresses.sql in SQL Server's dialect.

INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at)
SELECT 'sim:' + SUBSTRING(a.urn, 5, 200), a.resident_id, 'sim', 1, a.last_inbound_at, a.created_at
FROM resident_addresses a
WHERE a.urn LIKE 'tel:%'
  AND EXISTS (SELECT 1 FROM messages m WHERE m.channel_key = 'simulator' AND m.urn = a.urn)
  AND NOT EXISTS (SELECT 1 FROM resident_addresses s WHERE s.urn = 'sim:' + SUBSTRING(a.urn, 5, 200));

UPDATE messages SET urn = 'sim:' + SUBSTRING(urn, 5, 200) WHERE channel_key = 'simulator' AND urn LIKE 'tel:%';

UPDATE conversations SET urn = 'sim:' + SUBSTRING(urn, 5, 200) WHERE channel_key = 'simulator' AND urn LIKE 'tel:%';
