"""Handler tier: a report received after the day of a visit that is told later, on the real PostgreSQL.

A report can join an open case after the day of a visit that has not been told yet: the first union's
report on Monday 2027-03-01, the visit on Tuesday 03-02, the second union's report on Wednesday 03-03,
the visit's result on Thursday 03-04. The visit answers the first report only; it happened before the
second was filed. The case closes for the first union; the second report moves to a case of its own,
still open: its reporter is told that case (and nothing about a visit before its report), inspectie
gets it to plan, and when its deadline passes uninspected the breach is reported."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from services.melding.app import service as melding_app
from shared.envelope import OWN_SOURCE_PREFIX
from shared.service import AMSTERDAM, Service
from shared.topics import intern
from tests.handler.test_batch_apply import Statements, record, report, service  # noqa: F401 (the fixture)

pytestmark = pytest.mark.stack
TERMIJN_OVERSCHREDEN = "nl.waardigwerk.melding.termijn_overschreden"


def afgerond(offset: int, kvk: str, op: date) -> object:
    data = {
        "inspectie_id": f"I-{kvk}",
        "werkgever": {"kvk_nummer": kvk},
        "uitgevoerd_op": op.isoformat(),
        "overtreding_vastgesteld": False,
    }
    return record(
        offset,
        data,
        source=f"{OWN_SOURCE_PREFIX}inspectie",
        ce_type="nl.waardigwerk.inspectie.afgerond",
        topic=intern("inspectie"),
    )


async def uitgaand(svc: Service, *event_types: str) -> list[tuple[str, dict[str, Any]]]:
    rows = await svc.pool.fetch(
        """SELECT event_type, convert_from(value, 'UTF8') AS data FROM outbox
           WHERE event_type = ANY($1) ORDER BY id""",
        list(event_types),
    )
    return [(r["event_type"], json.loads(r["data"])) for r in rows]


@pytest.mark.parametrize("samen", [False, True], ids=["apart", "in-een-batch"])
async def test_a_report_received_after_the_visit_day_stays_open_and_its_breach_is_reported(
    service: tuple[Service, Statements],  # noqa: F811
    samen: bool,
) -> None:
    svc, _ = service
    kvk = f"46{uuid.uuid4().int % 1_000_000:06d}"
    r1, r2 = f"R-{uuid.uuid4().hex[:10]}", f"R-{uuid.uuid4().hex[:10]}"
    await svc.consume((record(0, report(r1, kvk, "fnv")),))  # Monday 2027-03-01
    zaak_id = await svc.pool.fetchval("SELECT zaak_id FROM zaak WHERE werkgever_kvk = $1", kvk)
    svc.clock.apply(datetime(2027, 3, 3, 9, 0, tzinfo=AMSTERDAM))  # Wednesday: a second union joins
    later = record(1, report(r2, kvk, "cnv"))
    if not samen:
        await svc.consume((later,))
        assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE referentie = $1", r2) == zaak_id
        svc.clock.apply(datetime(2027, 3, 4, 9, 0, tzinfo=AMSTERDAM))  # Thursday: Tuesday's visit is told
    await svc.consume(((later,) if samen else ()) + (afgerond(2, kvk, date(2027, 3, 2)),))

    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id) == "gesloten"
    nieuw = await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE referentie = $1", r2)
    assert nieuw != zaak_id, "the report the visit did not examine left the closed case"
    zaak = await svc.pool.fetchrow("SELECT * FROM zaak WHERE zaak_id = $1", nieuw)
    assert (zaak["status"], zaak["geinspecteerd_op"], zaak["geopend_op"]) == ("ontvangen", None, date(2027, 3, 3))
    assert zaak["uiterlijk_inspectie_op"] == date(2027, 3, 10)

    verteld = await uitgaand(svc, "nl.waardigwerk.melding.status_gewijzigd", "nl.waardigwerk.melding.ontvangen")
    aan_r2 = [(t, d["zaak_id"], d.get("status")) for t, d in verteld if d["melder_referentie"] == r2]
    assert ("nl.waardigwerk.melding.status_gewijzigd", zaak_id, "gesloten") not in aan_r2
    assert not [s for t, z, s in aan_r2 if s in {"geinspecteerd", "uitkomst", "gesloten"}], aan_r2
    assert aan_r2[-1] == ("nl.waardigwerk.melding.ontvangen", nieuw, None), "told its report's open case"
    ontvangen = [d for t, d in verteld if t.endswith(".ontvangen") and d["zaak_id"] == nieuw]
    assert [(d["herhaald"], d["uiterlijk_inspectie_op"], d["melding_id"] is not None) for d in ontvangen] == [
        (False, "2027-03-10", True)
    ], "inspectie gets the open case to plan, with the report's own deadline"
    aan_r1 = [d["status"] for t, d in verteld if d["melder_referentie"] == r1 and t.endswith("status_gewijzigd")]
    assert aan_r1[-3:] == ["geinspecteerd", "uitkomst", "gesloten"], "the visit answered the first report"

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))  # every deadline has passed
    while await svc.fire_due():
        pass
    gemeld = {d["melding_id"]: d["zaak_id"] for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)}
    r2_id = await svc.pool.fetchval("SELECT melding_id FROM melding WHERE referentie = $1", r2)
    assert gemeld == {r2_id: nieuw}, "R2's deadline passed uninspected; R1 was inspected in time"


async def oude_stand(svc: Service, kvk: str, refs: dict[str, tuple[str, date, date, bool]]) -> str:
    """Stored as before the visit split off what it did not answer: a case visited on Tuesday
    2027-03-02 and closed, with every report of it, also those received after that day; those kept
    their deadline timers (a visit cancels only the ones of the reports received by its day).
    `refs`: reference -> (organisation, received, deadline, timer live)."""
    zaak_id = f"Z-OUD{uuid.uuid4().hex[:8].upper()}"
    await svc.pool.execute(
        """INSERT INTO zaak (zaak_id, werkgever_kvk, status, resultaat, categorieen, scope, gemeentecode, geopend_op,
                             laatste_melding_op, uiterlijk_inspectie_op, geinspecteerd_op)
           VALUES ($1, $2, 'gesloten', 'geen_overtreding', '{onderbetaling}', '{WML}', 'GM1783', '2027-03-01',
                   $3, '2027-03-08', '2027-03-02')""",
        zaak_id,
        kvk,
        max(ontvangen for _, ontvangen, _, _ in refs.values()),
    )
    for ref, (organisatie, ontvangen, uiterlijk, live) in refs.items():
        melding_id = str(uuid.uuid4())
        await svc.pool.execute(
            """INSERT INTO melding (melding_id, organisatie, referentie, melder_soort, zaak_id, inhoud_hash,
                                    categorieen, ontvangen_op, uiterlijk_inspectie_op, data)
               VALUES ($1, $2, $3, 'vakbond', $4, 'h', '{onderbetaling}', $5, $6, $7::jsonb)""",
            melding_id,
            organisatie,
            ref,
            zaak_id,
            ontvangen,
            uiterlijk,
            json.dumps(report(ref, kvk, organisatie)),
        )
        if live:
            await svc.pool.execute(
                """INSERT INTO timer (soort, sleutel, due_at, payload)
                   VALUES ('inspectietermijn', $1, $2, jsonb_build_object('melding_id', $1::text))""",
                melding_id,
                datetime.combine(uiterlijk, datetime.min.time(), tzinfo=AMSTERDAM) + timedelta(days=1),
            )
    return zaak_id


async def drie_oude_meldingen(svc: Service, kvk: str) -> tuple[str, dict[str, str], tuple[str, str, str]]:
    """The closed case visited on Tuesday 03-02 with R1 (Monday, answered), R2 (Wednesday) and R3
    (Thursday), the last two with a live timer: the case, the reports' ids by reference, the references."""
    r1, r2, r3 = (f"R-{uuid.uuid4().hex[:10]}" for _ in range(3))
    oud = await oude_stand(
        svc,
        kvk,
        {
            r1: ("fnv", date(2027, 3, 1), date(2027, 3, 8), False),
            r2: ("cnv", date(2027, 3, 3), date(2027, 3, 10), True),
            r3: ("bond3", date(2027, 3, 4), date(2027, 3, 11), True),
        },
    )
    rijen = await svc.pool.fetch("SELECT referentie, melding_id FROM melding WHERE zaak_id = $1", oud)
    return oud, {r["referentie"]: r["melding_id"] for r in rijen}, (r1, r2, r3)


