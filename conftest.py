"""Settings for every test in the repository.

Property tests check behaviour, not speed (speed is `make bench`'s business): Hypothesis's
wall-clock checks are off, so a busy machine — the stack runs beside the tests — cannot fail them.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("waardigwerk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("waardigwerk")

