"""The rebuild (`python -m services.console.rebuild`): a broker it cannot reach leaves nothing open."""

from __future__ import annotations

import gc
import uuid
import warnings

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError

from services.console.lezer import MIGRATIONS, ConsoleService
from services.console.rebuild import rebuild
from shared.settings import Settings


@pytest.mark.stack
async def test_a_rebuild_whose_consumer_cannot_start_closes_its_client_and_pool(stack_env: dict[str, str]) -> None:
    settings = Settings(database_url=stack_env["DATABASE_URL"], kafka_bootstrap_servers="127.0.0.1:1")  # nobody there
    service = ConsoleService("console", migrations=MIGRATIONS, settings=settings)
    service.schema = f"test_console_{uuid.uuid4().hex[:10]}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            with pytest.raises(KafkaConnectionError):
                await rebuild(service)
            pool_closed = service.pool.is_closing()
        finally:
            if not service.pool.is_closing():
                await service.pool.close()
            conn = await asyncpg.connect(stack_env["DATABASE_URL"])
            try:
                await conn.execute(f'DROP SCHEMA "{service.schema}" CASCADE')
            finally:
                await conn.close()
        gc.collect()
    assert [str(w.message) for w in caught if "Unclosed AIOKafka" in str(w.message)] == []
    assert pool_closed
