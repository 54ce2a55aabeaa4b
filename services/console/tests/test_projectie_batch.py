"""The console's consumer applies a batch of records as the broker delivers them (`ConsoleService.consume`),
on the stack's PostgreSQL: each event and each dead letter once, in record order, and a record whose
projection fails is never dropped quietly."""

from __future__ import annotations

import dataclasses
import json
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from aiokafka import ConsumerRecord

from services.console.autorisatie import Rol
from services.console.lezer import PROJECTIEFOUT, _bewaar_als_projectiefout
from services.console.tests.conftest import Console, dlq_headers

pytestmark = pytest.mark.stack
MELDING = "waardigwerk.intern.melding"
INSPECTIE = "waardigwerk.intern.inspectie"


def record(topic: str, offset: int, ce_type: str, data: dict[str, Any], ce_id: str | None = None) -> Any:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", (ce_id or str(uuid.uuid4())).encode()),
        ("ce_source", f"urn:nld:waardigwerk:{ce_type.split('.')[2]}".encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", b"2027-03-01T09:00:00+01:00"),
        ("content-type", b"application/json"),
    ]
    return raw(topic, offset, headers, json.dumps(data).encode())


def raw(topic: str, offset: int, headers: Sequence[tuple[str, bytes | None]], value: bytes, key: bytes = b"k") -> Any:
    return ConsumerRecord(
        topic=topic, partition=0, offset=offset, timestamp=0, timestamp_type=0, key=key, value=value,
        checksum=None, serialized_key_size=1, serialized_value_size=len(value), headers=headers,
    )  # fmt: skip


def ontvangen(zaak_id: str, uiterlijk: str = "2027-03-15") -> dict[str, Any]:
    return {
        "zaak_id": zaak_id,
        "melder_referentie": f"R-{zaak_id}",
        "werkgever": {"kvk_nummer": "41000001"},
        "uiterlijk_inspectie_op": uiterlijk,
    }


async def test_a_batch_projects_each_event_once_in_record_order(console: Console) -> None:
    """The case is opened, then planned by a later record of the same batch; a redelivered event and
    a dead letter seen twice count once."""
    ce_id = str(uuid.uuid4())
    gepland = {"inspectie_id": "I-1", "werkgever": {"kvk_nummer": "41000001"}, "gepland_op": "2027-03-04"}
    dood = raw(f"{MELDING}.dlq", 5, dlq_headers([("ce_id", b"x")], MELDING), b"{}")
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-1"), ce_id),
        record(
            INSPECTIE,
            1,
            "nl.waardigwerk.inspectie.gepland",
            {**gepland, "aanleidingen": [{"soort": "melding", "id": "Z-1"}]},
        ),
        record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-1"), ce_id),
        dood,
        dood,
    )
    await console.service.consume(batch)
    await console.service.consume(batch)  # the whole batch again, as after a crash before the commit
    pool = console.service.pool
    assert await pool.fetchval("SELECT count(*) FROM gebeurtenis") == 2
    zaak = await pool.fetchrow("SELECT status, gepland_op::text FROM zaak WHERE zaak_id = 'Z-1'")
    assert zaak is not None and zaak["gepland_op"] == "2027-03-04", "the later record saw the case the first opened"
    assert await pool.fetchval("SELECT count(*) FROM dode_letter_poging") == 1


