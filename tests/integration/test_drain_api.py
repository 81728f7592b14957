"""Drain a host on the demo cloud through the plugin's own code paths (the
drain data module: marker, facts, planner, bounded submission, tracking,
move back), confirm the cold migrations, check from Nova that the host is
empty and every instance kept its state on another host, then move them
back and re-enable the host.

The host is cmp2, with six instances of mixed kinds: its three seeded
ones (ha-1, a member of an anti-affinity group whose other member is on
cmp3; web-3 and db-2, two flavors, two projects) and three the test boots
there and deletes at the end:

* a vTPM instance (x1.vtpm), ACTIVE: Nova refuses to live migrate a vTPM
  without hw:tpm_secret_security=host, so the planner must choose cold
  migration because of a pre-flight blocker, not because of its state.
  x1.vtpm boots only where the TPM traits are (cmp2, cmp3), which is why
  cmp2 is the drained host: cmp3 is the one place it can go;
* an instance shut off: cold migration, SHUTOFF again after the confirm;
* an instance with a config drive: live migration.

The plan is submitted once, and the move back once: a refused or failed
move fails the test.  The finalizers always leave cmp2 enabled with its
instances back and the booted ones deleted."""
import time

import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.content.hosts.drain import views as drain_views
from migration_dashboard.services import drain as data
from migration_dashboard.services import drain_tracking
from migration_dashboard.services import gather
from migration_dashboard.services import submit
from migration_dashboard.core import planning
from tests import democloud

pytestmark = pytest.mark.integration

HOST = "cmp2"
TPM_HOSTS = ("cmp2", "cmp3")  # the demo computes with the TPM traits
HOST_ATTR = "OS-EXT-SRV-ATTR:host"
IMAGE = "cirros-tiny"
TIMEOUT = 420
# name, flavor, boot options, stop after boot
EXTRAS = (
    ("drain-it-vtpm", "x1.vtpm", {}, False),
    ("drain-it-off", "m1.tiny", {}, True),
    ("drain-it-cfg", "m1.tiny", {"config_drive": True}, False),
)


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


@pytest.fixture
def extras(nova_admin):
    """{name: id} of the instances booted on cmp2 for this test (deleted
    at the end, wherever they are then)."""
    image = nova_admin.glance.find_image(IMAGE)
    ids = {}
    try:
        for name, flavor, options, _stop in EXTRAS:
            server = nova_admin.servers.create(
                name, image.id, nova_admin.flavors.find(name=flavor).id,
                nics="none", host=HOST, meta={"democloud": "drain-test"},
                **options)
            ids[name] = server.id

        def booted():
            found = [nova_admin.servers.get(i) for i in ids.values()]
            bad = [(s.name, getattr(s, "fault", None)) for s in found
                   if s.status == "ERROR"]
            assert not bad, bad
            return all(s.status == "ACTIVE" and _idle(s) and
                       getattr(s, HOST_ATTR) == HOST for s in found)
        democloud.wait_for(booted, timeout=180, interval=2.0,
                           what="the test's instances ACTIVE on " + HOST)
        for name, _flavor, _options, stop in EXTRAS:
            if stop:
                nova_admin.servers.stop(ids[name])
        democloud.wait_for(
            lambda: all(nova_admin.servers.get(ids[n]).status == "SHUTOFF"
                        for n, _f, _o, stop in EXTRAS if stop),
            timeout=120, what="the test's instance shut off")
        yield ids
    finally:
        democloud.delete(nova_admin, list(ids.values()))


def _confirm_waiting(admin_request, tracking, confirmed):
    """Confirm each cold move once, when it first waits for it (Nova keeps
    VERIFY_RESIZE a moment after the confirm is accepted)."""
    for row in tracking.rows:
        if row.status == "VERIFY_RESIZE" and row.id not in confirmed:
            api.nova.server_confirm_resize(admin_request, row.id)
            confirmed.add(row.id)


