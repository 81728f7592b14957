"""Migration status through the plugin's api layer, on the real demo cloud:
live progress bytes, abort, force complete, instance action events.

Each test boots an instance of its own (m1.tiny, no network) and deletes it
at the end, so the seeded instances other tests rely on are left alone.
Destinations are chosen at test time among the enabled, up computes other
than the instance's host (other tests may disable cmp2/cmp3 briefly).
"""
import time
import uuid

import pytest

from migration_dashboard import api
from migration_dashboard.services import migrations as data
from migration_dashboard.core import progress as core
from tests import democloud

pytestmark = pytest.mark.integration

IMAGE = "cirros-tiny"
FLAVOR = "m1.tiny"


def _host(server):
    return getattr(server, "OS-EXT-SRV-ATTR:host", None)


def _idle(nova_admin, server_id):
    server = nova_admin.servers.get(server_id)
    if (server.status == "ACTIVE" and
            getattr(server, "OS-EXT-STS:task_state", None) is None):
        return server
    return None


def _destination(nova_admin, source):
    """An enabled, up compute other than ``source`` (fewest instances)."""
    services = [s for s in nova_admin.services.list(binary="nova-compute")
                if s.host != source and s.status == "enabled" and
                s.state == "up" and not getattr(s, "forced_down", False)]
    if not services:
        pytest.skip("no enabled, up compute besides %s right now" % source)
    return sorted(s.host for s in services)[0]


@pytest.fixture
def server(nova_admin):
    """An ACTIVE instance of this test's own; deleted afterwards."""
    image = nova_admin.glance.find_image(IMAGE)
    flavor = nova_admin.flavors.find(name=FLAVOR)
    created = nova_admin.servers.create(
        "mig-it-%s" % uuid.uuid4().hex[:8], image.id, flavor.id,
        nics="none", meta={"test": "test_migrations_api"})
    try:
        democloud.wait_for(lambda: _idle(nova_admin, created.id),
                           timeout=120, interval=1,
                           what="instance %s ACTIVE" % created.id)
        yield nova_admin.servers.get(created.id)
    finally:
        # Never leave it mid-migration; then delete it.
        try:
            democloud.wait_for(lambda: _idle(nova_admin, created.id) or
                               nova_admin.servers.get(created.id).status
                               == "ERROR", timeout=120,
                               what="instance idle before delete")
        except AssertionError:
            pass
        nova_admin.servers.delete(created.id)


def _start_live(nova_admin, admin_request, server):
    """Live-migrate ``server`` and return (source, dest, migration) once
    the plugin sees the migration in progress."""
    source = _host(server)
    dest = _destination(nova_admin, source)
    server.live_migrate(host=dest, block_migration="auto")

    def listed():
        for m in api.nova.migration_list(admin_request,
                                         instance_id=server.id):
            if m.migration_type == "live-migration":
                return m
    migration = democloud.wait_for(listed, timeout=30, interval=0.2,
                                   what="the live migration listed")
    return source, dest, migration


def _wait_running_with_bytes(admin_request, server_id, migration_id,
                             timeout=120):
    """Poll GET /servers/{id}/migrations/{mid} through the plugin until it
    is running with memory numbers (queued first behind other tests'
    migrations: max_concurrent_live_migrations=1)."""
    def running():
        try:
            m = api.nova.server_migration_get(admin_request, server_id,
                                              migration_id)
        except Exception:
            return None
        if m.status == "running" and m.memory_total:
            return m
        return None
    return democloud.wait_for(running, timeout=timeout, interval=0.2,
                              what="migration %s running" % migration_id)


def _status(admin_request, server_id, migration_id):
    for m in api.nova.migration_list(admin_request, instance_id=server_id):
        if m.id == migration_id:
            return m.status
    return None


def _wait_status(admin_request, server_id, migration_id, wanted,
                 timeout=90):
    return democloud.wait_for(
        lambda: _status(admin_request, server_id, migration_id)
        if _status(admin_request, server_id, migration_id) in wanted
        else None, timeout=timeout, interval=0.5,
        what="migration %s to be %s" % (migration_id, "/".join(wanted)))


