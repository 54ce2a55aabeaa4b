"""The partner client of the tools and tests: a start that fails leaves no Kafka client open."""

from __future__ import annotations

import gc
import warnings

import pytest
from aiokafka.errors import KafkaConnectionError

from tools.partner import Partner


async def test_a_partner_that_cannot_reach_the_broker_leaves_no_client_open() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(KafkaConnectionError):
            async with Partner("127.0.0.1:1", ["waardigwerk.uit.melder.fnv"]):  # nothing listens on port 1
                pass
        gc.collect()
    assert [str(w.message) for w in caught if "Unclosed AIOKafka" in str(w.message)] == []