def _run(admin_request, plan, track_fn, done_fn, what, since):
    """Submit the plan once (the default number in flight: the rest
    queued, sent as each look at the drain finds a place free), then
    track: confirm cold moves, fail on a failed row, until
    ``done_fn(tracking)``."""
    results = data.submit_plan(admin_request, plan, since)
    refused = [(r.name, r.reason) for r in results
               if r.outcome == data.REFUSED]
    assert not refused, refused
    deadline = time.monotonic() + TIMEOUT
    confirmed = set()
    last = None
    while time.monotonic() < deadline:
        time.sleep(2)
        tracking = last = track_fn()
        failed = [(r.name, r.reason) for r in tracking.rows
                  if r.state == drain_tracking.FAILED]
        assert not failed, failed
        _confirm_waiting(admin_request, tracking, confirmed)
        if done_fn(tracking):
            return results, tracking
    raise AssertionError("%s did not finish: %r; plan: %r" % (
        what, [(r.name, r.state, r.reason) for r in (last.rows if last
                                                     else [])],
        [(r.name, r.strategy.value, r.why) for r in plan.rows]))


def _move_back(admin_request, nova_admin, since, originals):
    """Plan the move back (the instances that left HOST since ``since``),
    enable HOST as the page does, submit and follow it; returns the first
    plan."""
    plan = data.make_move_back(
        data.gather_back(admin_request, HOST, since), since)
    service = api.nova.compute_service(admin_request, HOST)
    if service is not None and service.status == "disabled":
        api.nova.service_enable(admin_request, HOST)
    started = data.now()

    def track_fn():
        return drain_tracking.track(admin_request, HOST, data.BACK, started)

    def done(tracking):
        servers = _servers(nova_admin)
        return all(getattr(servers[i], HOST_ATTR) == HOST and
                   _idle(servers[i]) for i in originals if i in servers)

    _run(admin_request, plan, track_fn, done, "the move back", started)
    return plan


def _restore(admin_request, nova_admin, since, originals):
    """Finalizer: HOST enabled, its instances back (best effort)."""
    try:
        servers = _servers(nova_admin)
        for s in servers.values():
            if s.id in originals and s.status == "VERIFY_RESIZE":
                nova_admin.servers.confirm_resize(s)
        if any(i in servers and getattr(servers[i], HOST_ATTR) != HOST
               for i in originals):
            _move_back(admin_request, nova_admin, since, originals)
    finally:
        service = api.nova.compute_service(admin_request, HOST)
        if service is not None and service.status == "disabled":
            api.nova.service_enable(admin_request, HOST)


