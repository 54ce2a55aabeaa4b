-- Sessions on the server, login attempts for rate limiting, accounts that can be disabled,
-- a dead letter as one item with a history of attempts, and worker references kept beside the
-- events so they can be masked by meaning.

-- own records: a session is a random token in the cookie; only its SHA-256 is stored.
CREATE TABLE sessie (
    token_hash       text        PRIMARY KEY,
    naam             text        NOT NULL REFERENCES gebruiker (naam) ON DELETE CASCADE,
    csrf             text        NOT NULL,
    adres            text,
    aangemaakt       timestamptz NOT NULL DEFAULT now(),
    laatst_gebruikt  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessie_naam ON sessie (naam);

-- own records: every login attempt (form or HTTP Basic), for the limits per account and per address.
CREATE TABLE inlogpoging (
    id      bigserial   PRIMARY KEY,
    tijd    timestamptz NOT NULL DEFAULT now(),
    naam    text        NOT NULL,
    adres   text        NOT NULL,
    gelukt  boolean     NOT NULL
);
CREATE INDEX inlogpoging_naam ON inlogpoging (naam, tijd);
CREATE INDEX inlogpoging_adres ON inlogpoging (adres, tijd);
CREATE INDEX inlogpoging_tijd ON inlogpoging (tijd);

ALTER TABLE gebruiker ADD COLUMN actief boolean NOT NULL DEFAULT true;

-- read model: a dead letter is one item per record (original topic, event id, content); every time
-- that record reached a dead-letter topic (first, and again after a failed replay) is one attempt.
ALTER TABLE dode_letter ADD COLUMN identiteit text;
ALTER TABLE dode_letter ADD COLUMN sleutel_ruw bytea;  -- the record key as bytes (replayed unchanged)
UPDATE dode_letter SET identiteit = encode(
    sha256(convert_to(origineel_topic || chr(31) || coalesce(ce_id, '') || chr(31), 'UTF8') || coalesce(waarde, ''::bytea)),
    'hex');

CREATE TABLE dode_letter_poging (
    id              bigserial   PRIMARY KEY,
    dode_letter_id  bigint      NOT NULL REFERENCES dode_letter (id) ON DELETE CASCADE,
    dlq_topic       text        NOT NULL,
    partitie        int         NOT NULL,
    positie         bigint      NOT NULL,
    reden           text,
    details         text,
    dienst          text,
    tijd            text,
    replay_van      text,       -- the attempt whose replay failed again (dlq_topic/partitie/positie)
    ontvangen_op    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dlq_topic, partitie, positie)
);
CREATE INDEX dode_letter_poging_item ON dode_letter_poging (dode_letter_id, id);

INSERT INTO dode_letter_poging (dode_letter_id, dlq_topic, partitie, positie, reden, details, dienst, tijd, ontvangen_op)
SELECT (SELECT min(e.id) FROM dode_letter e WHERE e.identiteit = d.identiteit),
       d.dlq_topic, d.partitie, d.positie, d.reden, d.details, d.dienst, d.tijd, d.ontvangen_op
FROM dode_letter d ORDER BY d.id;
DELETE FROM dode_letter d USING dode_letter e WHERE d.identiteit = e.identiteit AND d.id > e.id;
ALTER TABLE dode_letter ALTER COLUMN identiteit SET NOT NULL;
ALTER TABLE dode_letter ADD CONSTRAINT dode_letter_identiteit UNIQUE (identiteit);
ALTER TABLE dode_letter DROP CONSTRAINT dode_letter_dlq_topic_partitie_positie_key;

-- own records: which attempt was replayed (once per attempt), kept across rebuilds like the audit.
CREATE TABLE replay_poging (
    dlq_topic  text        NOT NULL,
    partitie   int         NOT NULL,
    positie    bigint      NOT NULL,
    door       text        NOT NULL,
    tijd       timestamptz NOT NULL DEFAULT now(),
    batch      text        NOT NULL,
    PRIMARY KEY (dlq_topic, partitie, positie)
);
INSERT INTO replay_poging (dlq_topic, partitie, positie, door, tijd, batch)
SELECT DISTINCT ON (dlq_topic, partitie, positie) dlq_topic, partitie, positie, door, tijd, 'voor-migratie'
FROM replay_audit ORDER BY dlq_topic, partitie, positie, tijd;
ALTER TABLE replay_audit ADD COLUMN batch text;
CREATE INDEX replay_poging_batch ON replay_poging (batch);

-- read model: the worker references an event carries, so a value that embeds one is masked and never matched.
ALTER TABLE gebeurtenis ADD COLUMN werknemer_refs text[] NOT NULL DEFAULT '{}';
ALTER TABLE vordering ADD COLUMN werknemer_ref text;
