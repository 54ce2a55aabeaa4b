-- Hostile bytes and lost deadlines (the runtime's poison handling).

-- The outbox key as the bytes it is: a dead letter keeps its record's key unchanged, even one
-- with NUL bytes or invalid UTF-8 (which a text column cannot hold).
ALTER TABLE outbox ALTER COLUMN key TYPE bytea USING convert_to(key, 'UTF8');

-- A digest of what the event said: the same ce_id with other content is told apart from a redelivery.
ALTER TABLE inbox ADD COLUMN inhoud_hash bytea;

-- A timer whose handler fails is retried with backoff; after its attempts it is dead (kept, visible,
-- retryable by resetting `dood_sinds` and `pogingen`).
ALTER TABLE timer
    ADD COLUMN pogingen        int         NOT NULL DEFAULT 0,
    ADD COLUMN laatste_fout    text,
    ADD COLUMN volgende_poging timestamptz,
    ADD COLUMN dood_sinds      timestamptz;
DROP INDEX timer_due;
CREATE INDEX timer_due ON timer (due_at, id) WHERE fired_at IS NULL AND dood_sinds IS NULL;
CREATE INDEX timer_dood ON timer (dood_sinds) WHERE dood_sinds IS NOT NULL;
