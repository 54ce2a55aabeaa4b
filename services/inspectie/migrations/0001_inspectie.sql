-- inspectie: risk signals per employer, inspection plans, outcomes, fines, warnings.

CREATE TABLE werkgever (
    kvk_nummer     text PRIMARY KEY,
    omzet_eur      numeric,
    omzet_boekjaar int
);

-- Every signal with the event it came from; `open` until an inspection of the employer.
CREATE TABLE signaal (
    bron_event_id   text PRIMARY KEY,
    werkgever_kvk   text    NOT NULL,
    soort           text    NOT NULL,
    waargenomen_op  date    NOT NULL,
    sterkte         numeric NOT NULL DEFAULT 1,
    wetten          text[]  NOT NULL,
    aanleiding      jsonb,
    open            boolean NOT NULL DEFAULT true
);
CREATE INDEX signaal_per_werkgever ON signaal (werkgever_kvk) WHERE open;

CREATE TABLE inspectie (
    inspectie_id   text PRIMARY KEY,
    werkgever_kvk  text   NOT NULL,
    werklocatie    jsonb,
    regio          text   NOT NULL,
    gepland_op     date,
    soort          text   NOT NULL,             -- melding | risico | steekproef | onaangekondigd
    uiterlijk_op   date,
    scope          text[] NOT NULL,
    aanleidingen   jsonb  NOT NULL,
    risico         jsonb,
    status         text   NOT NULL,             -- gepland | uitgevoerd
    uitgevoerd_op  date
);
CREATE INDEX inspectie_bezetting ON inspectie (regio, gepland_op) WHERE status = 'gepland';
CREATE INDEX inspectie_open_per_werkgever ON inspectie (werkgever_kvk) WHERE status = 'gepland';

CREATE TABLE boete (
    boete_id            text PRIMARY KEY,
    inspectie_id        text    NOT NULL,
    werkgever_kvk       text    NOT NULL,
    wet                 text    NOT NULL,
    code                text    NOT NULL,
    werknemer_ref       text,
    bedrag_eur          numeric NOT NULL,
    verschuldigd_eur    numeric NOT NULL DEFAULT 0,
    betaald_eur         numeric NOT NULL DEFAULT 0,
    berekening          jsonb   NOT NULL,
    status              text    NOT NULL,       -- in_afwachting_herstel | definitief | vervallen
    herstel_uiterlijk_op date,
    opgelegd_op         date    NOT NULL,
    beleid              text    NOT NULL
);
CREATE INDEX boete_per_werkgever ON boete (werkgever_kvk, wet);

-- Written warnings after a fineable violation (art. 28a Arbowet, 18i WML), valid 5 years.
CREATE TABLE waarschuwing (
    id            bigserial PRIMARY KEY,
    werkgever_kvk text NOT NULL,
    wet           text NOT NULL,
    gegeven_op    date NOT NULL,
    geldig_tot    date NOT NULL,
    inspectie_id  text NOT NULL
);
CREATE INDEX waarschuwing_per_werkgever ON waarschuwing (werkgever_kvk, wet);
