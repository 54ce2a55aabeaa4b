-- The console's read model (rebuildable from the topics) and its own records (users, replay audit).
-- `python -m services.console.rebuild` empties the tables marked "read model" and the inbox; the
-- users and the replay audit are not derived from the topics and survive a rebuild.

-- read model: every domain event, with the keys a case view and a search need.
CREATE TABLE gebeurtenis (
    volgnummer          bigserial   UNIQUE,
    id                  text        PRIMARY KEY,
    type                text        NOT NULL,
    tijd                timestamptz NOT NULL,
    bron                text        NOT NULL,
    correlationid       text,
    causationid         text,
    topic               text        NOT NULL,
    zaak_ids            text[]      NOT NULL DEFAULT '{}',
    inspectie_id        text,
    vordering_id        text,
    contract_referentie text,
    boete_id            text,
    kvk                 text[]      NOT NULL DEFAULT '{}',
    gemeentecode        text,
    postcode            text,
    referentie          text,
    beleid              text,
    data                jsonb       NOT NULL,
    ontvangen_op        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gebeurtenis_zaak ON gebeurtenis USING gin (zaak_ids);
CREATE INDEX gebeurtenis_kvk ON gebeurtenis USING gin (kvk);
CREATE INDEX gebeurtenis_correlatie ON gebeurtenis (correlationid);
CREATE INDEX gebeurtenis_oorzaak ON gebeurtenis (causationid);
CREATE INDEX gebeurtenis_inspectie ON gebeurtenis (inspectie_id);
CREATE INDEX gebeurtenis_vordering ON gebeurtenis (vordering_id);
CREATE INDEX gebeurtenis_contract ON gebeurtenis (contract_referentie);
CREATE INDEX gebeurtenis_postcode ON gebeurtenis (postcode);
CREATE INDEX gebeurtenis_referentie ON gebeurtenis (referentie);
CREATE INDEX gebeurtenis_ontvangen ON gebeurtenis (ontvangen_op);

-- read model: cases (melding), by status.
CREATE TABLE zaak (
    zaak_id                 text PRIMARY KEY,
    status                  text NOT NULL,
    kvk                     text,
    gemeentecode            text,
    postcode                text,
    referenties             text[] NOT NULL DEFAULT '{}',
    uiterlijk_inspectie_op  date,
    gepland_op              date,
    termijn_overschreden    boolean NOT NULL DEFAULT false,
    bijgewerkt              timestamptz NOT NULL
);
CREATE INDEX zaak_gemeente ON zaak (gemeentecode);

-- read model: inspection plans.
CREATE TABLE inspectie (
    inspectie_id   text PRIMARY KEY,
    status         text NOT NULL,
    kvk            text,
    regio          text,
    soort          text,
    gepland_op     date,
    uiterlijk_op   date,
    gemeentecode   text,
    zaak_ids       text[] NOT NULL DEFAULT '{}',
    risico         jsonb,
    bijgewerkt     timestamptz NOT NULL
);

-- read model: wage claims with the parties liable.
CREATE TABLE vordering (
    vordering_id      text PRIMARY KEY,
    status            text NOT NULL,
    kvk               text,
    referentie        text,
    bedrag_eur        numeric,
    aansprakelijk     jsonb NOT NULL DEFAULT '[]',
    keten             jsonb,
    volgende_termijn  jsonb,
    beleid            text,
    bijgewerkt        timestamptz NOT NULL
);

-- read model: housing checks.
CREATE TABLE huisvesting (
    contract_referentie  text PRIMARY KEY,
    status               text NOT NULL,
    gemeentecode         text,
    postcode             text,
    kvk                  text,
    oordeel              text,
    bevindingen          jsonb NOT NULL DEFAULT '[]',
    beleid               text,
    bijgewerkt           timestamptz NOT NULL
);
CREATE INDEX huisvesting_gemeente ON huisvesting (gemeentecode);

-- read model: dead letters, the original record kept byte for byte for a replay.
CREATE TABLE dode_letter (
    id               bigserial PRIMARY KEY,
    dlq_topic        text   NOT NULL,
    partitie         int    NOT NULL,
    positie          bigint NOT NULL,
    origineel_topic  text   NOT NULL,
    reden            text,
    details          text,
    dienst           text,
    tijd             text,
    sleutel          text,
    headers          jsonb  NOT NULL,      -- [[name, value-as-text], ...] of the original record
    waarde           bytea,
    ce_id            text,
    ce_type          text,
    ontvangen_op     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dlq_topic, partitie, positie)
);

-- own records: who may log in.
CREATE TABLE gebruiker (
    naam            text PRIMARY KEY,
    rol             text NOT NULL CHECK (rol IN ('beheerder', 'operator', 'planner', 'gemeente')),
    gemeentecode    text,
    wachtwoord      text NOT NULL,
    aangemaakt      timestamptz NOT NULL DEFAULT now(),
    CHECK ((rol = 'gemeente') = (gemeentecode IS NOT NULL))
);

-- own records: every replay of a dead letter (who, when, what), kept across rebuilds.
CREATE TABLE replay_audit (
    id          bigserial PRIMARY KEY,
    door        text        NOT NULL,
    tijd        timestamptz NOT NULL DEFAULT now(),
    dlq_topic   text        NOT NULL,
    partitie    int         NOT NULL,
    positie     bigint      NOT NULL,
    naar_topic  text        NOT NULL,
    ce_id       text,
    ce_type     text,
    reden       text
);

-- own records: the consumer group the read model is built with; a rebuild starts a fresh one.
CREATE TABLE leesmodel (
    id        int  PRIMARY KEY CHECK (id = 1),
    generatie int  NOT NULL
);
INSERT INTO leesmodel (id, generatie) VALUES (1, 1);
