-- A dead timer's retry, asked for in the console: one row per command (its id is the command's
-- ce_id), who asked and when; a second post of the same command finds its row and sends nothing.
CREATE TABLE timer_opdracht (
    opdracht  text        PRIMARY KEY,
    dood_id   text        NOT NULL,
    dienst    text        NOT NULL,
    soort     text        NOT NULL,
    sleutel   text        NOT NULL,
    door      text        NOT NULL,
    tijd      timestamptz NOT NULL DEFAULT now()
);
