"""How pre-flight findings word sizes, versions, lists and NUMA needs
(``preflight.wording``), what a page says once instead of on every row
(``preflight.summary``) and how Nova's records become pre-flight input
(``preflight.model``): what an operator reads, written by hand."""

import pytest

from migration_dashboard.core.preflight import wording


@pytest.mark.parametrize("version, text", [
    (8002000, "8.2.0"), (6002001, "6.2.1"), (10001012, "10.1.12"),
    ("9000000", "9.0.0"), (1002003, "1.2.3"),
])
def test_hypervisor_version_as_major_minor_micro(version, text):
    assert wording.hv_version(version) == text


def test_unknown_hypervisor_version():
    assert str(wording.hv_version(None)) == "unknown"
