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


@pytest.fixture
def parsed_afresh():
    # parse() remembers the versions it has seen in this process; these
    # tests parse each text again, as a fresh server process does.
    versions._parse_cached.cache_clear()
    yield
    versions._parse_cached.cache_clear()


@pytest.mark.usefixtures("parsed_afresh")
@pytest.mark.parametrize("value, wanted", [
    ("2.96", (2, 96)), (" 2.5 ", (2, 5)), ("2", (2, 0)), ("3.0", (3, 0)),
    ("LATEST", versions.LATEST), (" Latest ", versions.LATEST),
    ((2, 30), (2, 30)), (Microversion(2, 1), (2, 1)),
    (api_versions.APIVersion("2.65"), (2, 65)),
])
def test_each_way_of_saying_a_microversion(value, wanted):
    mv = versions.parse(value)
    assert mv == wanted
    assert isinstance(mv, Microversion)
    assert str(mv) == "%d.%d" % wanted


@pytest.mark.usefixtures("parsed_afresh")
def test_latest_is_above_every_real_microversion():
    assert versions.parse("latest") > versions.parse("2.999")
    assert versions.at_least("latest", "2.96")
    assert not versions.at_least("2.94", versions.EVACUATE_STOPPED)
    assert versions.at_least("2.95", versions.EVACUATE_STOPPED)


@pytest.mark.usefixtures("parsed_afresh")
@pytest.mark.parametrize("bad", [None, "", "junk", "2.x", ".5"])
def test_what_is_not_a_microversion_parsed_afresh(bad):
    with pytest.raises(ValueError):
        versions.parse(bad)


def test_capped_when_the_cloud_is_exactly_as_new():
    assert versions.capped("2.95", "2.95") == "2.95"
    assert versions.capped("2.95", "") == "2.95"
    assert versions.capped((2, 95), "2.90") == "2.90"
    # As new as the cloud: ours, as given (not the cloud's spelling).
    mine = Microversion(2, 95)
    assert versions.capped(mine, "2.95") is mine
