-- loonvordering: back-pay claims, the facts about their chain, payments, and the BSN vault.

CREATE TABLE vordering (
    vordering_id         text PRIMARY KEY,
    indiener_organisatie text,                 -- NULL for a claim opened from an inspection
    indiener_referentie  text   NOT NULL,
    werkgever_kvk        text   NOT NULL,
    werknemer_ref        text   NOT NULL,
    invoer               jsonb  NOT NULL,      -- the claim as filed, without the BSN
    ingediend_op         date   NOT NULL,
    bedrag_eur           numeric NOT NULL,
    berekening           jsonb  NOT NULL,
    aansprakelijk        jsonb  NOT NULL,      -- the liable parties last announced
    status               text   NOT NULL,      -- vastgesteld | voldaan
    beleid               text   NOT NULL,
    UNIQUE (indiener_organisatie, indiener_referentie)
);

-- Personal identifiers live here only: never in events, logs or other tables.
CREATE TABLE bsn_kluis (
    vordering_id text PRIMARY KEY REFERENCES vordering,
    bsn          text NOT NULL
);

-- Facts about the chain as they arrive: statuses, notices, chain-information requests and answers.
CREATE TABLE ketenfeit (
    id           bigserial PRIMARY KEY,
    vordering_id text  NOT NULL REFERENCES vordering,
    soort        text  NOT NULL,               -- status | aanzegging | verzoek | antwoord | schakel
    kvk_nummer   text  NOT NULL,
    datum        date  NOT NULL,
    waarde       jsonb
);
CREATE INDEX ketenfeit_per_vordering ON ketenfeit (vordering_id, id);

CREATE TABLE betaling (
    event_id     text PRIMARY KEY,
    vordering_id text    NOT NULL REFERENCES vordering,
    kvk_nummer   text    NOT NULL,
    bedrag_eur   numeric NOT NULL,
    betaald_op   date    NOT NULL
);
CREATE INDEX betaling_per_vordering ON betaling (vordering_id);
