"""Steps the end-to-end flows share: a KvK number of a test's own, and a housing contract offered
by a municipality until its check comes back on that municipality's feed."""

from __future__ import annotations

import random
from typing import Any

from tools.partner import Ontvangen, Partner


def kvk() -> str:
    """A random 8-digit KvK number, so that tests on one stack never share an employer."""
    return f"{random.randrange(10_000_000, 99_999_999)}"


async def huurcontract_gecontroleerd(partner: Partner, contract: dict[str, Any], gemeente: str) -> Ontvangen:
    """Offer `contract` as municipality `gemeente` would; return its `huisvesting.gecontroleerd`."""
    ref = contract["contract_referentie"]
    await partner.publish(
        "waardigwerk.in.huurcontracten",
        "nl.waardigwerk.huurcontract.aangeboden",
        contract,
        key=ref,
        source=f"urn:nld:gemeente:{gemeente}:huisvesting",
    )
    return await partner.expect(
        f"waardigwerk.uit.gemeente.{gemeente}",
        "nl.waardigwerk.huisvesting.gecontroleerd",
        lambda d: d["contract_referentie"] == ref,
    )