def test_drain_cmp2_with_a_must_cold_vtpm_instance_then_move_back(
        admin_request, nova_admin, extras, request):
    vtpm, off, cfg = (extras[name] for name, _f, _o, _s in EXTRAS)
    before = {s.id: s for s in _wait_idle_on(nova_admin, HOST)}
    assert set(extras.values()) <= set(before)
    assert len(before) >= 6, [s.name for s in before.values()]
    states = {i: s.status for i, s in before.items()}
    names = {i: s.name for i, s in before.items()}
    assert states[vtpm] == states[cfg] == "ACTIVE"
    assert states[off] == "SHUTOFF"

    # Nova itself refuses to live migrate the vTPM instance (before any
    # migration record exists): cold migration is the only way out.
    with pytest.raises(nova_exceptions.ClientException) as refused:
        api.nova.server_live_migrate(admin_request, vtpm)
    assert "vTPM" in str(submit.explain(refused.value))

    since = data.ensure_marker(admin_request, HOST,
                               reason="integration test drain")
    request.addfinalizer(
        lambda: _restore(admin_request, nova_admin, since, set(before)))
    service = api.nova.compute_service(admin_request, HOST)
    assert service.status == "disabled"
    assert data.parse_marker(service.disabled_reason)[0] == since

    # Plan (and dry run: nothing moves by planning).
    facts = gather.gather(admin_request, HOST)
    plan = data.make_plan(facts)
    rows = {r.instance_id: r for r in plan.rows}
    assert set(before) <= set(rows)
    assert set(plan.order) >= set(before), [
        (r.name, r.strategy.value, r.why) for r in plan.rows]
    assert plan.submittable
    # SHUTOFF: cold, by its state.
    for i, status in states.items():
        if status == "SHUTOFF":
            assert rows[i].strategy is planning.Strategy.COLD, rows[i]
    # The vTPM instance is running, yet cold: live migration has a
    # blocker, which the plan row shows (as the page renders it).
    row = rows[vtpm]
    assert row.strategy is planning.Strategy.COLD, row
    assert "vtpm-live" in row.why, row.why
    shown = {r["id"]: r for r in drain_views.plan_context(
        plan, facts.hosts, HOST)["plan_rows"]}[vtpm]
    assert shown["strategy"] == "cold"
    live_blocked = [f for f in shown["findings"]
                    if f["code"] == "plan-live-blocked"]
    assert live_blocked, shown["findings"]
    assert "vTPM" in live_blocked[0]["message"]
    assert "tpm_secret_security=host" in live_blocked[0]["message"]
    # Only cmp3 has the TPM traits besides cmp2: the plan predicts it, and
    # sends this row first so the others cannot take its room there.
    assert row.restricted and row.expected_host == "cmp3", row
    assert plan.order[0] == vtpm, plan.order
    # The running ones without such a blocker go live (config drive too),
    # without a block copy expected: cmp2 is in the demo's aggregate
    # declaring shared storage (block_migration "auto" lets Nova decide).
    for i, status in states.items():
        if status == "ACTIVE" and i != vtpm:
            assert rows[i].strategy is planning.Strategy.LIVE, rows[i]
    # Insisting on live migration for it is a blocked row, never sent.
    insist = data.make_plan(facts, overrides={
        vtpm: planning.Override(strategy=planning.Strategy.LIVE)})
    assert insist.row(vtpm).strategy is planning.Strategy.BLOCKED
    assert "vtpm-live" in {f.code for f in insist.row(vtpm).blockers}
    assert vtpm not in insist.order
    assert {s.id for s in _wait_idle_on(nova_admin, HOST)} == set(before)

    def track_fn():
        return drain_tracking.track(admin_request, HOST)

    def done(tracking):
        return tracking.host_empty and all(
            r.state == drain_tracking.DONE for r in tracking.rows
            if r.id in before)

    results, tracking = _run(admin_request, plan, track_fn, done,
                             "the drain of " + HOST, since)
    assert {r.id for r in results} >= set(before)
    # Tracking needs only Nova: a fresh read shows the same drain.
    again = drain_tracking.track(admin_request, HOST)
    assert again.since == since and again.host_empty
    assert {r.id for r in again.rows} >= set(before)

    # From Nova: the host is empty, every instance elsewhere in its state,
    # the vTPM one where its traits are, by cold migration.
    servers = _servers(nova_admin)
    assert not [s.name for s in servers.values()
                if getattr(s, HOST_ATTR) == HOST]
    for i in before:
        assert getattr(servers[i], HOST_ATTR) != HOST, names[i]
        democloud.wait_for(
            lambda: _idle(nova_admin.servers.get(i)) and
            nova_admin.servers.get(i).status == states[i],
            timeout=60, what="%s %s" % (names[i], states[i]))
    assert getattr(servers[vtpm], HOST_ATTR) in TPM_HOSTS
    # Wherever the scheduler put each one, the drain's rows say the same.
    shown = {r.id: r for r in again.rows}
    for i in before:
        assert (shown[i].state, shown[i].host) == (
            drain_tracking.DONE, getattr(servers[i], HOST_ATTR)), names[i]
    moves = data.drain_records(
        api.nova.migration_list(admin_request, instance_id=vtpm), HOST,
        since)
    assert moves[vtpm].migration_type == "migration", moves[vtpm]

    # Move back: the instances that left in this drain, host enabled.
    back_plan = _move_back(admin_request, nova_admin, since, set(before))
    back_rows = {r.instance_id: r for r in back_plan.rows}
    assert set(before) <= set(back_rows)
    assert back_rows[vtpm].strategy is planning.Strategy.COLD
    assert "vtpm-live" in back_rows[vtpm].why
    for i, status in states.items():
        if status == "SHUTOFF":
            assert back_rows[i].strategy is planning.Strategy.COLD
    servers = _servers(nova_admin)
    for i in before:
        assert getattr(servers[i], HOST_ATTR) == HOST, names[i]
        democloud.wait_for(
            lambda: _idle(nova_admin.servers.get(i)) and
            nova_admin.servers.get(i).status == states[i],
            timeout=60, what="%s back %s" % (names[i], states[i]))
    service = api.nova.compute_service(admin_request, HOST)
    assert service.status == "enabled"
