"""Which errors are retried without end: the system's, never the code's (shared/faults.py)."""

from __future__ import annotations

import decimal

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError

from shared.faults import CONTENT_ERRORS, transient


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.InterfaceError("cannot perform operation: connection is closed"),
        asyncpg.InterfaceError("connection is closed"),
        asyncpg.InterfaceError("pool is closing"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        KafkaConnectionError(),
        ConnectionResetError(),
        TimeoutError(),
    ],
)
def test_a_lost_connection_or_a_busy_database_is_transient(exc: BaseException) -> None:
    assert transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.InterfaceError("the server expects 2 arguments for this query, 1 was passed"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.exceptions.UndefinedColumnError("column x does not exist"),
        asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence"),
        KeyError("bug"),
        decimal.Overflow(),
    ],
)
def test_a_bug_or_bad_content_is_not_transient(exc: BaseException) -> None:
    assert not transient(exc)


def test_content_errors_are_never_transient() -> None:
    samples = [asyncpg.exceptions.StringDataRightTruncationError("x"), UnicodeEncodeError("utf-8", "x", 0, 1, "x")]
    assert all(isinstance(e, CONTENT_ERRORS) and not transient(e) for e in samples)
