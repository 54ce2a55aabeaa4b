-- Every fact a partner sent, under its business key (shared/feitsleutel.py; the keys per type are in
-- docs/contract-*.md): the same fact sent again as a new event has no second effect, and another
-- fact under a key already used is rejected.
CREATE TABLE feitsleutel (
    sleutel      text PRIMARY KEY,             -- the event type and the key fields, as canonical JSON
    inhoud_hash  text NOT NULL,                -- SHA-256 of what the fact says beyond its key
    event_id     text NOT NULL                 -- the ce_id it was first applied under
);
