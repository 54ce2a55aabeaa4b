-- Employer facts the fines and the risk score read, and warnings that can be withdrawn.

-- The headcount of the latest payroll return (its month, so an older return sent late does not
-- overwrite it); it scales Arbowet fines (BWBR0032326). Whether the employer is a temporary-work
-- agency, with the event that said so (SER §4.1 risk line).
ALTER TABLE werkgever
    ADD COLUMN aantal_werknemers          int,
    ADD COLUMN aantal_werknemers_tijdvak  text,
    ADD COLUMN uitzendonderneming         boolean,
    ADD COLUMN uitzendonderneming_bron    text,
    ADD COLUMN uitzendonderneming_op      date;

-- A warning goes with the fine it was given with; when that fine lapses the warning is withdrawn.
ALTER TABLE waarschuwing
    ADD COLUMN boete_id       text,
    ADD COLUMN ingetrokken_op date;
CREATE INDEX waarschuwing_per_boete ON waarschuwing (boete_id);

-- Housing deductions that break HUIS-005 (from huisvesting's latest check of each contract): they
-- do not count as wage paid in a WML fine for the same worker and months.
CREATE TABLE onrechtmatige_inhouding (
    werkgever_kvk        text    NOT NULL,
    contract_referentie  text    NOT NULL,
    werknemer_ref        text    NOT NULL,
    van                  date    NOT NULL,
    tot                  date,
    per_maand_eur        numeric NOT NULL,
    voorwaarden_voldaan  boolean NOT NULL,
    uren_per_week        numeric,
    leeftijd             int,
    peildatum            date    NOT NULL,
    PRIMARY KEY (werkgever_kvk, contract_referentie)
);
