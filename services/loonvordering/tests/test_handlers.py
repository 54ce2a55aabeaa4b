"""Handler tier on the stack's PostgreSQL: what a claim announces about the chain, from the facts as
they are stored (a schema of its own per test, the broker in-process)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.loonvordering import handlers as h
from shared.service import AMSTERDAM, Service
from shared.topics import IN_LOONVORDERINGEN
from tests.handler.test_loonvordering_herhaling import TYPE, dode_letters, stuur, uitgaand

pytestmark = pytest.mark.stack
REF = "FNV-LV-KETEN"
WERKGEVER, INLENER, OPDRACHTGEVER, TOP = "11223344", "12345678", "23456789", "34567890"


async def failliet(broker: KafkaBroker, vid: str, *partijen: str) -> None:
    for partij in partijen:
        status = {"partij": {"kvk_nummer": partij}, "status": "failliet", "vastgesteld_op": "2026-05-12"}
        await stuur(broker, "partij_status", {"vordering_id": vid, **status})


def claim(betaald: float, keten: list[dict[str, Any]]) -> dict[str, Any]:
    """300 h in March-April 2026 at age 27: 300 x 14.71 x 1.08 = 4,766.04 owed."""
    return {
        "indiener": {"organisatie": "fnv", "referentie": REF},
        "werknemer": {"werknemer_ref": "W-7781", "leeftijd": 27},
        "werkgever": {"kvk_nummer": WERKGEVER},
        "keten": keten,
        "periode_van": "2026-03-01",
        "periode_tot": "2026-04-30",
        "gewerkte_uren": 300,
        "betaald_bruto_eur": betaald,
    }


KETEN = [{"kvk_nummer": INLENER, "rol": "inlener"}, {"kvk_nummer": OPDRACHTGEVER, "rol": "opdrachtgever"}]


# once the claim failed against the employer and INLENER, with OPDRACHTGEVER the next client up
OPDRACHTGEVER_AAN_DE_BEURT = [(WERKGEVER, "BW 7:616a"), (INLENER, "BW 7:616a"), (OPDRACHTGEVER, "BW 7:616b lid 2")]


def liable(data: dict[str, Any]) -> list[str]:
    return [a["kvk_nummer"] for a in data["aansprakelijk"]]


async def test_a_claim_of_nothing_names_nobody_liable(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(5000.00, KETEN))
        await failliet(broker, REF, WERKGEVER, INLENER)
    [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
    assert vastgesteld["bedrag_eur"] == 0
    assert vastgesteld["aansprakelijk"] == [] and vastgesteld["volgende_termijn"] is None
    assert all(liable(g) == [] for g in await uitgaand(service, h.GEWIJZIGD)), "nothing owed: nobody to reach"
    assert await service.pool.fetchval("SELECT aansprakelijk FROM vordering") == "[]"


async def test_a_claim_paid_in_full_announces_no_liability_to_the_chain_afterwards(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        assert liable(vastgesteld) == [WERKGEVER, INLENER]
        vid, bedrag = vastgesteld["vordering_id"], vastgesteld["bedrag_eur"]
        betaling = {"betaald_door": {"kvk_nummer": WERKGEVER}, "bedrag_eur": bedrag, "betaald_op": "2026-05-12"}
        await stuur(broker, "betaling", {"vordering_id": vid, **betaling})
        assert len(await uitgaand(service, h.VOLDAAN)) == 1
        # Were anything still owed, these two failures would pass the claim up to OPDRACHTGEVER (lid 2).
        await failliet(broker, vid, WERKGEVER, INLENER)
    gewijzigd = await uitgaand(service, h.GEWIJZIGD)
    assert OPDRACHTGEVER not in [kvk for g in gewijzigd for kvk in liable(g)]
    assert [liable(g) for g in gewijzigd] == [[]], "paid in full: announced once that nobody is liable any more"
    assert await service.pool.fetchval("SELECT aansprakelijk FROM vordering") == "[]"


async def test_chain_facts_out_of_order_keep_the_chain_in_hiring_order(service: Service) -> None:
    """Filed with the direct client INLENER only. OPDRACHTGEVER answers first, naming its client TOP
    (before anyone named OPDRACHTGEVER itself); then INLENER answers, naming OPDRACHTGEVER and TOP.
    The chain is INLENER -> OPDRACHTGEVER -> TOP, whatever the order the answers came in: once the
    claim failed against the employer and INLENER, OPDRACHTGEVER is next in turn (lid 2), not TOP."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN[:1]))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        top = {"kvk_nummer": TOP, "rol": "hoofdopdrachtgever"}
        for door, keten in ((OPDRACHTGEVER, [top]), (INLENER, [KETEN[1], top])):
            antwoord = {"vordering_id": vid, "verstrekt_door": {"kvk_nummer": door}, "keten": keten}
            await stuur(broker, "keteninformatie", antwoord)
        await failliet(broker, vid, WERKGEVER, INLENER)
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert [(a["kvk_nummer"], a["grond"]) for a in laatste["aansprakelijk"]] == OPDRACHTGEVER_AAN_DE_BEURT


