"""Instance moves through the plugin's api layer (and facts) on the real
demo cloud, each verified by reading the instance's host back from Nova.

Each move is of an instance the test boots on cmp1 for itself (deleted
afterwards); a chosen destination is cmp2, and "the scheduler chooses"
runs with cmp3 disabled for the test, so that Nova has exactly one place
to choose: every test expects one outcome, and a refusal fails it."""
import contextlib
import uuid
from unittest import mock

import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.services import gather as facts_mod
from migration_dashboard.services import submit
from migration_dashboard.core import preflight
from tests import democloud

pytestmark = pytest.mark.integration

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
SOURCE, DEST = "cmp1", "cmp2"
TIMEOUT = 180
FINAL = {"live": ("completed", "failed", "error", "cancelled"),
         "cold": ("finished", "confirmed", "reverted", "failed", "error")}


def _server(nova_admin, server_id):
    return nova_admin.servers.get(server_id)


def _host(server):
    return getattr(server, HOST_ATTR)


def _idle(server):
    return getattr(server, "OS-EXT-STS:task_state") is None


def _wait_idle(nova_admin, server_id, status="ACTIVE"):
    def done():
        s = _server(nova_admin, server_id)
        if _idle(s) and s.status == status:
            return s
        if s.status == "ERROR":
            raise AssertionError("%s went to ERROR: %s"
                                 % (s.name, getattr(s, "fault", None)))
        return None
    return democloud.wait_for(done, timeout=TIMEOUT, interval=1.0,
                              what="%s %s and idle" % (server_id, status))


@pytest.fixture
def server(nova_admin):
    """An ACTIVE m1.tiny of the test's own on cmp1 (its live migrations
    end at once); deleted afterwards, wherever it is then."""
    democloud.computes_ready(nova_admin)
    created = democloud.boot(
        nova_admin, "move-it-%s" % uuid.uuid4().hex[:8], SOURCE,
        meta={democloud.LIVE_MIGRATION_SECONDS: "0"})
    try:
        yield created
    finally:
        democloud.delete(nova_admin, [created.id])


@contextlib.contextmanager
def _only_destination(nova_admin, dest):
    """Every compute but the source and ``dest`` disabled for the test
    (enabled again after), so the scheduler's one choice is ``dest``."""
    services = democloud.compute_services(nova_admin)
    others = [s for h, s in services.items() if h not in (SOURCE, dest)]
    for service in others:
        nova_admin.services.disable_log_reason(
            service.id, "integration test: the scheduler's one choice")
    try:
        yield
    finally:
        for service in others:
            nova_admin.services.enable(service.id)


def _last_migration(nova_admin, server_id):
    migs = nova_admin.migrations.list(instance_uuid=server_id)
    return max(migs, key=lambda m: m.id) if migs else None


def _moved(admin_request, nova_admin, server, kind):
    """After the api call: the new migration record at its end (which must
    be a success), then the instance idle in the state the move leaves."""
    final = FINAL[kind]
    mig = democloud.wait_for(
        lambda: (lambda m: m if m and m.status in final else None)(
            _last_migration(nova_admin, server.id)),
        timeout=TIMEOUT, what="the %s migration of %s to end"
        % (kind, server.name))
    assert mig.status in ("completed", "finished"), (mig.id, mig.status)
    return mig, _wait_idle(nova_admin, server.id,
                           "VERIFY_RESIZE" if kind == "cold" else "ACTIVE")


def test_api_reads_groups_ports_and_placement(admin_request):
    groups = api.nova.server_group_list(admin_request)
    ha = [g for g in groups if g.name == "ha-anti-affinity"]
    assert ha and ha[0].policy == "anti-affinity"
    assert len(ha[0].members) == 2
    servers = api.nova.instance_list(admin_request)
    ports = api.neutron.port_vnic_types(admin_request,
                                        [s.id for s in servers])
    assert set(ports) == {s.id for s in servers}
    answer = api.placement.allocation_candidates(
        admin_request, {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1})
    assert answer, "some compute has room for m1.tiny"
    for summary in answer.values():
        assert {"VCPU", "MEMORY_MB", "DISK_GB"} <= set(summary["resources"])
        assert summary["traits"] is not None


def test_facts_of_a_host_on_the_demo_cloud(admin_request, nova_admin,
                                           server):
    facts = facts_mod.gather(admin_request, _host(server), [server.id])
    assert facts.instances[0].id == server.id
    assert facts.instances[0].vnic_types is not None
    assert facts.instances[0].server_groups is not None
    assert set(facts.hosts) >= set(democloud.COMPUTES)
    results = facts.check(preflight.Kind.LIVE)
    codes = {f.code for f in results[server.id]}
    # Every compute enabled and up: the scheduler's candidates were
    # checked, with data Nova serves, and it has some.
    assert "scheduler-candidates" in codes, codes
    assert "no-valid-host" not in codes
    assert "ports-unknown" not in codes and "groups-unknown" not in codes
    assert "image-properties-unknown" not in codes
    assert "shares-unknown" not in codes


def test_hypervisors_list_their_servers_as_novas_server_list(
        admin_request, nova_admin):
    by_host = {}
    for s in nova_admin.servers.list(search_opts={"all_tenants": 1}):
        by_host.setdefault(_host(s), set()).add(s.id)
    listed = {}
    for hyp in api.nova.hypervisor_list(admin_request, with_servers=True):
        listed.setdefault(hyp.host, set()).update(hyp.servers)
    for host in democloud.COMPUTES:
        assert listed.get(host, set()) == by_host.get(host, set()), host
    # Not asked: not known (and not paid for).
    assert all(h.servers is None
               for h in api.nova.hypervisor_list(admin_request))