def test_running_live_migration_has_memory_bytes_and_completes(
        admin_request, nova_admin, server):
    source, dest, migration = _start_live(nova_admin, admin_request, server)
    first = _wait_running_with_bytes(admin_request, server.id, migration.id)
    assert first.instance_id == server.id
    assert first.memory_total > 0
    assert first.memory_remaining is not None
    # Two samples a little apart: the arithmetic gives a sane percent.
    samples = [core.sample_of(first, time.time())]
    time.sleep(1.5)
    try:
        second = api.nova.server_migration_get(admin_request, server.id,
                                               migration.id)
        samples.append(core.sample_of(second, time.time()))
    except Exception:
        pass  # finished meanwhile
    result = core.progress(samples)
    assert 0 <= result.percent <= 100
    # The panel's row for it, read the way a row refresh reads it.
    row = data.load_row(admin_request, server.id, migration.id)
    assert row.is_live
    assert row.status in ("running", "post-migrating", "completed")
    if row.status == "running":
        assert row.can_abort and row.can_force_complete
        assert row.progress is None or row.progress.memory_total > 0

    status = _wait_status(admin_request, server.id, migration.id,
                          ("completed", "error", "failed"))
    assert status == "completed"
    server = democloud.wait_for(lambda: _idle(nova_admin, server.id),
                                timeout=60, what="instance idle")
    assert _host(server) == dest
    # Ended: no longer an in-progress server migration (404).
    from novaclient import exceptions as nova_exceptions
    with pytest.raises(nova_exceptions.NotFound):
        api.nova.server_migration_get(admin_request, server.id,
                                      migration.id)
    # And the instance action records it, with events.
    actions = api.nova.instance_action_list(admin_request, server.id)
    live = [a for a in actions if a.action == "live-migration"]
    assert live
    detail = api.nova.instance_action_get(admin_request, server.id,
                                          live[0].request_id)
    assert detail.events
    assert all("details" in e for e in detail.events)  # 2.84
    assert source != dest


def test_abort_keeps_the_instance_on_its_source(admin_request, nova_admin,
                                                server):
    source, dest, migration = _start_live(nova_admin, admin_request, server)
    _wait_running_with_bytes(admin_request, server.id, migration.id)
    api.nova.migration_abort(admin_request, server.id, migration.id)
    status = _wait_status(admin_request, server.id, migration.id,
                          ("cancelled", "completed", "error", "failed"))
    assert status == "cancelled"
    server = democloud.wait_for(lambda: _idle(nova_admin, server.id),
                                timeout=60, what="instance idle")
    assert _host(server) == source
    assert server.status == "ACTIVE"
    # Aborting again: Nova refuses (409: the instance is no longer
    # migrating); the panel says "already finished" after reading the
    # status again.
    from novaclient import exceptions as nova_exceptions
    with pytest.raises((nova_exceptions.BadRequest, nova_exceptions.Conflict,
                        nova_exceptions.NotFound)):
        api.nova.migration_abort(admin_request, server.id, migration.id)
    row = data.load_row(admin_request, server.id, migration.id)
    assert not row.in_progress and not row.can_abort


def test_force_complete_moves_the_instance(admin_request, nova_admin,
                                           server):
    source, dest, migration = _start_live(nova_admin, admin_request, server)
    _wait_running_with_bytes(admin_request, server.id, migration.id)
    api.nova.migration_force_complete(admin_request, server.id,
                                      migration.id)
    status = _wait_status(admin_request, server.id, migration.id,
                          ("completed", "cancelled", "error", "failed"),
                          timeout=60)
    assert status == "completed"
    server = democloud.wait_for(lambda: _idle(nova_admin, server.id),
                                timeout=60, what="instance idle")
    assert _host(server) == dest
    assert server.status == "ACTIVE"


def test_paging_and_filters_of_the_migration_list(admin_request):
    first = api.nova.migration_list(admin_request, limit=2)
    assert len(first) <= 2
    if len(first) == 2:
        rest = api.nova.migration_list(admin_request, limit=2,
                                       marker=first[-1].uuid)
        assert not {m.id for m in rest} & {m.id for m in first}
    live = api.nova.migration_list(admin_request,
                                   migration_type="live-migration",
                                   changes_since="2000-01-01T00:00:00")
    assert all(m.migration_type == "live-migration" for m in live)
    version = api.nova.compute_microversion(admin_request)
    assert core.version_at_least(version, "2.84")
