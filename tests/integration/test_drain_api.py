"""Drain cmp1 on the demo cloud through the plugin's own code paths (the
drain data module: marker, facts, planner, bounded submission, tracking,
move back), confirm the cold migrations, check from Nova that the host is
empty and every instance kept its state on another host, then move them
back and re-enable cmp1.

Other suites may move instances or disable cmp2/cmp3 for a moment: a
refused or failed move is planned and submitted again (bounded), and the
finalizer always leaves cmp1 enabled with its instances back."""
import time

import pytest
from keystoneauth1 import exceptions as ks_exceptions

from migration_dashboard import api
from migration_dashboard.content.hosts.drain import data
from migration_dashboard.core import planning
from tests import democloud

pytestmark = pytest.mark.integration

HOST = "cmp1"
HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TIMEOUT = 420
TRIES = 3


def _servers(nova_admin):
    return {s.id: s for s in
            nova_admin.servers.list(search_opts={"all_tenants": 1})}


def _idle(server):
    return getattr(server, "OS-EXT-STS:task_state") is None and \
        server.status in ("ACTIVE", "SHUTOFF")


def _wait_idle_on(nova_admin, host):
    """The instances of ``host`` once none of them is busy (bounded)."""
    def settled():
        on = [s for s in _servers(nova_admin).values()
              if getattr(s, HOST_ATTR) == host]
        return on if all(_idle(s) for s in on) else None
    return democloud.wait_for(settled, timeout=180, interval=2.0,
                              what="the instances of %s to be idle" % host)


def _confirm_waiting(admin_request, tracking):
    for row in tracking.rows:
        if row.status == "VERIFY_RESIZE":
            try:
                api.nova.server_confirm_resize(admin_request, row.id)
            except Exception:  # already confirming: next round
                pass


def _run(admin_request, nova_admin, plan_fn, track_fn, done_fn, what):
    """Submit the plan, then track: confirm cold moves; when nothing is in
    flight and the goal is not reached (a refusal, a failed move, a row
    the planner blocked for a moment, another suite in the way), plan
    and submit again (bounded), until ``done_fn(tracking)``."""
    tries = 0
    plan = plan_fn()
    results = data.submit_plan(admin_request, plan)
    submitted = time.monotonic()
    deadline = submitted + TIMEOUT
    last = None
    while time.monotonic() < deadline:
        time.sleep(2)
        try:
            tracking = track_fn()
        except ks_exceptions.ConnectionError:
            continue  # the demo cloud's API dropped a connection
        last = tracking
        _confirm_waiting(admin_request, tracking)
        if done_fn(tracking):
            return results, tracking
        busy = [r for r in tracking.rows
                if r.state in (data.MIGRATING, data.CONFIRM)]
        if not busy and tries < TRIES and \
                time.monotonic() - submitted > 10:
            tries += 1
            try:
                plan = plan_fn()
                if plan.order:
                    data.submit_plan(admin_request, plan)
            except ks_exceptions.ConnectionError:
                pass
            submitted = time.monotonic()
    raise AssertionError("%s did not finish: %r; last plan: %r" % (
        what, [(r.name, r.state, r.reason) for r in (last.rows if last
                                                     else [])],
        [(r.name, r.strategy.value, r.why) for r in plan.rows]))


def _move_back(admin_request, nova_admin, since, originals):
    back = data.gather_back(admin_request, HOST, since)
    plan = data.make_move_back(back, since)
    services = api.nova.service_list(admin_request, host=HOST)
    if services and services[0].status == "disabled":
        api.nova.service_enable(admin_request, HOST)
    started = data.now()

    def plan_fn():
        return data.make_move_back(
            data.gather_back(admin_request, HOST, since), since)

    def track_fn():
        return data.track(admin_request, HOST, data.BACK, started)

    def done(tracking):
        servers = _servers(nova_admin)
        return all(getattr(servers[i], HOST_ATTR) == HOST and
                   _idle(servers[i]) for i in originals if i in servers)

    first = [True]

    def plan_once():
        if first[0]:
            first[0] = False
            return plan
        return plan_fn()
    return plan, _run(admin_request, nova_admin, plan_once, track_fn, done,
                      "the move back")