async def test_a_report_closed_with_its_case_before_the_split_moves_to_an_open_case_when_its_timer_fires(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """Stored before the visit split off the reports it did not answer: R2 (Wednesday) and R3
    (Thursday) were closed with the case of Tuesday's visit and their reporters told `gesloten`, but
    the visit never examined them. When R2's timer fires they move to a new open case as the visit
    now would (acknowledged in it, so inspectie plans it), then R2's breach is reported in that case;
    R3's own timer reports its breach there later, and neither is moved again."""
    svc, _ = service
    kvk = f"47{uuid.uuid4().int % 1_000_000:06d}"
    oud, ids, (r1, r2, r3) = await drie_oude_meldingen(svc, kvk)

    svc.clock.apply(datetime(2027, 3, 11, 9, 0, tzinfo=AMSTERDAM))  # R2's deadline passed, R3's not yet
    assert await svc.fire_due() == 1
    waar = {
        r["referentie"]: r["zaak_id"]
        for r in await svc.pool.fetch(
            "SELECT referentie, zaak_id FROM melding WHERE melding_id = ANY($1)", [*ids.values()]
        )
    }
    nieuw = waar[r2]
    assert waar[r1] == oud, "the visit answered R1: it stays in the closed case"
    assert nieuw != oud and waar[r3] == nieuw, "what the visit did not examine left the closed case, together"
    zaak = await svc.pool.fetchrow("SELECT * FROM zaak WHERE zaak_id = $1", nieuw)
    assert (zaak["status"], zaak["geinspecteerd_op"], zaak["geopend_op"]) == ("ontvangen", None, date(2027, 3, 3))
    assert (zaak["werkgever_kvk"], zaak["uiterlijk_inspectie_op"]) == (kvk, date(2027, 3, 10))
    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", oud) == "gesloten"

    ontvangen = [d for _, d in await uitgaand(svc, "nl.waardigwerk.melding.ontvangen")]
    assert [
        (d["melder_referentie"], d["zaak_id"], d["herhaald"], d["melding_id"], d["uiterlijk_inspectie_op"])
        for d in ontvangen
    ] == [(r2, nieuw, False, ids[r2], "2027-03-10"), (r3, nieuw, False, ids[r3], "2027-03-11")], (
        "each moved report acknowledged in its open case, for inspectie to plan with its own deadline"
    )
    assert {d["verplaatst_uit"] for d in ontvangen} == {oud}
    assert [d["gekoppeld"] for d in ontvangen] == [False, True], "the first opens the new case, as a visit does"
    assert await uitgaand(svc, "nl.waardigwerk.melding.status_gewijzigd") == [], "nothing else told"
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(ids[r2], nieuw)], "R2's breach, in the case that still has to be inspected"
    audit = await svc.pool.fetch("SELECT zaak_id, naar_status FROM zaak_audit ORDER BY id")
    assert [(a["zaak_id"], a["naar_status"]) for a in audit] == [(oud, "gesloten"), (nieuw, "ontvangen")]

    svc.clock.apply(datetime(2027, 3, 12, 9, 0, tzinfo=AMSTERDAM))  # R3's deadline passed too
    await svc.pool.execute("UPDATE timer SET fired_at = NULL WHERE sleutel = $1", ids[r2])  # R2's fires again
    while await svc.fire_due():
        pass
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(ids[r2], nieuw), (ids[r3], nieuw)], "each breach once, in the open case"
    assert len(await uitgaand(svc, "nl.waardigwerk.melding.ontvangen")) == 2, "moved once, acknowledged once"
    assert await svc.pool.fetchval("SELECT count(*) FROM zaak WHERE werkgever_kvk = $1", kvk) == 2


