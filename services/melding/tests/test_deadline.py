"""The inspection deadline of a report: `servicenorm_inspectie_werkdagen` working days after receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from services.melding.domain.deadline import geen_overschrijding, uiterlijk_inspectie_op
from shared.policy import Policy


@pytest.mark.parametrize("variant", ["huidig", "ser2025"])
@pytest.mark.parametrize(
    ("ontvangen_op", "uiterlijk"),
    [
        (date(2026, 12, 3), date(2026, 12, 10)),  # domain-rules §5 example
        (date(2026, 12, 23), date(2026, 12, 31)),  # domain-rules §5 example, over Christmas
        (date(2026, 12, 29), date(2027, 1, 6)),  # over New Year
    ],
)
def test_five_working_days_in_both_variants(
    variant: str, ontvangen_op: date, uiterlijk: date, request: pytest.FixtureRequest
) -> None:
    policy: Policy = request.getfixturevalue(variant)
    assert uiterlijk_inspectie_op(ontvangen_op, policy) == uiterlijk


def test_the_norm_is_read_from_policy_on_the_day_of_receipt(policy_met: Callable[[str], Policy]) -> None:
    policy = policy_met(
        """
servicenorm_inspectie_werkdagen:
  - {geldig_van: 2024-01-01, geldig_tot: 2026-12-22, waarde: 5}
  - {geldig_van: 2026-12-23, waarde: 3}
melding_koppel_venster_dagen:
  - {geldig_van: 2024-01-01, waarde: 30}
melding_categorie_wetten:
  - {geldig_van: 2024-01-01, waarde: {overig: [Arbowet]}}
"""
    )
    assert uiterlijk_inspectie_op(date(2026, 12, 22), policy) == date(2026, 12, 30)  # 5 days
    assert uiterlijk_inspectie_op(date(2026, 12, 23), policy) == date(2026, 12, 29)  # 3 days


@pytest.mark.parametrize(
    ("geinspecteerd_op", "overschreden"),
    [
        (None, True),
        (date(2027, 3, 2), True),  # the visit came before this report: it did not examine it
        (date(2027, 3, 3), False),  # inspected on the day of receipt
        (date(2027, 3, 4), False),
        (date(2027, 3, 10), False),  # on the deadline's day
        (date(2027, 3, 11), True),  # after the deadline: it passed without a visit
    ],
)
def test_a_passed_deadline_is_a_breach_unless_the_case_was_inspected_between_receipt_and_deadline(
    geinspecteerd_op: date | None, overschreden: bool
) -> None:
    """Whether the case is closed does not count: a report is always investigated, and a visit before
    it was filed answered it not (such a report leaves the case the visit closes, `bezoek`); a visit
    after the deadline answered it, but the deadline passed without one."""
    reden = geen_overschrijding(
        ontvangen_op=date(2027, 3, 3), uiterlijk_inspectie_op=date(2027, 3, 10), geinspecteerd_op=geinspecteerd_op
    )
    assert (reden is None) is overschreden
    if reden is not None:
        assert reden.strip(), "a deadline that is no breach says why"
