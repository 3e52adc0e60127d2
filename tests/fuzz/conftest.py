"""The fuzzing drill's profiles: « ci » in `make test` (a few hundred examples per target, the
same ones on every run), « fuzz » in `make fuzz` (thousands, new ones each run). The profile
comes from HYPOTHESIS_PROFILE, « ci » by default."""
import os

from hypothesis import HealthCheck, settings

#: each example is one or two real requests: no deadline, and the application's state is
#: set up once per target (the fixtures), not once per example
_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