async def test_a_record_whose_projection_fails_becomes_a_dead_letter_of_the_console(console: Console) -> None:
    """A date PostgreSQL cannot read fails the case's projection every time: after its attempts the
    record is kept as the console's own dead letter, and the records around it are projected."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-A")),
        record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-STUK", uiterlijk="31-31-2027")),
        record(MELDING, 3, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-B")),
    )
    await console.service.consume(batch)
    pool = console.service.pool
    assert [r["zaak_id"] for r in await pool.fetch("SELECT zaak_id FROM zaak ORDER BY 1")] == ["Z-A", "Z-B"]
    dood = await pool.fetch("SELECT origineel_topic, reden, details FROM dode_letter")
    assert [(r["origineel_topic"], r["reden"]) for r in dood] == [(MELDING, PROJECTIEFOUT)]
    assert "na 2 pogingen" in dood[0]["details"]


async def test_a_replayed_dead_letter_of_the_console_is_projected_once_the_fault_is_gone(console: Console) -> None:
    """A projection that fails every time (here a trigger refusing one case, as a bug would) leaves
    no row of its event behind: when the fault is gone, the replay of the dead letter (the same event
    id, at a later offset) is logged and projected, once."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    pool = console.service.pool
    await pool.execute(
        """CREATE FUNCTION weiger_z_stuk() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.zaak_id = 'Z-STUK' THEN RAISE EXCEPTION 'kapot'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER weiger_z_stuk BEFORE INSERT ON zaak FOR EACH ROW EXECUTE FUNCTION weiger_z_stuk()"""
    )
    ce_id = str(uuid.uuid4())
    stuk = record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-STUK"), ce_id)
    await console.service.consume((record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-A")), stuk))
    assert [r["reden"] for r in await pool.fetch("SELECT reden FROM dode_letter")] == [PROJECTIEFOUT]
    assert await pool.fetchval("SELECT count(*) FROM gebeurtenis WHERE id = $1", ce_id) == 0

    await pool.execute("DROP TRIGGER weiger_z_stuk ON zaak")
    await console.service.consume((dataclasses.replace(stuk, offset=7),))
    assert [r["zaak_id"] for r in await pool.fetch("SELECT zaak_id FROM zaak ORDER BY 1")] == ["Z-A", "Z-STUK"]
    assert await pool.fetchval("SELECT count(*) FROM gebeurtenis WHERE id = $1", ce_id) == 1


async def test_a_careful_batch_tries_a_failing_event_once_however_often_it_holds_it(console: Console) -> None:
    """In the careful path (a savepoint per record) a copy of a failing event later in the batch is
    not tried again: one dead letter with one attempt, after the attempts of its first copy only;
    a dead letter the batch holds twice is stored once, and a case opened before it is planned by a
    record after it."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    pool = console.service.pool
    await pool.execute(
        """CREATE FUNCTION weiger_z_stuk() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.zaak_id = 'Z-STUK' THEN RAISE EXCEPTION 'kapot'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER weiger_z_stuk BEFORE INSERT ON zaak FOR EACH ROW EXECUTE FUNCTION weiger_z_stuk()"""
    )
    stuk = record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-STUK"))
    dood = raw(f"{MELDING}.dlq", 5, dlq_headers([("ce_id", b"x")], MELDING), b"{}")
    gepland = {"inspectie_id": "I-1", "werkgever": {"kvk_nummer": "41000001"}, "gepland_op": "2027-03-04"}
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-A")),
        stuk,
        dood,
        dataclasses.replace(stuk, offset=3),
        dood,
        record(
            INSPECTIE,
            1,
            "nl.waardigwerk.inspectie.gepland",
            {**gepland, "aanleidingen": [{"soort": "melding", "id": "Z-A"}]},
        ),
    )
    await console.service.consume(batch)
    zaak = await pool.fetchrow("SELECT gepland_op::text FROM zaak WHERE zaak_id = 'Z-A'")
    assert zaak is not None and zaak["gepland_op"] == "2027-03-04"
    assert await pool.fetchval("SELECT count(*) FROM zaak WHERE zaak_id = 'Z-STUK'") == 0
    dode = await pool.fetch(
        "SELECT d.reden, count(*) AS pogingen FROM dode_letter d JOIN dode_letter_poging p ON p.dode_letter_id = d.id "
        "GROUP BY 1 ORDER BY 1"
    )
    assert [(r["reden"], r["pogingen"]) for r in dode] == [(PROJECTIEFOUT, 1), ("schema", 1)]


DIEP = b"[" * 5_000 + b"]" * 5_000
VIJANDIG: dict[str, tuple[list[tuple[str, bytes | None]], bytes]] = {
    "nul_en_ongeldige_utf8": ([("na\x00am", b"x\x00y"), ("ce_id", b"\xff\xfe\x00"), ("leeg", None)], b"\x00\xff"),
    "diepe_json_zonder_ce_id": ([("ce_type", b"t")], DIEP),
    "diepe_json_als_id": ([], b'{"id": ' + DIEP + b"}"),
    "onleesbare_id_en_type": ([], b'{"id": "\\u0000\\ud800", "type": 1' + b"9" * 5_000 + b"}"),
    "enorm": ([("groot", bytes(range(256)) * 4_000)], b"\xff" * 1_000_000),
}


@pytest.mark.parametrize("geval", VIJANDIG)
async def test_the_fallback_row_of_a_failed_projection_is_stored_however_hostile_the_record(
    console: Console, geval: str
) -> None:
    """The last resort for a record the console cannot project stores it as a dead letter; that row
    itself must not fail on what the record carries, or the consumer has nowhere left to put it."""
    headers, waarde = VIJANDIG[geval]
    stuk = raw(MELDING, 9, [*headers, ("dlq_reden", b"\x00vals")], waarde, key=b"\x00\xff" * 50_000)
    async with console.service.pool.acquire() as conn, conn.transaction():
        await _bewaar_als_projectiefout(conn, stuk, "ValueError na 1 pogingen")
    rij = await console.service.pool.fetchrow("SELECT reden, positie, waarde FROM dode_letter")
    assert rij is not None and (rij["reden"], rij["positie"], bytes(rij["waarde"])) == (PROJECTIEFOUT, -10, waarde)
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    assert (await beheerder.get("/api/dode-letters")).status_code == 200
    assert (await beheerder.get("/dode-letters")).status_code == 200


async def test_an_event_the_log_refuses_is_kept_as_the_consoles_dead_letter(console: Console) -> None:
    """A reference too large for its index (random, so it does not compress) passes the envelope but
    not the log statement, every time: the record ends as the console's dead letter, with its key
    and headers as hostile as they come, and the record after it is projected."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    groot = {**ontvangen("Z-GROOT"), "melder_referentie": secrets.token_urlsafe(8_000)}
    stuk = record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", groot)
    stuk = dataclasses.replace(stuk, key=b"k\x00\xff", headers=[*stuk.headers, ("x\x00", b"\xff\x00")])
    await console.service.consume((stuk, record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-OK"))))
    pool = console.service.pool
    assert [r["zaak_id"] for r in await pool.fetch("SELECT zaak_id FROM zaak")] == ["Z-OK"]
    dood = await pool.fetchrow("SELECT reden, sleutel, headers, waarde FROM dode_letter")
    assert dood is not None and (dood["reden"], dood["sleutel"]) == (PROJECTIEFOUT, "k\\x00\\xff")
    assert ["x\\x00", "\\xff\\x00"] in json.loads(dood["headers"]) and bytes(dood["waarde"]) == stuk.value


async def test_a_record_that_fails_only_at_commit_is_kept_as_the_consoles_dead_letter(console: Console) -> None:
    """An error no savepoint pins to a record (a deferred check fails the commit) fails the batch
    every time: after its attempts each record is applied in a transaction of its own, and the one
    whose commit fails is kept as the console's dead letter on the last resort."""
    console.service.settings = console.service.settings.model_copy(update={"waardigwerk_record_pogingen": 2})
    pool = console.service.pool
    await pool.execute(
        """CREATE FUNCTION weiger_bij_commit() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.zaak_id = 'Z-STUK' THEN RAISE EXCEPTION 'kapot bij commit'; END IF; RETURN NEW; END $$;
           CREATE CONSTRAINT TRIGGER weiger_bij_commit AFTER INSERT ON zaak DEFERRABLE INITIALLY DEFERRED
           FOR EACH ROW EXECUTE FUNCTION weiger_bij_commit()"""
    )
    batch = (
        record(MELDING, 1, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-A")),
        record(MELDING, 2, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-STUK")),
        record(MELDING, 3, "nl.waardigwerk.melding.ontvangen", ontvangen("Z-B")),
    )
    await console.service.consume(batch)
    assert [r["zaak_id"] for r in await pool.fetch("SELECT zaak_id FROM zaak ORDER BY 1")] == ["Z-A", "Z-B"]
    dood = await pool.fetch("SELECT reden, details FROM dode_letter")
    assert [(r["reden"], r["details"]) for r in dood] == [(PROJECTIEFOUT, "batch kon niet worden vastgelegd")]
