import pytest


@pytest.fixture(autouse=True)
def _fresh_drain_queues():
    """The drain queue keeps the submitted plans' choices in Django's
    cache (process-wide in the tests): a test must not see another's."""
    from django.core.cache import cache
    cache.clear()
    yield