async def test_a_party_no_answer_ties_into_the_chain_is_not_next_in_turn(service: Service) -> None:
    """Filed INLENER -> TOP. An outsider names [OPDRACHTGEVER, INLENER]: the link below the filed direct
    client is dropped, so nothing ties OPDRACHTGEVER in. Once the claim failed against the employer
    and INLENER, TOP is next in turn (lid 2), not OPDRACHTGEVER."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, [KETEN[0], {"kvk_nummer": TOP, "rol": "hoofdopdrachtgever"}]))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        await antwoorden(broker, vid, "70000009", OPDRACHTGEVER, INLENER)
        await failliet(broker, vid, WERKGEVER, INLENER)
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert [(a["kvk_nummer"], a["grond"]) for a in laatste["aansprakelijk"]] == [
        (WERKGEVER, "BW 7:616a"),
        (INLENER, "BW 7:616a"),
        (TOP, "BW 7:616b lid 2"),
    ]


async def gevraagd(broker: KafkaBroker, vid: str, aan: str) -> None:
    verzoek = {"vordering_id": vid, "gevraagd_door": "vakbond", "aan": {"kvk_nummer": aan}, "gevraagd_op": "2026-05-12"}
    await stuur(broker, "keteninformatie_gevraagd", verzoek)


async def antwoorden(broker: KafkaBroker, vid: str, door: str, *kvks: str) -> None:
    keten = [{"kvk_nummer": kvk, "rol": "hoofdopdrachtgever" if kvk == TOP else "opdrachtgever"} for kvk in kvks]
    await stuur(
        broker, "keteninformatie", {"vordering_id": vid, "verstrekt_door": {"kvk_nummer": door}, "keten": keten}
    )


async def test_an_answer_naming_the_employer_itself_or_a_party_twice_counts_as_answered(service: Service) -> None:
    """OPDRACHTGEVER, asked for the chain, answers naming itself, the employer and TOP twice: what
    says nothing is left out, the rest (TOP) counts, and it has answered: no 616e term runs for it,
    nothing goes back to the filer, and the chain stays as filed below it."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        await gevraagd(broker, vid, OPDRACHTGEVER)
        [na_verzoek] = await uitgaand(service, h.GEWIJZIGD)
        assert na_verzoek["volgende_termijn"] == {"datum": "2026-05-27", "soort": "BW 7:616e"}
        await antwoorden(broker, vid, OPDRACHTGEVER, OPDRACHTGEVER, WERKGEVER, TOP, TOP)
        await failliet(broker, vid, WERKGEVER, INLENER)
    assert await uitgaand(service, h.AFGEWEZEN) == []
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert [(a["kvk_nummer"], a["grond"]) for a in laatste["aansprakelijk"]] == OPDRACHTGEVER_AAN_DE_BEURT
    assert laatste["volgende_termijn"] is None, "answered: no 616e term for OPDRACHTGEVER"
    rijen = await service.pool.fetch("SELECT soort, kvk_nummer, waarde FROM ketenfeit WHERE soort <> 'status'")
    assert [(r["soort"], r["kvk_nummer"]) for r in rijen] == [
        ("verzoek", OPDRACHTGEVER),
        ("antwoord", OPDRACHTGEVER),
        ("schakel", TOP),
    ]
    assert json.loads(rijen[1]["waarde"]) == {"keten": [TOP]}


