-- deling: the disclosure audit. One row per event sent to a partner, written in the same
-- transaction as the outbox row that sends it.
CREATE TABLE verstrekking (
    id             bigserial PRIMARY KEY,
    ontvanger      text        NOT NULL,
    topic          text        NOT NULL,
    event_id       text        NOT NULL UNIQUE,
    bron_event_id  text        NOT NULL,
    type           text        NOT NULL,
    velden         text[]      NOT NULL,
    doel           text        NOT NULL,
    grondslag      text        NOT NULL,
    beleid         text        NOT NULL,
    zaak_ref       text,
    tijd           timestamptz NOT NULL
);
CREATE INDEX verstrekking_per_ontvanger ON verstrekking (topic, tijd);
CREATE INDEX verstrekking_per_zaak ON verstrekking (zaak_ref);