async def test_a_report_closed_with_its_case_whose_timer_fired_before_the_split_is_moved_after_the_migration(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """A report closed with its case by a visit before it was received, whose deadline timer had
    already fired when the visit did not yet split it off (a logged no-op, or before that a breach
    reported): the migration fires it again, and the timer moves the report to an open case as
    above; a breach already reported is not reported again."""
    svc, _ = service
    kvk = f"48{uuid.uuid4().int % 1_000_000:06d}"
    oud, ids, (r1, r2, r3) = await drie_oude_meldingen(svc, kvk)
    await svc.pool.execute("UPDATE timer SET fired_at = due_at")  # both fired before the split
    await svc.pool.execute("UPDATE melding SET termijn_overschreden = true WHERE melding_id = $1", ids[r3])
    andere = await oude_stand(
        svc, f"49{uuid.uuid4().int % 1_000_000:06d}", {"R-X": ("fnv", date(2027, 3, 2), date(2027, 3, 9), True)}
    )
    await svc.pool.execute("UPDATE timer SET fired_at = due_at WHERE fired_at IS NULL")  # answered by its visit

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))
    async with svc.pool.acquire() as conn:
        await conn.execute((melding_app.migrations / "0002_melding_herstart_termijn_na_bezoek.sql").read_text())
    gewekt = await svc.pool.fetch("SELECT soort, sleutel FROM timer WHERE fired_at IS NULL")
    assert {(r["soort"], r["sleutel"]) for r in gewekt} == {
        ("verplaatsing", ids[r2]),
        ("verplaatsing", ids[r3]),
        ("inspectietermijn", ids[r2]),
    }, "only the reports closed unanswered: each moves, and a deadline not yet reported is judged again"
    while await svc.fire_due():
        pass

    nieuw = await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[r2])
    assert nieuw != oud
    assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[r3]) == nieuw
    assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[r1]) == oud
    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", nieuw) == "ontvangen"
    ontvangen = [d for _, d in await uitgaand(svc, "nl.waardigwerk.melding.ontvangen")]
    assert [(d["melder_referentie"], d["zaak_id"], d["herhaald"]) for d in ontvangen] == [
        (r2, nieuw, False),
        (r3, nieuw, False),
    ], "acknowledged once each in the open case, for inspectie to plan"
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(ids[r2], nieuw)], "R3's breach was reported before: not again"
    assert await svc.pool.fetchval("SELECT count(*) FROM zaak WHERE werkgever_kvk = $1", kvk) == 2
    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", andere) == "gesloten"


