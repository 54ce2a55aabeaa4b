-- read model: the laws each employer was fined or stopped under, which a new case of that employer
-- starts with. Read from gebeurtenis instead, each new case of a batch looked its employer up among
-- every event: through the GIN index's pending list of every event written since autovacuum last
-- came by, or by a scan of all events where the plan was made on a young table (0.4 s for a batch
-- of 400 cases in the benchmark, growing with the stream). Sanctions are rare; this table is small.
CREATE TABLE werkgever_wet (
    kvk text NOT NULL,
    wet text NOT NULL,
    PRIMARY KEY (kvk, wet)
);
INSERT INTO werkgever_wet (kvk, wet)
SELECT DISTINCT k.kvk, g.data->>'wet' FROM gebeurtenis g, unnest(g.kvk) AS k(kvk)
WHERE g.type IN ('nl.waardigwerk.inspectie.boete_opgelegd', 'nl.waardigwerk.inspectie.stillegging_bevolen')
  AND jsonb_typeof(g.data->'wet') = 'string' AND g.data->>'wet' ~ '[^[:space:]]';  -- as the projection: a text, not blank
