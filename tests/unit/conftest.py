"""Each unit test starts with an empty Django cache: live migration
progress samples are kept there between requests, and a test must not see
the samples of another test's migration with the same id."""
import pytest


@pytest.fixture(autouse=True)
def _empty_django_cache():
    from django.core import cache
    cache.cache.clear()
    yield
