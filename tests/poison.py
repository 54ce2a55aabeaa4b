"""The classes of hostile record every consumer must dead-letter alone, for a test service whose
records are `{"kvk_nummer": ..., "aantal": ...}` (tests/handler/test_runtime.py, tests/e2e/test_poison.py)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

CANARY = "123456782"  # passes the elfproef: a BSN as far as any check can tell
BUG = 4242  # an amount that trips a bug in the test handler
MISUSE = 4243  # an amount for which the test handler misuses the driver (`misuse_driver`)
CONCURRENT = 4244  # an amount for which it uses its connection from two tasks (`use_concurrently`)
Headers = list[tuple[str, bytes | None]]


def poison_classes(base: Headers) -> dict[str, tuple[Headers, bytes | None, bytes | None]]:
    """name -> (headers, value, key); `base` are valid envelope headers to spoil one at a time."""

    def met(name: str, value: bytes | None) -> Headers:
        """`base` with a fresh ce_id (each record its own) and header `name` set to `value`."""
        hdrs = [(k, v) for k, v in base if k not in (name, "ce_id")]
        return (
            [("ce_id", uuid.uuid4().hex.encode()), *hdrs, (name, value)] if name != "ce_id" else [*hdrs, (name, value)]
        )

    ok = b'{"kvk_nummer": "12345678", "aantal": 1}'
    return {
        "nul_in_ce_id": (met("ce_id", b"p\x00" + uuid.uuid4().hex.encode()), ok, b"k"),
        "invalid_utf8_header": (met("ce_source", b"\xff\xfe"), ok, b"k"),
        "null_header": (met("ce_subject", None), ok, b"k"),
        "nul_in_header": (met("ce_subject", b"a\x00b"), ok, b"k"),
        "nul_in_key_bad_record": (met("x-test", b"1"), b"not json", b"k\x00\xff"),
        "lone_surrogate": (met("x-test", b"2"), b'{"kvk_nummer": "\\ud800", "aantal": 1}', b"k"),
        "nul_in_data": (met("x-test", b"3"), b'{"kvk_nummer": "1234\\u0000", "aantal": 1}', b"k"),
        "deep_json": (met("x-test", b"4"), b"[" * 10_000 + b"]" * 10_000, b"k"),
        "huge_number": (met("x-test", b"5"), b'{"kvk_nummer": "12345678", "aantal": 1' + b"0" * 5000 + b"}", b"k"),
        "canary_time": (met("ce_time", CANARY.encode()), ok, b"k"),
        "int_out_of_range": (met("x-test", b"6"), b'{"kvk_nummer": "12345678", "aantal": 9999999999}', b"k"),
        "handler_bug": (met("x-test", b"7"), b'{"kvk_nummer": "12345678", "aantal": %d}' % BUG, b"k"),
        "driver_misuse": (met("x-test", b"8"), b'{"kvk_nummer": "12345678", "aantal": %d}' % MISUSE, b"k"),
        "concurrent_use": (met("x-test", b"9"), b'{"kvk_nummer": "12345678", "aantal": %d}' % CONCURRENT, b"k"),
    }


async def misuse_driver(conn: Any) -> None:
    """A handler bug that asyncpg reports as `InterfaceError`, as it does a lost connection: a
    statement given fewer arguments than it has parameters. The connection is fine afterwards."""
    await conn.execute("SELECT $1::int + $2::int", 1)


async def use_concurrently(conn: Any) -> None:
    """A handler bug that leaves its transaction in doubt: a write, then two statements at once on
    one connection. The second fails at once; the first still runs, so the savepoint's rollback
    fails too. The write (aantal -1) must never be committed."""
    await conn.execute("INSERT INTO proef (kvk, aantal) VALUES ('12345678', -1)")
    await asyncio.gather(conn.fetchval("SELECT pg_sleep(0.05)"), conn.fetchval("SELECT 1"))
