-- The lists of the console (cases, inspections, claims, housing checks): what a row shows and filters
-- on, kept on the row by the projection, and indexes so a page of a filtered, sorted list of many
-- thousands of rows stays an index scan.

-- read model: a case with its employer's name and the first report's description (from melding.ontvangen),
-- the region of its inspection, the laws of its employer's fines and stoppages and the policy variant.
ALTER TABLE zaak ADD COLUMN werkgever_naam text;
ALTER TABLE zaak ADD COLUMN omschrijving text;
ALTER TABLE zaak ADD COLUMN regio text;
ALTER TABLE zaak ADD COLUMN wetten text[] NOT NULL DEFAULT '{}';
ALTER TABLE zaak ADD COLUMN beleidsvariant text;

UPDATE zaak z SET werkgever_naam = o.data->>'werkgever_naam', omschrijving = o.data->>'omschrijving',
                  beleidsvariant = split_part(o.beleid, '@', 1)
FROM (SELECT DISTINCT ON (zaak_ids[1]) zaak_ids[1] AS zaak_id, data, beleid FROM gebeurtenis
      WHERE type = 'nl.waardigwerk.melding.ontvangen' ORDER BY zaak_ids[1], tijd, volgnummer) o
WHERE o.zaak_id = z.zaak_id;
UPDATE zaak z SET regio = i.regio FROM inspectie i WHERE z.zaak_id = ANY(i.zaak_ids) AND i.regio IS NOT NULL;
UPDATE zaak z SET wetten = w.wetten
FROM (SELECT k.kvk, array_agg(DISTINCT g.data->>'wet' ORDER BY g.data->>'wet') AS wetten
      FROM gebeurtenis g, unnest(g.kvk) AS k(kvk)
      WHERE g.type IN ('nl.waardigwerk.inspectie.boete_opgelegd', 'nl.waardigwerk.inspectie.stillegging_bevolen')
        AND g.data->>'wet' IS NOT NULL GROUP BY k.kvk) w
WHERE w.kvk = z.kvk;

CREATE INDEX zaak_status_bijgewerkt ON zaak (status, bijgewerkt DESC);
CREATE INDEX zaak_bijgewerkt ON zaak (bijgewerkt DESC NULLS LAST, zaak_id DESC);  -- the default order, newest first
CREATE INDEX zaak_uiterlijk ON zaak (uiterlijk_inspectie_op, zaak_id);
CREATE INDEX zaak_regio ON zaak (regio);
CREATE INDEX zaak_variant ON zaak (beleidsvariant);
CREATE INDEX zaak_wetten ON zaak USING gin (wetten);
CREATE INDEX zaak_kvk ON zaak (kvk text_pattern_ops);
CREATE INDEX zaak_id_prefix ON zaak (zaak_id text_pattern_ops);
CREATE INDEX zaak_naam_prefix ON zaak (lower(werkgever_naam) text_pattern_ops);

-- a municipal officer's cases: the events located in their municipality
CREATE INDEX gebeurtenis_gemeente ON gebeurtenis (gemeentecode, type);

CREATE INDEX inspectie_gepland ON inspectie (gepland_op, inspectie_id);
CREATE INDEX inspectie_regio ON inspectie (regio, gepland_op);
CREATE INDEX inspectie_kvk ON inspectie (kvk);
CREATE INDEX vordering_bijgewerkt ON vordering (bijgewerkt DESC, vordering_id);
CREATE INDEX vordering_kvk ON vordering (kvk);
CREATE INDEX huisvesting_bijgewerkt ON huisvesting (bijgewerkt DESC, contract_referentie);
