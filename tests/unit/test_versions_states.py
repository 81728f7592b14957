"""core.versions (one microversion type) and core.states (which statuses
allow which move): the answers every part of the plugin shares."""

import pytest
from novaclient import api_versions

from migration_dashboard.core import states, versions
from migration_dashboard.core.versions import Microversion


def test_parse_compares_in_version_order_not_as_text():
    assert Microversion.parse("2.5") < Microversion.parse("2.25")
    assert Microversion.parse("2.100") > Microversion.parse("2.99")
    assert Microversion.parse("latest") > Microversion.parse("2.104")
    assert Microversion.parse(api_versions.APIVersion("2.65")) == (2, 65)
    assert Microversion.parse((2, 30)) == versions.LIVE_MIGRATE_FORCE
    assert str(Microversion.parse(" 2.96 ")) == "2.96"


@pytest.mark.parametrize("bad", [None, "", "junk", "2.x"])
def test_parse_refuses_what_is_not_a_microversion(bad):
    with pytest.raises(ValueError):
        versions.parse(bad)
    assert not versions.at_least(bad, "2.1")


def test_capped_sends_ours_unless_the_cloud_is_older():
    assert versions.capped("2.95", "2.90") == "2.90"
    assert versions.capped("2.95", "2.100") == "2.95"
    assert versions.capped("2.95", None) == "2.95"


@pytest.mark.parametrize("kind, allowed, refused", [
    ("live", ["ACTIVE", "paused"], ["SHUTOFF", "ERROR", "VERIFY_RESIZE"]),
    ("cold", ["ACTIVE", "SHUTOFF"], ["PAUSED", "ERROR", None]),
    ("evacuate", ["ACTIVE", "SHUTOFF", "ERROR"], ["PAUSED", "BUILD"]),
])
def test_which_statuses_allow_which_move(kind, allowed, refused):
    assert all(states.allows(kind, s) for s in allowed)
    assert not any(states.allows(states.Kind(kind), s) for s in refused)
