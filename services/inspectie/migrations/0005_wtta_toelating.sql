-- The NAU's latest decision on each temporary-work agency's admission (Wtta).
CREATE TABLE wtta_toelating (
    uitlener_kvk                 text PRIMARY KEY,
    besluit                      text NOT NULL,          -- verleend | ingetrokken | geweigerd
    besluit_op                   date NOT NULL,
    bestuurder_faillissement_op  date,
    bron_event_id                text NOT NULL
);
