"""A drain with at most N moves in flight, on the demo cloud, through the
plugin's own services (marker, planner, queue, tracking): Nova never has
more than N moves off the host in progress at any poll, the host still
empties, and a larger N really runs more at once.  Each drain is followed
by the move back (also queued), so cmp1 ends as it started.

What Nova has in progress is read with the test's own novaclient, not
through the plugin: migration records leaving the host that are not in a
final status, plus instances on the host in a move task whose record
conductor has not written yet."""
import time

import pytest

from migration_dashboard import api
from migration_dashboard.services import drain
from migration_dashboard.services import drain_tracking
from migration_dashboard.services import gather
from tests import democloud

pytestmark = pytest.mark.integration

HOST = "cmp1"
HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TASK_ATTR = "OS-EXT-STS:task_state"
TIMEOUT = 600
def _servers(nova_admin):
    return {s.id: s for s in
            nova_admin.servers.list(search_opts={"all_tenants": 1})}


def _moving(nova_admin, host, since, direction):
    """Ids of the moves Nova has in progress off (drain) or onto (back)
    ``host``, read from Nova."""
    return democloud.moves_in_progress(nova_admin, host,
                                       onto=direction == drain.BACK,
                                       changes_since=since)


def _follow(admin_request, nova_admin, n, direction, since, done,
            expected):
    """Look at the drain (which advances its queue) until ``done()``;
    returns the largest number of moves Nova had in progress at once."""
    peak = 0
    confirmed = set()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        moving = _moving(nova_admin, HOST, since, direction) & expected
        peak = max(peak, len(moving))
        assert len(moving) <= n, (n, sorted(moving))
        tracking = drain_tracking.track(admin_request, HOST, direction,
                                        since)
        failed = [(r.name, r.reason) for r in tracking.rows
                  if r.state == drain_tracking.FAILED and r.id in expected]
        assert not failed, failed
        for row in tracking.rows:
            # Once each: Nova shows VERIFY_RESIZE a moment after a confirm.
            if row.status == "VERIFY_RESIZE" and row.id not in confirmed:
                api.nova.server_confirm_resize(admin_request, row.id)
                confirmed.add(row.id)
        moving = _moving(nova_admin, HOST, since, direction) & expected
        peak = max(peak, len(moving))
        assert len(moving) <= n, (n, sorted(moving))
        if done():
            return peak
        time.sleep(1.0)
    raise AssertionError("the %s with N=%d did not finish" % (direction, n))


def _drain_and_back(admin_request, nova_admin, n):
    """(peak off the host during the drain, peak during the move back)."""
    originals = {i for i, s in _servers(nova_admin).items()
                 if getattr(s, HOST_ATTR) == HOST}
    assert len(originals) >= 4, originals
    since = drain.ensure_marker(admin_request, HOST, reason="queue test",
                                limit=n)
    try:
        plan = drain.make_plan(gather.gather(admin_request, HOST))
        assert set(plan.order) == originals, [
            (r.name, r.strategy.value, r.why) for r in plan.rows]
        results = drain.submit_plan(admin_request, plan, since, limit=n)
        accepted = [r for r in results if r.outcome == drain.ACCEPTED]
        queued = [r for r in results if r.outcome == drain.QUEUED]
        assert len(accepted) == n and len(queued) == len(originals) - n, [
            (r.name, r.outcome, r.reason) for r in results]

        def empty():
            # Nothing on the host, nothing moving, nothing waiting for a
            # confirm (a cold move is finished only once confirmed).
            servers = _servers(nova_admin)
            return not any(getattr(s, HOST_ATTR) == HOST
                           for s in servers.values()) and \
                all(getattr(servers[i], TASK_ATTR) is None and
                    servers[i].status in ("ACTIVE", "SHUTOFF")
                    for i in originals) and \
                not _moving(nova_admin, HOST, since, drain.DRAIN)
        drained = _follow(admin_request, nova_admin, n, drain.DRAIN, since,
                          empty, originals)
    finally:
        api.nova.service_enable(admin_request, HOST)
    back = drain.make_move_back(drain.gather_back(admin_request, HOST,
                                                  since), since)
    assert set(back.order) == originals
    started = drain.now()
    drain.submit_plan(admin_request, back, started, limit=n)

    def home():
        servers = _servers(nova_admin)
        return all(getattr(servers[i], HOST_ATTR) == HOST and
                   getattr(servers[i], TASK_ATTR) is None and
                   servers[i].status in ("ACTIVE", "SHUTOFF")
                   for i in originals)
    returned = _follow(admin_request, nova_admin, n, drain.BACK, started,
                       home, originals)
    return drained, returned


@pytest.fixture
def restore(admin_request, nova_admin):
    yield
    service = api.nova.compute_service(admin_request, HOST)
    if service is not None and service.status == "disabled":
        api.nova.service_enable(admin_request, HOST)
    democloud.wait_for(
        lambda: all(getattr(s, TASK_ATTR) is None
                    for s in _servers(nova_admin).values()),
        timeout=300, interval=2.0, what="every instance idle")


def test_one_in_flight_never_two_and_the_host_empties(
        admin_request, nova_admin, restore):
    drained, returned = _drain_and_back(admin_request, nova_admin, 1)
    # Something moved at every step, one at a time.
    assert (drained, returned) == (1, 1)


def test_three_in_flight_run_more_at_once(admin_request, nova_admin,
                                          restore):
    drained, returned = _drain_and_back(admin_request, nova_admin, 3)
    # Nova queues live migrations per compute: with three sent it has
    # more than one under way, which N=1 never has.
    assert drained > 1 and returned > 1, (drained, returned)
    assert drained <= 3 and returned <= 3
