"""Instance moves through the plugin's api layer (and facts) on the real
demo cloud, each verified by reading the instance's host back from Nova.

Other engineers' tests may move other instances or briefly disable cmp2 or
cmp3 at the same time, so instances and destinations are picked at test
time among those that are idle and usable right now, and a move the
scheduler refuses for such a transient reason is tried again."""
import time
from unittest import mock

import pytest

from migration_dashboard import api
from migration_dashboard.services import gather as facts_mod
from migration_dashboard.core import preflight
from tests import democloud

pytestmark = pytest.mark.integration

# Plain instances (no server group, no special flavor), least used by the
# other suites first.
PREFERRED = ("cache-1", "app-2", "web-3", "db-2", "cfg-1", "app-1",
             "web-2", "web-1", "db-1")
HOST_ATTR = "OS-EXT-SRV-ATTR:host"
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


def _candidates(nova_admin, exclude=()):
    """Idle ACTIVE plain instances, preferred names first."""
    servers = nova_admin.servers.list(search_opts={"all_tenants": 1})
    by_name = {s.name: s for s in servers}
    out = []
    for name in PREFERRED:
        s = by_name.get(name)
        if s is None or s.id in exclude:
            continue
        if s.status == "ACTIVE" and _idle(s):
            out.append(s)
    return out


def _usable_destination(admin_request, server, kind):
    """A destination the plugin's own pre-flight finds usable now."""
    facts = facts_mod.gather(admin_request, _host(server), [server.id])
    usable = [host.name for host, ok, _r in facts.candidates(kind) if ok]
    return facts, usable


def _last_migration(nova_admin, server_id):
    migs = nova_admin.migrations.list(instance_uuid=server_id)
    return max(migs, key=lambda m: m.id) if migs else None


def _move(admin_request, nova_admin, kind, call, want_host=None,
          tries=3):
    """Pick an instance and a usable destination, run ``call`` (the api
    function), wait for the result; retry with a fresh pick when another
    suite got in the way (409 busy, or the scheduler found no host because
    a compute was briefly disabled).  Returns (server, source, dest)."""
    last_error = None
    used = set()
    for _attempt in range(tries):
        picks = _candidates(nova_admin, exclude=used)
        assert picks, "no idle ACTIVE instance to move"
        server = picks[0]
        used.add(server.id)
        source = _host(server)
        _facts, usable = _usable_destination(admin_request, server, kind)
        if not usable:
            last_error = "no usable destination for %s" % server.name
            time.sleep(5)
            continue
        dest = usable[0] if want_host else None
        before = _last_migration(nova_admin, server.id)
        try:
            call(server.id, dest)
        except Exception as exc:  # busy (409) or no valid host (400)
            last_error = exc
            time.sleep(3)
            continue
        # Nova answers 202 before the instance shows a task: wait for the
        # new migration record to end first, then for the instance.
        final = FINAL[kind]
        mig = democloud.wait_for(
            lambda: (lambda m: m if m and m.status in final and
                     (before is None or m.id != before.id) else None)(
                _last_migration(nova_admin, server.id)),
            timeout=TIMEOUT, what="the %s migration of %s to end"
            % (kind, server.name))
        if mig.status in ("error", "failed", "cancelled"):
            last_error = "migration %s %s" % (mig.id, mig.status)
            _wait_idle(nova_admin, server.id, "ACTIVE")
            continue
        yield_status = "VERIFY_RESIZE" if kind == "cold" else "ACTIVE"
        result = _wait_idle(nova_admin, server.id, yield_status)
        return server, source, dest, result
    raise AssertionError("could not move an instance: %s" % last_error)


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


def test_facts_of_a_host_on_the_demo_cloud(admin_request, nova_admin):
    server = _candidates(nova_admin)[0]
    facts = facts_mod.gather(admin_request, _host(server), [server.id])
    assert facts.instances[0].id == server.id
    assert facts.instances[0].vnic_types is not None
    assert facts.instances[0].server_groups is not None
    assert set(facts.hosts) >= set(democloud.COMPUTES)
    results = facts.check(preflight.Kind.LIVE)
    codes = {f.code for f in results[server.id]}
    # The scheduler's candidates were checked, with data Nova serves.
    assert "scheduler-candidates" in codes or "no-valid-host" in codes
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


def test_live_migrate_with_the_scheduler(admin_request, nova_admin):
    def call(server_id, dest):
        api.nova.server_live_migrate(admin_request, server_id, host=None,
                                     block_migration="auto")
    server, source, _dest, result = _move(admin_request, nova_admin,
                                          "live", call)
    assert _host(result) != source, (server.name, source)
    assert _host(result) in democloud.COMPUTES


def test_live_migrate_to_a_chosen_host_block_auto(admin_request,
                                                  nova_admin):
    def call(server_id, dest):
        api.nova.server_live_migrate(admin_request, server_id, host=dest,
                                     block_migration="auto")
    server, source, dest, result = _move(admin_request, nova_admin,
                                         "live", call, want_host=True)
    assert dest and dest != source
    assert _host(result) == dest, (server.name, source, dest)
    # Nova marks the record completed just after the instance settles.
    mig = democloud.wait_for(
        lambda: (lambda m: m if m and m.status == "completed" else None)(
            _last_migration(nova_admin, server.id)),
        timeout=60, what="the live migration record to complete")
    assert mig.migration_type == "live-migration"


def _settle(nova_admin, server_id):
    """Leave the instance ACTIVE: confirm a move a failed test left in
    VERIFY_RESIZE."""
    s = _server(nova_admin, server_id)
    if s.status == "VERIFY_RESIZE":
        nova_admin.servers.confirm_resize(s)
        _wait_idle(nova_admin, server_id, "ACTIVE")


def test_cold_migrate_then_confirm(admin_request, nova_admin, request):
    def call(server_id, dest):
        api.nova.server_migrate(admin_request, server_id, host=dest)
    server, source, dest, result = _move(admin_request, nova_admin,
                                         "cold", call, want_host=True)
    request.addfinalizer(lambda: _settle(nova_admin, server.id))
    assert result.status == "VERIFY_RESIZE"
    assert _host(result) == dest
    api.nova.server_confirm_resize(admin_request, server.id)
    done = _wait_idle(nova_admin, server.id, "ACTIVE")
    assert _host(done) == dest != source


def test_cold_migrate_then_revert(admin_request, nova_admin, request):
    def call(server_id, dest):
        api.nova.server_migrate(admin_request, server_id, host=dest)
    server, source, dest, result = _move(admin_request, nova_admin,
                                         "cold", call, want_host=True)
    request.addfinalizer(lambda: _settle(nova_admin, server.id))
    assert result.status == "VERIFY_RESIZE"
    assert _host(result) == dest
    api.nova.server_revert_resize(admin_request, server.id)
    done = _wait_idle(nova_admin, server.id, "ACTIVE")
    assert _host(done) == source


def test_refusals_are_novas_errors(admin_request, nova_admin):
    from novaclient import exceptions as nova_exceptions
    with pytest.raises(nova_exceptions.NotFound):
        api.nova.server_live_migrate(
            admin_request, "00000000-0000-4000-8000-000000000000")
    # Confirming an instance that is not in VERIFY_RESIZE: 409 (or 400).
    server = _candidates(nova_admin)[0]
    with pytest.raises((nova_exceptions.Conflict,
                        nova_exceptions.BadRequest)):
        api.nova.server_confirm_resize(admin_request, server.id)