def partijen(n: int) -> list[dict[str, Any]]:
    return [{"kvk_nummer": f"7{i:07d}", "rol": "opdrachtgever"} for i in range(n)]


async def claim_van_101_partijen(service: Service, broker: KafkaBroker) -> str:
    """A claim stored with 101 parties, as one accepted before the bound was."""
    await stuur(broker, "ingediend", claim(2500.00, KETEN))
    [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
    invoer = json.loads(await service.pool.fetchval("SELECT invoer FROM vordering"))
    invoer["keten"] = [KETEN[0], *partijen(100)]
    await service.pool.execute("UPDATE vordering SET invoer = $1", json.dumps(invoer))
    return str(vastgesteld["vordering_id"])


async def test_an_answer_taking_the_chain_past_a_hundred_parties_is_refused_but_counts_as_answered(
    service: Service,
) -> None:
    """Filed with INLENER and 98 more (99 parties): INLENER's answer naming two new parties would
    make 101. The filer hears why, the chain gets no new party, and INLENER has answered (616e). What
    the answer says before its first new party (70000001 is INLENER's client) is kept."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, [KETEN[0], *partijen(98)]))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        await gevraagd(broker, vid, INLENER)
        await antwoorden(broker, vid, INLENER, "70000001", OPDRACHTGEVER, TOP)
        await antwoorden(broker, vid, "70000001", "70000002", "70000003")  # known parties only: it counts
    [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
    assert afgewezen["vordering_id"] == vid and afgewezen["fouten"][0]["veld"] == "keten"
    assert "meer dan 100 partijen" in afgewezen["fouten"][0]["melding"]
    rijen = await service.pool.fetch("SELECT soort, kvk_nummer, waarde FROM ketenfeit ORDER BY id")
    assert [(r["soort"], r["kvk_nummer"]) for r in rijen] == [
        ("verzoek", INLENER),
        ("antwoord", INLENER),
        ("antwoord", "70000001"),
    ]
    assert json.loads(rijen[1]["waarde"]) == {"keten": ["70000001"]}
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert laatste["volgende_termijn"] is None, "INLENER answered: no 616e term"


async def test_an_answer_naming_only_known_parties_counts_on_a_claim_already_past_a_hundred(
    service: Service,
) -> None:
    """A claim of 101 parties accepted before the bound: an answer naming only parties it already
    holds adds none, so it is stored as any answer, and nothing goes back to the filer."""
    async with TestKafkaBroker(service.broker) as broker:
        vid = await claim_van_101_partijen(service, broker)
        await antwoorden(broker, vid, "70000001", "70000002", "70000003")
    assert await uitgaand(service, h.AFGEWEZEN) == []
    rijen = await service.pool.fetch("SELECT soort, kvk_nummer, waarde FROM ketenfeit ORDER BY id")
    assert [(r["soort"], r["kvk_nummer"], json.loads(r["waarde"])) for r in rijen] == [
        ("antwoord", "70000001", {"keten": ["70000002", "70000003"]})
    ]


async def test_an_answer_that_says_nothing_about_the_chain_counts_and_the_filer_hears_so(service: Service) -> None:
    """OPDRACHTGEVER, asked for the chain, names only itself and the employer: nothing is left that
    says something about the chain. It has answered (no 616e term), and the filer hears that
    nothing usable was named."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        await gevraagd(broker, vid, OPDRACHTGEVER)
        await antwoorden(broker, vid, OPDRACHTGEVER, OPDRACHTGEVER, WERKGEVER)
    [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
    assert afgewezen["vordering_id"] == vid and afgewezen["fouten"][0]["veld"] == "keten"
    assert OPDRACHTGEVER in afgewezen["fouten"][0]["melding"]
    rijen = await service.pool.fetch("SELECT soort, kvk_nummer, waarde FROM ketenfeit ORDER BY id")
    assert [(r["soort"], r["kvk_nummer"]) for r in rijen] == [("verzoek", OPDRACHTGEVER), ("antwoord", OPDRACHTGEVER)]
    assert json.loads(rijen[1]["waarde"]) == {"keten": []}
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert laatste["volgende_termijn"] is None, "answered: no 616e term for OPDRACHTGEVER"


async def test_a_complete_answer_naming_no_new_party_is_not_reported_to_the_filer(service: Service) -> None:
    """OPDRACHTGEVER answers [itself] (it is the top) and INLENER, the direct client, names only the
    employer (its contract partner): both answers are complete as they are, so the filer hears
    nothing, and both count as answered."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid = vastgesteld["vordering_id"]
        await antwoorden(broker, vid, OPDRACHTGEVER, OPDRACHTGEVER)
        await antwoorden(broker, vid, INLENER, WERKGEVER)
    assert await uitgaand(service, h.AFGEWEZEN) == []
    rijen = await service.pool.fetch("SELECT soort, kvk_nummer FROM ketenfeit ORDER BY id")
    assert [(r["soort"], r["kvk_nummer"]) for r in rijen] == [("antwoord", OPDRACHTGEVER), ("antwoord", INLENER)]


async def test_a_claim_stored_before_the_hundred_party_bound_is_still_processed(service: Service) -> None:
    """A claim of 101 parties accepted before the bound: later facts about it apply (they were
    dead-lettered as schema when the stored input was read against today's bound)."""
    async with TestKafkaBroker(service.broker) as broker:
        vid = await claim_van_101_partijen(service, broker)
        await stuur(broker, "aanzegging", {"vordering_id": vid, "aan": {"kvk_nummer": "70000099"}, "op": "2026-05-12"})
    assert await dode_letters(service) == []
    [gewijzigd] = await uitgaand(service, h.GEWIJZIGD)
    assert gewijzigd["volgende_termijn"]["soort"] == "BW 7:616b lid 4"


async def test_a_claim_stored_before_the_amount_bound_is_still_processed(service: Service) -> None:
    """A claim stored with an amount above HOOGSTE_BEDRAG, accepted before the bound: a later fact
    about it applies instead of being dead-lettered as schema."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        invoer = json.loads(await service.pool.fetchval("SELECT invoer FROM vordering"))
        invoer["betaald_bruto_eur"] = "2000000000000.00"
        await service.pool.execute("UPDATE vordering SET invoer = $1", json.dumps(invoer))
        await gevraagd(broker, vastgesteld["vordering_id"], OPDRACHTGEVER)
    assert await dode_letters(service) == []
    [gewijzigd] = await uitgaand(service, h.GEWIJZIGD)
    assert gewijzigd["volgende_termijn"] == {"datum": "2026-05-27", "soort": "BW 7:616e"}


async def test_a_payment_dated_after_its_day_of_receipt_is_refused(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid, bedrag = vastgesteld["vordering_id"], vastgesteld["bedrag_eur"]
        betaling = {"betaald_door": {"kvk_nummer": WERKGEVER}, "bedrag_eur": bedrag, "betaald_op": "2026-06-12"}
        await stuur(broker, "betaling", {"vordering_id": vid, **betaling})
        [afgewezen] = await uitgaand(service, h.AFGEWEZEN)
        [fout] = afgewezen["fouten"]
        assert fout["veld"] == "betaald_op" and "2026-06-12" in fout["melding"] and "2026-05-12" in fout["melding"]
        assert await uitgaand(service, h.VOLDAAN) == [] and await uitgaand(service, h.BETALING_VERWERKT) == []
        await failliet(broker, vid, WERKGEVER, INLENER)
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert OPDRACHTGEVER in liable(laatste), "nothing was paid: the chain is liable as before"


async def test_a_claim_voldaan_announces_nobody_after_it_even_with_a_stored_payment_dated_later(
    service: Service,
) -> None:
    """The state an earlier version left: a payment dated after its receipt stored, the claim voldaan
    on it. Facts after voldaan announce no one (the filer heard once that nobody is liable)."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid, bedrag = vastgesteld["vordering_id"], vastgesteld["bedrag_eur"]
        await service.pool.execute(
            "INSERT INTO betaling (event_id, vordering_id, kvk_nummer, bedrag_eur, betaald_op) "
            "VALUES ('oud', $1, $2, $3, '2026-06-12')",
            vid,
            WERKGEVER,
            bedrag,
        )
        await service.pool.execute(
            "UPDATE vordering SET status = 'voldaan', aansprakelijk = '[]', volgende_termijn = 'null'"
        )
        await failliet(broker, vid, WERKGEVER, INLENER)
        await stuur(
            broker, "aanzegging", {"vordering_id": vid, "aan": {"kvk_nummer": OPDRACHTGEVER}, "op": "2026-05-12"}
        )
    assert await uitgaand(service, h.GEWIJZIGD) == [], "voldaan: nobody to announce"


async def test_a_claim_paid_in_full_cancels_its_term_timers(service: Service) -> None:
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        vid, bedrag = vastgesteld["vordering_id"], vastgesteld["bedrag_eur"]
        await stuur(
            broker, "aanzegging", {"vordering_id": vid, "aan": {"kvk_nummer": OPDRACHTGEVER}, "op": "2026-05-12"}
        )
        telling = "SELECT count(*) FROM timer WHERE soort = $1 AND fired_at IS NULL"
        assert await service.pool.fetchval(telling, h.TERMIJN_TIMER) == 1, "the top client's wait runs"
        betaling = {"betaald_door": {"kvk_nummer": WERKGEVER}, "bedrag_eur": bedrag, "betaald_op": "2026-05-12"}
        await stuur(broker, "betaling", {"vordering_id": vid, **betaling})
        assert len(await uitgaand(service, h.VOLDAAN)) == 1
    assert await service.pool.fetchval(telling, h.TERMIJN_TIMER) == 0
    [*_, laatste] = await uitgaand(service, h.GEWIJZIGD)
    assert liable(laatste) == [] and laatste["volgende_termijn"] is None


async def test_a_payment_dated_on_the_senders_day_ahead_of_the_dutch_day_counts(service: Service) -> None:
    """Paid and sent 00:30 on 2026-05-13 in Bucharest (+03:00): 23:30 on 05-12 in Amsterdam when it
    arrives. The payer's own day is the 13th, so the payment counts (kernel rule Context.laatste_dag)."""
    async with TestKafkaBroker(service.broker) as broker:
        await stuur(broker, "ingediend", claim(2500.00, KETEN))
        [vastgesteld] = await uitgaand(service, h.VASTGESTELD)
        service.clock.apply(datetime(2026, 5, 12, 23, 30, tzinfo=AMSTERDAM))
        betaling = {"betaald_door": {"kvk_nummer": WERKGEVER}, "bedrag_eur": 100, "betaald_op": "2026-05-13"}
        headers = {
            "ce_specversion": "1.0",
            "ce_id": str(uuid.uuid4()),
            "ce_source": "urn:nld:partner:test",
            "ce_type": TYPE + "betaling",
            "ce_time": "2026-05-13T00:30:00+03:00",
            "content-type": "application/json",
        }
        data = json.dumps({"vordering_id": vastgesteld["vordering_id"], **betaling}).encode()
        await broker.publish(data, IN_LOONVORDERINGEN, key=b"k", headers=headers)
    assert await uitgaand(service, h.AFGEWEZEN) == []
    [verwerkt] = await uitgaand(service, h.BETALING_VERWERKT)
    assert verwerkt["openstaand_eur"] == pytest.approx(vastgesteld["bedrag_eur"] - 100)