async def migreer(svc: Service) -> None:
    async with svc.pool.acquire() as conn:
        await conn.execute((melding_app.migrations / "0002_melding_herstart_termijn_na_bezoek.sql").read_text())


async def test_a_report_closed_before_the_split_that_a_later_visit_of_the_employer_answered_is_not_moved(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """Stored before the split: Tuesday's visit, told late, closed the case with M (Wednesday 03-03)
    and M2 (Monday 03-08); a second visit to the employer on Friday 03-05 closed only its open case,
    so M's closed case never heard of it. That visit answered M (received before it), not M2: only M2
    moves to an open case, and only M2's deadline is a breach."""
    svc, _ = service
    kvk = f"50{uuid.uuid4().int % 1_000_000:06d}"
    r1, m, m2, ry = (f"R-{uuid.uuid4().hex[:10]}" for _ in range(4))
    oud = await oude_stand(
        svc,
        kvk,
        {
            r1: ("fnv", date(2027, 3, 1), date(2027, 3, 8), False),
            m: ("bond2", date(2027, 3, 3), date(2027, 3, 10), True),
            m2: ("bond3", date(2027, 3, 8), date(2027, 3, 15), True),
        },
    )
    later = await oude_stand(svc, kvk, {ry: ("cnv", date(2027, 3, 4), date(2027, 3, 11), False)})
    await svc.pool.execute("UPDATE zaak SET geinspecteerd_op = '2027-03-05' WHERE zaak_id = $1", later)
    ids = {
        r["referentie"]: r["melding_id"]
        for r in await svc.pool.fetch("SELECT referentie, melding_id FROM melding WHERE zaak_id = $1", oud)
    }

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))
    await migreer(svc)
    verplaatsen = await svc.pool.fetch("SELECT sleutel FROM timer WHERE soort = 'verplaatsing'")
    assert [r["sleutel"] for r in verplaatsen] == [ids[m2]], "M was answered by the later visit: only M2 moves"
    while await svc.fire_due():
        pass

    nieuw = await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[m2])
    assert nieuw not in {oud, later}
    assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[m]) == oud
    ontvangen = [d for _, d in await uitgaand(svc, "nl.waardigwerk.melding.ontvangen")]
    assert [(d["melder_referentie"], d["zaak_id"]) for d in ontvangen] == [(m2, nieuw)], "only M2 acknowledged again"
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(ids[m2], nieuw)], "M's deadline was met by the later visit: no breach for it"