def test_group_member_facts_know_every_host_without_a_server_list(
        admin_request, nova_admin):
    group = next(g for g in api.nova.server_group_list(admin_request)
                 if g.name == "ha-anti-affinity")
    member = nova_admin.servers.get(group.members[0])
    real = api.nova.instance_list
    asked = []

    def spy(request, host=None, **kwargs):
        asked.append(host)
        return real(request, host=host, **kwargs)

    with mock.patch.object(api.nova, "instance_list", side_effect=spy):
        facts = facts_mod.gather(admin_request, _host(member), [member.id])
    assert asked == [_host(member)]  # the source host's instances only
    others = {s.id: _host(s) for s in
              nova_admin.servers.list(search_opts={"all_tenants": 1})}
    for name, host in facts.hosts.items():
        if name in democloud.COMPUTES:
            assert host.instance_ids == frozenset(
                i for i, h in others.items() if h == name), name


def _plugin_shows(admin_request, server_id, host, status, migration):
    """What the plugin reads back: the instance where Nova put it, and the
    move's record in its migration list with Nova's status."""
    shown = api.nova.instance_get(admin_request, server_id)
    assert (shown.host, shown.status) == (host, status)
    listed = {m.id: m for m in api.nova.migration_list(
        admin_request, instance_id=server_id)}
    assert listed[migration.id].status == migration.status
    assert listed[migration.id].dest_compute == host


def test_live_migrate_with_the_scheduler(admin_request, nova_admin, server):
    with _only_destination(nova_admin, DEST):
        api.nova.server_live_migrate(admin_request, server.id, host=None,
                                     block_migration="auto")
        mig, result = _moved(admin_request, nova_admin, server, "live")
    assert _host(result) == DEST
    assert mig.migration_type == "live-migration"
    _plugin_shows(admin_request, server.id, DEST, "ACTIVE", mig)


def test_live_migrate_to_a_chosen_host_block_auto(admin_request,
                                                  nova_admin, server):
    api.nova.server_live_migrate(admin_request, server.id, host=DEST,
                                 block_migration="auto")
    mig, result = _moved(admin_request, nova_admin, server, "live")
    assert _host(result) == DEST
    # Nova marks the record completed just after the instance settles.
    mig = democloud.wait_for(
        lambda: (lambda m: m if m and m.status == "completed" else None)(
            _last_migration(nova_admin, server.id)),
        timeout=60, what="the live migration record to complete")
    assert mig.migration_type == "live-migration"
    _plugin_shows(admin_request, server.id, DEST, "ACTIVE", mig)


def test_cold_migrate_then_confirm(admin_request, nova_admin, server):
    api.nova.server_migrate(admin_request, server.id, host=DEST)
    mig, result = _moved(admin_request, nova_admin, server, "cold")
    assert result.status == "VERIFY_RESIZE"
    assert _host(result) == DEST
    assert mig.migration_type == "migration"
    _plugin_shows(admin_request, server.id, DEST, "VERIFY_RESIZE", mig)
    api.nova.server_confirm_resize(admin_request, server.id)
    done = _wait_idle(nova_admin, server.id, "ACTIVE")
    assert _host(done) == DEST
    mig = democloud.wait_for(
        lambda: (lambda m: m if m.status == "confirmed" else None)(
            _last_migration(nova_admin, server.id)),
        timeout=60, what="the migration record confirmed")
    _plugin_shows(admin_request, server.id, DEST, "ACTIVE", mig)


def test_cold_migrate_then_revert(admin_request, nova_admin, server):
    api.nova.server_migrate(admin_request, server.id, host=DEST)
    mig, result = _moved(admin_request, nova_admin, server, "cold")
    assert result.status == "VERIFY_RESIZE"
    assert _host(result) == DEST
    api.nova.server_revert_resize(admin_request, server.id)
    done = _wait_idle(nova_admin, server.id, "ACTIVE")
    assert _host(done) == SOURCE
    mig = democloud.wait_for(
        lambda: (lambda m: m if m.status == "reverted" else None)(
            _last_migration(nova_admin, server.id)),
        timeout=60, what="the migration record reverted")
    shown = api.nova.instance_get(admin_request, server.id)
    assert (shown.host, shown.status) == (SOURCE, "ACTIVE")
    listed = {m.id: m for m in api.nova.migration_list(
        admin_request, instance_id=server.id)}
    assert listed[mig.id].status == "reverted"


def test_refusals_are_novas_errors(admin_request, nova_admin, server):
    with pytest.raises(nova_exceptions.NotFound) as missing:
        api.nova.server_live_migrate(
            admin_request, "00000000-0000-4000-8000-000000000000")
    assert str(submit.explain(missing.value)).startswith(
        "not found (deleted meanwhile?)")
    # Confirming an instance that is not in VERIFY_RESIZE: Nova checks the
    # instance's state first (409), and the plugin says so.
    with pytest.raises(nova_exceptions.Conflict) as refused:
        api.nova.server_confirm_resize(admin_request, server.id)
    assert str(submit.explain(refused.value)).startswith(
        "refused in its current state (409)")
