from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.policy import PolicyError, UnknownPolicyValue, load_policy


def write(tmp: Path, variant: str, name: str, text: str) -> None:
    (tmp / variant).mkdir(parents=True, exist_ok=True)
    (tmp / variant / name).write_text(text)


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    (tmp_path / "beleid.yaml").write_text('versie: "1"\n')
    write(
        tmp_path,
        "huidig",
        "a.yaml",
        """
termijn:
  - {geldig_van: 2024-01-01, geldig_tot: 2025-12-31, waarde: 12}
  - {geldig_van: 2026-01-01, waarde: 6}
tarief:
  - {geldig_van: 2026-01-01, geldig_tot: 2026-06-30, waarde: 14.71}
  - {geldig_van: 2026-07-01, waarde: null, status: onbekend}
""",
    )
    write(tmp_path, "ser2025", "a.yaml", "termijn:\n  - {geldig_van: 2024-01-01, waarde: 3}\n")
    return tmp_path


def test_the_value_in_force_on_the_date_of_the_fact(policies: Path) -> None:
    huidig = load_policy("huidig", policies)
    assert huidig.value("termijn", date(2025, 12, 31)) == 12
    assert huidig.value("termijn", date(2026, 1, 1)) == 6
    assert str(huidig.decimal("tarief", date(2026, 3, 1))) == "14.71"


def test_an_unknown_value_refuses_to_calculate(policies: Path) -> None:
    with pytest.raises(UnknownPolicyValue, match="refusing to calculate"):
        load_policy("huidig", policies).value("tarief", date(2026, 7, 1))


def test_variant_overrides_and_version_names_it(policies: Path) -> None:
    huidig, ser = load_policy("huidig", policies), load_policy("ser2025", policies)
    assert ser.value("termijn", date(2026, 2, 1)) == 3
    assert ser.value("tarief", date(2026, 2, 1)) == 14.71
    assert huidig.version.startswith("huidig@1#") and ser.version.startswith("ser2025@1#")
    assert huidig.digest != ser.digest


def test_overlapping_periods_are_rejected(policies: Path) -> None:
    write(
        policies,
        "huidig",
        "b.yaml",
        """
dubbel:
  - {geldig_van: 2024-01-01, waarde: 1}
  - {geldig_van: 2025-01-01, waarde: 2}
""",
    )
    with pytest.raises(PolicyError, match="overlap"):
        load_policy("huidig", policies)


def test_the_shipped_policies_load() -> None:
    for variant in ("huidig", "ser2025"):
        policy = load_policy(variant)
        assert policy.value("wml_uurloon_21plus", date(2026, 1, 5)) == 14.71
