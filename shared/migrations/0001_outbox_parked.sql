-- An outbox row the broker can never accept (too large, an invalid topic) is parked: kept with its
-- reason, no longer unsent, so the relay goes on with the rows behind it.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz, ADD COLUMN parked_reason text;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL;
