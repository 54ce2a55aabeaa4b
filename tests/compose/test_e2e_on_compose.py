"""The end-to-end tier's black-box tests, unchanged, against the compose stack: the public
scenarios and the report flow (acknowledged with its deadline, planned, rejected, deduplicated)."""

from __future__ import annotations

import pytest

from tests.e2e.test_melding_flow import (  # noqa: F401 (collected here, against this tier's stack)
    test_bad_melding_rejected_with_every_problem_and_dead_lettered,
    test_melding_acknowledged_with_deadline_and_planned,
    test_poison_record_does_not_block_the_next,
    test_same_event_twice_has_one_effect,
)
from tests.e2e.test_public_scenarios import test_public_scenario  # noqa: F401

pytestmark = [pytest.mark.compose, pytest.mark.stack]