def _restore(admin_request, nova_admin, since, originals):
    """Finalizer: cmp1 enabled, its instances back (best effort)."""
    servers = _servers(nova_admin)
    away = [i for i in originals
            if i in servers and getattr(servers[i], HOST_ATTR) != HOST]
    try:
        for s in servers.values():
            if s.id in originals and s.status == "VERIFY_RESIZE":
                nova_admin.servers.confirm_resize(s)
        if away:
            _move_back(admin_request, nova_admin, since, originals)
    finally:
        services = api.nova.service_list(admin_request, host=HOST)
        if services and services[0].status == "disabled":
            api.nova.service_enable(admin_request, HOST)


def test_drain_cmp1_then_move_back(admin_request, nova_admin, request):
    before = {s.id: s for s in _wait_idle_on(nova_admin, HOST)}
    assert len(before) >= 6, "cmp1 should hold the seeded instances"
    states = {i: s.status for i, s in before.items()}
    names = {i: s.name for i, s in before.items()}
    assert "SHUTOFF" in states.values()

    since = data.ensure_marker(admin_request, HOST,
                               reason="integration test drain")
    request.addfinalizer(
        lambda: _restore(admin_request, nova_admin, since, set(before)))
    service = api.nova.service_list(admin_request, host=HOST)[0]
    assert service.status == "disabled"
    assert data.parse_marker(service.disabled_reason)[0] == since

    # Plan (and dry run: nothing moves by planning).
    facts = data.gather(admin_request, HOST)
    plan = data.make_plan(facts)
    rows = {r.instance_id: r for r in plan.rows}
    assert set(before) <= set(rows)
    off = [i for i, st in states.items() if st == "SHUTOFF"]
    for i in off:
        assert rows[i].strategy is planning.Strategy.COLD, rows[i]
    assert plan.order, plan
    kinds = {rows[i].strategy for i in plan.order}
    assert planning.Strategy.COLD in kinds and len(kinds) >= 2, kinds
    assert {s.id for s in _wait_idle_on(nova_admin, HOST)} == set(before)

    def plan_fn():
        return data.make_plan(data.gather(admin_request, HOST))

    def track_fn():
        return data.track(admin_request, HOST)

    def done(tracking):
        return tracking.host_empty and all(
            r.state == data.DONE for r in tracking.rows
            if r.id in before)

    first = [True]

    def plan_once():
        if first[0]:
            first[0] = False
            return plan
        return plan_fn()

    results, tracking = _run(admin_request, nova_admin, plan_once,
                             track_fn, done, "the drain of cmp1")
    assert {r.id for r in results} >= set(before)
    # Tracking needs only Nova: a fresh read shows the same drain.
    again = data.track(admin_request, HOST)
    assert again.since == since and again.host_empty
    assert {r.id for r in again.rows} >= set(before)

    # From Nova: cmp1 is empty, every instance elsewhere in its state.
    servers = _servers(nova_admin)
    assert not [s.name for s in servers.values()
                if getattr(s, HOST_ATTR) == HOST]
    for i in before:
        s = servers[i]
        assert getattr(s, HOST_ATTR) != HOST, names[i]
        democloud.wait_for(
            lambda: _idle(nova_admin.servers.get(i)) and
            nova_admin.servers.get(i).status == states[i],
            timeout=60, what="%s %s" % (names[i], states[i]))

    # Move back: the instances that left in this drain, then enabled.
    back_plan, _ = _move_back(admin_request, nova_admin, since, set(before))
    back_rows = {r.instance_id: r for r in back_plan.rows}
    assert set(before) <= set(back_rows)
    for i in off:
        assert back_rows[i].strategy is planning.Strategy.COLD
    servers = _servers(nova_admin)
    for i in before:
        assert getattr(servers[i], HOST_ATTR) == HOST, names[i]
        democloud.wait_for(
            lambda: nova_admin.servers.get(i).status == states[i],
            timeout=60, what="%s back %s" % (names[i], states[i]))
    service = api.nova.service_list(admin_request, host=HOST)[0]
    assert service.status == "enabled"
