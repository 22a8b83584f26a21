-- Simulated phones have their own scheme (sim:+84…), so a simulated text never stands for the real owner of the
-- number. Texts the shipped simulator channel (key 'simulator') stored before as tel: move to sim:, and each resident
-- they came from gains the sim: address, so the simulated phone keeps its thread, resident and open conversation.
-- The tel: address stays: it may also be a real resident's. (Other simulator keys are test or local configurations.)

INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at)
SELECT 'sim:' || substr(a.urn, 5), a.resident_id, 'sim', 1, a.last_inbound_at, a.created_at
FROM resident_addresses a
WHERE a.urn LIKE 'tel:%'
  AND EXISTS (SELECT 1 FROM messages m WHERE m.channel_key = 'simulator' AND m.urn = a.urn)
  AND NOT EXISTS (SELECT 1 FROM resident_addresses s WHERE s.urn = 'sim:' || substr(a.urn, 5));

UPDATE messages SET urn = 'sim:' || substr(urn, 5) WHERE channel_key = 'simulator' AND urn LIKE 'tel:%';

UPDATE conversations SET urn = 'sim:' || substr(urn, 5) WHERE channel_key = 'simulator' AND urn LIKE 'tel:%';
