-- melding: reports (meldingen) and the cases (zaken) opened from them.

CREATE TABLE zaak (
    zaak_id                text PRIMARY KEY,
    werkgever_kvk          text        NOT NULL,
    status                 text        NOT NULL,
    resultaat              text,
    categorieen            text[]      NOT NULL,
    scope                  text[]      NOT NULL,
    gemeentecode           text,
    geopend_op             date        NOT NULL,
    laatste_melding_op     date        NOT NULL,
    uiterlijk_inspectie_op date        NOT NULL,
    geinspecteerd_op       date
);
CREATE INDEX zaak_open_per_werkgever ON zaak (werkgever_kvk) WHERE status <> 'gesloten';

-- The report itself. The reporter's identity stays here (complainant confidentiality, art. 26
-- Arbowet): events to other services carry the zaak, never who reported.
CREATE TABLE melding (
    melding_id             text PRIMARY KEY,
    organisatie            text        NOT NULL,
    referentie             text        NOT NULL,
    melder_soort           text        NOT NULL,
    zaak_id                text        NOT NULL REFERENCES zaak,
    inhoud_hash            text        NOT NULL,
    categorieen            text[]      NOT NULL,
    ontvangen_op           date        NOT NULL,
    uiterlijk_inspectie_op date        NOT NULL,
    termijn_overschreden   boolean     NOT NULL DEFAULT false,
    data                   jsonb       NOT NULL,
    UNIQUE (organisatie, referentie)
);
CREATE INDEX melding_per_zaak ON melding (zaak_id);

-- Every status change of a case, with the event that caused it.
CREATE TABLE zaak_audit (
    id           bigserial PRIMARY KEY,
    zaak_id      text        NOT NULL REFERENCES zaak,
    tijd         timestamptz NOT NULL,
    van_status   text,
    naar_status  text        NOT NULL,
    omschrijving text        NOT NULL,
    event_id     text        NOT NULL
);
CREATE INDEX zaak_audit_per_zaak ON zaak_audit (zaak_id, id);
