"""Migration status through the plugin's api layer, on the real demo cloud:
live progress bytes, abort, force complete, instance action events.

Each test boots an instance of its own (m1.tiny, no network) on cmp1 and
deletes it at the end, so the seeded instances other tests rely on are
left alone; its live migrations go to cmp2.  The instance carries the fake
driver's live-migration window (democloud.LIVE_MIGRATION_SECONDS): held
running until the test ends it (force complete or abort), so what the
plugin shows of a running migration is seen every time, or 0 s where the
test needs finished moves quickly.
"""
import time
import uuid

import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.services import migrations as data
from migration_dashboard.core import progress as core
from tests import democloud

pytestmark = pytest.mark.integration

SOURCE, DEST = "cmp1", "cmp2"


def _host(server):
    return getattr(server, "OS-EXT-SRV-ATTR:host", None)


def _idle(nova_admin, server_id):
    server = nova_admin.servers.get(server_id)
    if (server.status == "ACTIVE" and
            getattr(server, "OS-EXT-STS:task_state", None) is None):
        return server
    return None


def _boot(nova_admin, seconds):
    democloud.computes_ready(nova_admin)
    return democloud.boot(
        nova_admin, "mig-it-%s" % uuid.uuid4().hex[:8], SOURCE,
        meta={democloud.LIVE_MIGRATION_SECONDS: seconds})


@pytest.fixture
def server(nova_admin):
    """An ACTIVE instance of this test's own on cmp1 whose live migrations
    stay running until the test ends them; deleted afterwards."""
    created = _boot(nova_admin, democloud.HELD)
    try:
        yield created
    finally:
        democloud.delete(nova_admin, [created.id])


@pytest.fixture
def quick_server(nova_admin):
    """The same, whose live migrations end at once."""
    created = _boot(nova_admin, "0")
    try:
        yield created
    finally:
        democloud.delete(nova_admin, [created.id])


def _start_live(nova_admin, admin_request, server):
    """Live-migrate ``server`` to cmp2 and return (source, dest, migration)
    once the plugin lists the migration."""
    assert _host(server) == SOURCE
    server.live_migrate(host=DEST, block_migration="auto")

    def listed():
        for m in api.nova.migration_list(admin_request,
                                         instance_id=server.id):
            if m.migration_type == "live-migration":
                return m
    migration = democloud.wait_for(listed, timeout=30, interval=0.2,
                                   what="the live migration listed")
    return SOURCE, DEST, migration


def _wait_running_with_bytes(admin_request, server_id, migration_id,
                             timeout=120):
    """Poll GET /servers/{id}/migrations/{mid} through the plugin until it
    is running with memory numbers.  Before that Nova answers 404 (not yet
    in progress) or a record still queued/preparing."""
    def running():
        try:
            m = api.nova.server_migration_get(admin_request, server_id,
                                              migration_id)
        except nova_exceptions.NotFound:
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
    # Two samples a little apart (the driver saves new numbers every
    # second): the memory left falls, the arithmetic gives a sane percent.
    def moved_on():
        m = api.nova.server_migration_get(admin_request, server.id,
                                          migration.id)
        return m if m.memory_remaining < first.memory_remaining else None
    samples = [core.sample_of(first, time.time())]
    second = democloud.wait_for(moved_on, timeout=30, interval=0.5,
                                what="new memory numbers")
    samples.append(core.sample_of(second, time.time()))
    result = core.progress(samples)
    assert 0 <= result.percent <= 100
    assert result.rate and result.rate > 0
    # The panel's row for it, read the way a row refresh reads it: still
    # running (the test holds it), with Abort and Force complete offered
    # and its bytes.
    row = data.load_row(admin_request, server.id, migration.id)
    assert row.is_live and row.in_progress
    assert row.status == "running"
    assert row.can_abort and row.can_force_complete
    assert row.progress is not None
    assert row.progress.memory_total == first.memory_total

    # Let it complete (Nova's own call, not the plugin's): the plugin then
    # shows it completed.
    nova_admin.server_migrations.live_migrate_force_complete(
        server.id, migration.id)
    status = _wait_status(admin_request, server.id, migration.id,
                          ("completed", "error", "failed"))
    assert status == "completed"
    row = data.load_row(admin_request, server.id, migration.id)
    assert row.status == "completed" and not row.in_progress
    assert not row.can_abort and not row.can_force_complete
    server = democloud.wait_for(lambda: _idle(nova_admin, server.id),
                                timeout=60, what="instance idle")
    assert _host(server) == dest
    # Ended: no longer an in-progress server migration (404).
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
    # migrating); the plugin's row, read again, offers no abort.
    with pytest.raises(nova_exceptions.Conflict):
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


def test_paging_and_filters_of_the_migration_list(admin_request, nova_admin,
                                                 quick_server):
    # Three live migrations of the test's own instance (cmp1 -> cmp2 ->
    # cmp1 -> cmp2), each over at once.
    hops = (DEST, SOURCE, DEST)
    for dest in hops:
        quick_server.live_migrate(host=dest, block_migration="auto")
        democloud.wait_for(
            lambda: (lambda s: s if s and _host(s) == dest else None)(
                _idle(nova_admin, quick_server.id)),
            timeout=120, what="the instance on %s" % dest)
        # Nova moves the instance before the source compute writes its
        # record's final status: the next hop waits for that too.
        democloud.wait_for(
            lambda: all(m.status in democloud.FINAL_MOVE_STATUSES
                        for m in nova_admin.migrations.list(
                            instance_uuid=quick_server.id)),
            timeout=60, what="the migration records final")
    ours = sorted(nova_admin.migrations.list(instance_uuid=quick_server.id),
                  key=lambda m: m.id, reverse=True)
    assert [(m.dest_compute, m.status) for m in ours] == [
        (dest, "completed") for dest in reversed(hops)]

    # Pages of two, newest first, through the plugin: the marker goes on
    # where the first page ended, nothing twice, nothing left out.
    first = api.nova.migration_list(admin_request,
                                    instance_id=quick_server.id, limit=2)
    assert [m.id for m in first] == [m.id for m in ours[:2]]
    rest = api.nova.migration_list(admin_request,
                                   instance_id=quick_server.id, limit=2,
                                   marker=first[-1].uuid)
    assert [m.id for m in rest] == [ours[2].id]
    live = api.nova.migration_list(admin_request,
                                   migration_type="live-migration",
                                   changes_since="2000-01-01T00:00:00")
    assert {m.id for m in ours} <= {m.id for m in live}
    assert all(m.migration_type == "live-migration" for m in live)
    version = api.nova.compute_microversion(admin_request)
    assert core.version_at_least(version, "2.84")
