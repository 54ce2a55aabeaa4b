-- huisvesting: the housing contracts received and the last check of each.
CREATE TABLE huurcontract (
    contract_referentie text PRIMARY KEY,
    postcode            text  NOT NULL,
    huisnummer          text  NOT NULL,
    gemeentecode        text  NOT NULL,
    data                jsonb NOT NULL,
    laatste_codes       text[] NOT NULL DEFAULT '{}',
    laatste_controle    date
);
CREATE INDEX huurcontract_per_adres ON huurcontract (postcode, huisnummer);
