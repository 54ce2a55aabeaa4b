"""Dead letters the fuzzer leaves behind: a key with a NUL byte, a NUL in a header, invalid UTF-8,
JSON nested thousands deep, a huge value. The console stores each one and renders it escaped.

Before: PostgreSQL refused the NUL in the text columns (CharacterNotInRepertoireError), and the deep
JSON overflowed the parser (RecursionError) both when storing a record without a `ce_id` header and
when rendering it; the console's consumer retried such a record for minutes while the read model
stood still, and /dode-letters answered 500."""

from __future__ import annotations

import pytest

from services.console.autorisatie import Rol
from services.console.tests.conftest import Console, dlq_headers

pytestmark = pytest.mark.stack
TOPIC = "waardigwerk.in.huurcontracten"


def envelop(ce_id: bytes | None) -> list[tuple[str, bytes]]:
    headers = [("ce_specversion", b"1.0"), ("ce_type", b"nl.waardigwerk.melding.ingediend")]
    return headers + ([("ce_id", ce_id)] if ce_id is not None else [])


async def test_a_key_with_a_nul_byte_is_stored_and_shown_escaped(console: Console) -> None:
    await console.dode_letter(TOPIC, dlq_headers(envelop(b"fz-1"), TOPIC, "ongeldige_envelop"), b"{}", b"a\x00b")
    operator = await console.ingelogd("op", Rol.OPERATOR)
    item = (await operator.get("/api/dode-letters")).json()["dode_letters"][0]
    assert item["sleutel"] == "a\\x00b"
    assert (await operator.get("/dode-letters")).status_code == 200


async def test_nul_and_invalid_utf8_in_headers_are_stored_escaped(console: Console) -> None:
    hostile = [*envelop(b"fz-\x00-2"), ("ce_subject", b"x\x00y"), ("na\x00am", b"\xff\xfe")]
    await console.dode_letter(TOPIC, dlq_headers(hostile, TOPIC, "ongeldige_envelop"), b"\xff\x00 geen json")
    operator = await console.ingelogd("op", Rol.OPERATOR)
    item = (await operator.get("/api/dode-letters")).json()["dode_letters"][0]
    assert item["ce_id"] == "fz-\\x00-2"
    pagina = await operator.get("/dode-letters")
    assert pagina.status_code == 200 and "fz-\\x00-2" in pagina.text


@pytest.mark.parametrize("diepte", [900, 5_000])  # just within the parser's reach, and far beyond it
async def test_json_nested_thousands_deep_is_stored_and_rendered(console: Console, diepte: int) -> None:
    diep = b"[" * diepte + b"]" * diepte
    await console.dode_letter(TOPIC, dlq_headers(envelop(None), TOPIC, "ongeldige_envelop"), diep)
    operator = await console.ingelogd("op", Rol.OPERATOR)
    antwoord = await operator.get("/api/dode-letters")
    assert antwoord.status_code == 200, antwoord.text
    assert antwoord.json()["totaal"] == 1
    assert (await operator.get("/dode-letters")).status_code == 200


async def test_a_huge_value_is_shown_truncated(console: Console) -> None:
    await console.dode_letter(TOPIC, dlq_headers(envelop(b"fz-4"), TOPIC), b'{"aantal": 1' + b"9" * 6_000 + b"}")
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    inhoud = (await beheerder.get("/api/dode-letters")).json()["dode_letters"][0]["inhoud"]
    assert isinstance(inhoud, str) and 0 < len(inhoud) < 2_100 and inhoud.endswith("…")


@pytest.mark.parametrize("waarde", [b'{"naam": "\\ud800"}', b'{"\\udfff": 1}', b'[["x", "a\\udc80b"]]'])
async def test_json_with_a_lone_surrogate_escape_is_shown_as_text(console: Console, waarde: bytes) -> None:
    """`"\\ud800"` is valid JSON, but the string it makes cannot be written as UTF-8: shown as JSON,
    the page answered 500 (UnicodeEncodeError) once the end-to-end tier's fuzzer had left one."""
    await console.dode_letter(TOPIC, dlq_headers(envelop(b"fz-5"), TOPIC, "ongeldige_envelop"), waarde)
    beheerder = await console.ingelogd("beheer", Rol.BEHEERDER)
    pagina = await beheerder.get("/dode-letters")
    assert pagina.status_code == 200
    assert "ud" in pagina.text  # the escape, as text
    antwoord = await beheerder.get("/api/dode-letters")
    assert antwoord.status_code == 200 and antwoord.json()["dode_letters"][0]["inhoud"] == waarde.decode()
