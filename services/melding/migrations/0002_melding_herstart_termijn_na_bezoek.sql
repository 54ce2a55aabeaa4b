-- Reports closed with their case by a visit before they were received: stored before a visit split
-- off the reports it did not answer (domain/bezoek). Each gets a timer that moves it to an open case
-- at the next round (handlers.verplaatsing, due on its day of receipt, so at once), and its deadline
-- timer, when it fired already, was removed or is dead, is live again with fresh attempts to judge
-- the deadline (unless its breach was reported already). Two questions, kept apart:
-- * not moved: a report that a later visit of the employer answered (any of its cases visited on or
--   after the day of receipt: that visit closed only the open cases) stays where it is;
-- * no breach: only a visit of the employer between the day of receipt and uiterlijk_inspectie_op
--   met the deadline. A report answered only by a visit after its deadline is not moved, but its
--   deadline timer is live again too, and reports the breach in the closed case.
-- SQL cannot send the acknowledgement or the breach; the timers do.
INSERT INTO timer (soort, sleutel, due_at, payload)
SELECT 'verplaatsing', m.melding_id, m.ontvangen_op::timestamp AT TIME ZONE 'Europe/Amsterdam',
       jsonb_build_object('melding_id', m.melding_id)
FROM melding m JOIN zaak z USING (zaak_id)
WHERE z.status = 'gesloten' AND z.geinspecteerd_op < m.ontvangen_op
  AND NOT EXISTS (SELECT 1 FROM zaak z2
                  WHERE z2.werkgever_kvk = z.werkgever_kvk AND z2.geinspecteerd_op >= m.ontvangen_op)
ON CONFLICT (soort, sleutel) DO NOTHING;

INSERT INTO timer (soort, sleutel, due_at, payload)
SELECT 'inspectietermijn', m.melding_id, (m.uiterlijk_inspectie_op + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam',
       jsonb_build_object('melding_id', m.melding_id)
FROM melding m JOIN zaak z USING (zaak_id)
WHERE z.status = 'gesloten' AND z.geinspecteerd_op < m.ontvangen_op AND NOT m.termijn_overschreden
  AND NOT EXISTS (SELECT 1 FROM zaak z2
                  WHERE z2.werkgever_kvk = z.werkgever_kvk
                    AND z2.geinspecteerd_op BETWEEN m.ontvangen_op AND m.uiterlijk_inspectie_op)
ON CONFLICT (soort, sleutel) DO UPDATE SET fired_at = NULL, dood_sinds = NULL, pogingen = 0, volgende_poging = NULL
    WHERE timer.fired_at IS NOT NULL OR timer.dood_sinds IS NOT NULL;
