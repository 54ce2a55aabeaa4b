"""Which failures are worth retrying without end, and which come from a record's content.

`transient(exc)` is true when the system around the code cannot work right now (broker or database
gone, the database out of resources, a deadlock): retried without end, never a reason to
dead-letter input. An error of a record's content (`CONTENT_ERRORS`) dead-letters that record at
once. Anything else is a bug or unclassified: tried a bounded number of times, then dead-lettered
(a record) or dead (a timer).

asyncpg raises `InterfaceError` both for a connection that is gone and for a caller's mistake
(wrong number of arguments, one connection used by two tasks at once); only the first is transient.
"""

from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaError

from shared.envelope import EnvelopeError

_TRANSIENT_CLASSES: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    KafkaError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    # The database cannot work right now, whatever the record says: disk full, out of memory or
    # connections, an I/O error, a read-only standby after a failover, a lock timeout, a privilege
    # taken away. Never a reason to dead-letter input. (Bad SQL in a handler is a bug: bounded.)
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.PostgresSystemError,
    asyncpg.exceptions.ReadOnlySQLTransactionError,
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.InsufficientPrivilegeError,
    # A connection the server ended while it sat idle in the pool can answer its next query with a
    # protocol error before asyncpg sees the socket close.
    asyncpg.exceptions.InternalClientError,
)
# asyncpg's own words for a connection or pool that is gone (connection.py, protocol.pyx, pool.py).
_GONE = ("connection is closed", "pool is closing", "pool is closed", "another operation is cancelling")

# Errors that come from a record's content: the record is dead-lettered at once, never retried.
CONTENT_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.DataError,  # CharacterNotInRepertoireError, UntranslatableCharacterError, out of range, ...
    asyncpg.exceptions.ProgramLimitExceededError,  # e.g. a key too long for its index
    UnicodeError,
    RecursionError,
    ArithmeticError,  # decimal.Overflow / InvalidOperation on a number the contract let through
    EnvelopeError,
)


def transient(exc: BaseException) -> bool:
    """Retry without end? Only when the failure is the system's, not the code's or the record's."""
    if isinstance(exc, asyncpg.InterfaceError) and not isinstance(exc, _TRANSIENT_CLASSES):
        return any(words in str(exc) for words in _GONE)
    return isinstance(exc, _TRANSIENT_CLASSES)
