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
    status         text   NOT NULL,             -- gepland | wachtend (no capacity / not drawn) | uitgevoerd
    tekort_gemeld  boolean NOT NULL DEFAULT false,
    uitgevoerd_op  date
);
CREATE INDEX inspectie_open_per_regio ON inspectie (regio) WHERE status IN ('gepland', 'wachtend');
CREATE INDEX inspectie_open_per_werkgever ON inspectie (werkgever_kvk) WHERE status IN ('gepland', 'wachtend');

CREATE TABLE boete (
    boete_id            text PRIMARY KEY,
    inspectie_id        text    NOT NULL,
    werkgever_kvk       text    NOT NULL,
    wet                 text    NOT NULL,
    code                text    NOT NULL,
    ernstig             boolean NOT NULL,
    bedrag_eur          numeric NOT NULL,
    nabetaling_eur      numeric,
    berekening          jsonb   NOT NULL,
    status              text    NOT NULL,       -- in_afwachting_herstel | onherroepelijk | vervallen
    herstel_tot_en_met  date,
    opgelegd_op         date    NOT NULL,
    onherroepelijk_op   date,
    beleid              text    NOT NULL
);

CREATE TABLE betaalbewijs (
    event_id      text PRIMARY KEY,
    inspectie_id  text    NOT NULL,
    werkgever_kvk text    NOT NULL,
    bedrag_eur    numeric NOT NULL,
    betaald_op    date    NOT NULL
);
CREATE INDEX betaalbewijs_per_inspectie ON betaalbewijs (inspectie_id);
CREATE INDEX boete_per_werkgever ON boete (werkgever_kvk, wet);

-- Written warnings after a fineable violation (art. 28a Arbowet, 18i WML), valid 5 years.
CREATE TABLE waarschuwing (
    id            bigserial PRIMARY KEY,
    werkgever_kvk text NOT NULL,
    wet           text NOT NULL,
    code          text NOT NULL,
    gegeven_op    date NOT NULL,
    geldig_tot_en_met date NOT NULL,
    inspectie_id  text NOT NULL
);
CREATE INDEX waarschuwing_per_werkgever ON waarschuwing (werkgever_kvk, wet);