async def test_the_migration_revives_a_dead_deadline_timer_of_a_report_closed_unanswered(
    service: tuple[Service, Statements],  # noqa: F811
) -> None:
    """R2's deadline timer died before the split (its attempts used up, never fired): the migration
    makes it live again with fresh attempts, so R2's deadline is judged once in its open case."""
    svc, _ = service
    kvk = f"51{uuid.uuid4().int % 1_000_000:06d}"
    oud, ids, (_, r2, r3) = await drie_oude_meldingen(svc, kvk)
    await svc.pool.execute(
        """UPDATE timer SET dood_sinds = now(), pogingen = 5, laatste_fout = 'LookupError',
                            volgende_poging = now() + interval '5 minutes'
           WHERE sleutel = $1""",
        ids[r2],
    )
    await svc.pool.execute("UPDATE timer SET fired_at = due_at WHERE sleutel = $1", ids[r3])

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))
    await migreer(svc)
    timer = await svc.pool.fetchrow(
        """SELECT fired_at, dood_sinds, pogingen, volgende_poging FROM timer
           WHERE soort = 'inspectietermijn' AND sleutel = $1""",
        ids[r2],
    )
    assert dict(timer) == {"fired_at": None, "dood_sinds": None, "pogingen": 0, "volgende_poging": None}
    while await svc.fire_due():
        pass

    nieuw = await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", ids[r2])
    assert nieuw != oud
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(ids[r2], nieuw), (ids[r3], nieuw)], "each deadline judged once, in the open case"


