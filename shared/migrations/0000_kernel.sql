-- The kernel's tables, created in every service's own schema (search_path).

-- Transactional outbox: written in the same transaction as the state change; a relay publishes.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    topic       text        NOT NULL,
    key         text,                            -- NULL: the record had no key
    headers     jsonb       NOT NULL,            -- [[name, value-as-text], ...]
    value       bytea,
    event_id    text,
    event_type  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Inbox: one row per consumed event per consumer, in the same transaction as its effect.
CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Durable timers: a deadline is a row; the scheduler fires it once, inside a transaction.
CREATE TABLE timer (
    id            bigserial   PRIMARY KEY,
    soort         text        NOT NULL,
    sleutel       text        NOT NULL,
    due_at        timestamptz NOT NULL,
    payload       jsonb       NOT NULL DEFAULT '{}',
    correlationid text,
    causationid   text,
    fired_at      timestamptz,
    UNIQUE (soort, sleutel)
);
CREATE INDEX timer_due ON timer (due_at, id) WHERE fired_at IS NULL;

-- The test clock's current value (CONTRACT §4), when the service runs with the test clock.
CREATE TABLE testklok (
    id  int PRIMARY KEY CHECK (id = 1),
    nu  timestamptz NOT NULL
);
