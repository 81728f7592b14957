import pytest

# Used by the pre-flight tests (pytestmark).
from tests.unit.finding_checks import findings_are_well_said  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_drain_queues():
    """The drain queue keeps the submitted plans' choices in Django's
    cache (process-wide in the tests): a test must not see another's."""
    from django.core.cache import cache
    cache.clear()
    yield