@pytest.mark.parametrize("gevuurd", [True, False], ids=["timer-gevuurd", "timer-levend"])
async def test_a_report_a_later_visit_answered_only_after_its_deadline_is_not_moved_but_its_breach_is_reported(
    service: tuple[Service, Statements],  # noqa: F811
    gevuurd: bool,
) -> None:
    """Stored before the split: Tuesday's visit (03-02), told late, closed the case with M (received
    Wednesday 03-03, deadline 03-10); the employer's other case was visited on 03-22, after that
    deadline. That visit answered M (on or after its receipt): M is not moved and nobody is told
    anything again. But M's deadline passed without a visit: its breach is reported once, in the
    closed case, whether its timer had fired already (the migration re-arms it) or is still due."""
    svc, _ = service
    kvk = f"52{uuid.uuid4().int % 1_000_000:06d}"
    m, ry = (f"R-{uuid.uuid4().hex[:10]}" for _ in range(2))
    oud = await oude_stand(svc, kvk, {m: ("bond2", date(2027, 3, 3), date(2027, 3, 10), True)})
    m_id = await svc.pool.fetchval("SELECT melding_id FROM melding WHERE zaak_id = $1", oud)
    if gevuurd:
        await svc.pool.execute("UPDATE timer SET fired_at = due_at WHERE sleutel = $1", m_id)  # a logged no-op
    later = await oude_stand(svc, kvk, {ry: ("cnv", date(2027, 3, 15), date(2027, 3, 22), False)})
    await svc.pool.execute("UPDATE zaak SET geinspecteerd_op = '2027-03-22' WHERE zaak_id = $1", later)

    svc.clock.apply(datetime(2027, 4, 1, 9, 0, tzinfo=AMSTERDAM))
    await migreer(svc)
    gewekt = await svc.pool.fetch("SELECT soort, sleutel FROM timer WHERE fired_at IS NULL")
    assert {(r["soort"], r["sleutel"]) for r in gewekt} == {("inspectietermijn", m_id)}, (
        "not moved (a later visit answered it), but its deadline is judged (no visit by the deadline)"
    )
    while await svc.fire_due():
        pass

    assert await svc.pool.fetchval("SELECT zaak_id FROM melding WHERE melding_id = $1", m_id) == oud
    assert await svc.pool.fetchval("SELECT count(*) FROM zaak WHERE werkgever_kvk = $1", kvk) == 2
    assert await uitgaand(svc, "nl.waardigwerk.melding.ontvangen") == [], "not moved, so not acknowledged again"
    gemeld = [(d["melding_id"], d["zaak_id"]) for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert gemeld == [(m_id, oud)], "the deadline passed without a visit: the breach, in the closed case"

    await svc.pool.execute("UPDATE timer SET fired_at = NULL WHERE sleutel = $1", m_id)  # fires again
    await migreer(svc)  # and the migration run twice re-arms nothing reported
    while await svc.fire_due():
        pass
    assert len(await uitgaand(svc, TERMIJN_OVERSCHREDEN)) == 1, "once"


@pytest.mark.parametrize("timer_eerst", [False, True], ids=["bezoek-eerst", "timer-eerst"])
async def test_a_visit_after_the_deadline_closes_the_report_and_its_breach_is_reported_once(
    service: tuple[Service, Statements],  # noqa: F811
    timer_eerst: bool,
) -> None:
    """R received Monday 2027-03-01, deadline D = Monday 03-08; the visit came on D+3 (03-11). Its
    result is told with the clock at D+4 either before R's deadline timer fired (the service was down
    when it was due: the scheduler has not run) or after it fired at D+1. Either way the visit closes
    R's case, and R's deadline passed without a visit: its breach is reported exactly once, also when
    a deadline timer of R fires afterwards."""
    svc, _ = service
    kvk = f"53{uuid.uuid4().int % 1_000_000:06d}"
    ref = f"R-{uuid.uuid4().hex[:10]}"
    await svc.consume((record(0, report(ref, kvk, "fnv")),))  # Monday 2027-03-01
    rij = await svc.pool.fetchrow("SELECT melding_id, zaak_id, uiterlijk_inspectie_op FROM melding")
    m_id, zaak_id, deadline = rij["melding_id"], rij["zaak_id"], rij["uiterlijk_inspectie_op"]
    assert deadline == date(2027, 3, 8)
    if timer_eerst:
        svc.clock.apply(datetime(2027, 3, 9, 9, 0, tzinfo=AMSTERDAM))  # D+1
        assert await svc.fire_due() == 1
        assert len(await uitgaand(svc, TERMIJN_OVERSCHREDEN)) == 1, "the timer reports the breach"

    svc.clock.apply(datetime(2027, 3, 12, 9, 0, tzinfo=AMSTERDAM))  # D+4: the visit of D+3 is told
    await svc.consume((afgerond(1, kvk, deadline + timedelta(days=3)),))

    assert await svc.pool.fetchval("SELECT status FROM zaak WHERE zaak_id = $1", zaak_id) == "gesloten"
    verteld = [d["status"] for _, d in await uitgaand(svc, "nl.waardigwerk.melding.status_gewijzigd")]
    assert verteld[-3:] == ["geinspecteerd", "uitkomst", "gesloten"], "the late visit answered the report"
    gemeld = [d for _, d in await uitgaand(svc, TERMIJN_OVERSCHREDEN)]
    assert [(d["melding_id"], d["zaak_id"], d["uiterlijk_inspectie_op"]) for d in gemeld] == [
        (m_id, zaak_id, "2027-03-08")
    ], "the deadline passed without a visit: one breach, before any timer runs"

    # a deadline timer of R that still fires (not cancelled, or fired again) sends nothing more
    await svc.pool.execute("DELETE FROM timer WHERE sleutel = $1", m_id)
    await svc.pool.execute(
        """INSERT INTO timer (soort, sleutel, due_at, payload)
           VALUES ('inspectietermijn', $1, $2, jsonb_build_object('melding_id', $1::text))""",
        m_id,
        datetime(2027, 3, 9, 0, 0, tzinfo=AMSTERDAM),
    )
    while await svc.fire_due():
        pass
    assert len(await uitgaand(svc, TERMIJN_OVERSCHREDEN)) == 1, "once"
