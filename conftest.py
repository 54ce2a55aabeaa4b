"""Settings for every test in the repository.

Property tests check behaviour, not speed (speed is `make bench`'s business): Hypothesis's
wall-clock checks are off, so a busy machine — the stack runs beside the tests — cannot fail them.
"""

from hypothesis import HealthCheck, settings
from pytest import Item

settings.register_profile("waardigwerk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("waardigwerk")


def pytest_collection_modifyitems(items: list[Item]) -> None:
    """The browser tier seeds a thousand reports through the stack, which fills the regions'
    inspection capacity for weeks: it runs last, so the flows that expect a free inspection day
    (`inspectie.gepland`) still find one. The order of everything else is kept."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
