"""Faults for real, against the demo cloud: a service is killed (SIGKILL,
like a crash) in the middle of an operation the plugin submitted, and
started again.  Afterwards every instance must be accounted for, in Nova
and on the plugin's own pages: on a host, in a known state, and the
plugin says which moves failed and why; none lost, none stranded without
a status.

(a) a drain of cmp2 through the plugin, the destination's nova-compute
    killed while a live migration runs (held running by the demo's
    live-migration window, the other moves queued behind it) and started
    again: every move then ends on the destination; or nova-conductor
    killed while it holds every move Nova accepted;
(b) an evacuation of the forced-down cmp3 through the plugin,
    nova-conductor killed while it holds every request Nova accepted;
(c) nova-api killed before and in the middle of rendering a page and of
    submitting a form: a page with a clear message, never a 500 or a
    silent no-op; after a restart the same page and form work.

Each test puts the cloud back the way the seed left it, also on failure:
services running, hosts enabled and not forced down, every seeded
instance on its seed host and idle (re-created by ``democloud seed`` when
lost).  Waits poll conditions with generous bounds (2 shared cores).

A conductor holding a request is made certain, not hoped for:
nova-scheduler is stopped before the requests are sent, so the conductor
takes each one (oslo.messaging acknowledges a message before running it)
and waits in its call to the scheduler; once the scheduler's queue holds
one call per request, the conductor is killed.  Those requests are lost
for good, and the plugin must show every one of them Stalled.
"""
import json
import os
import re
import warnings
from unittest import mock

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from migration_dashboard import api
from migration_dashboard.services import drain
from migration_dashboard.services import drain_tracking as track
from migration_dashboard.services import evacuation as evac
from migration_dashboard.services import gather
from migration_dashboard.services import submit
from tests import democloud
from tests import evacuation_cloud as ec

pytestmark = pytest.mark.integration

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TASK_ATTR = "OS-EXT-STS:task_state"
# Where `democloud seed` boots each server (tools/democloud/cloudops.py).
SEED_HOSTS = {
    "web-1": "cmp1", "web-2": "cmp1", "db-1": "cmp1", "cfg-1": "cmp1",
    "batch-1": "cmp1", "app-1": "cmp1",
    "ha-1": "cmp2", "web-3": "cmp2", "db-2": "cmp2",
    "ha-2": "cmp3", "app-2": "cmp3", "cache-1": "cmp3",
}
SEED_STOPPED = {"batch-1"}


# ------------------------------------------------------------- helpers

def _servers(nova):
    return {s.id: s for s in nova.servers.list(
        search_opts={"all_tenants": 1})}


def _host(server):
    return getattr(server, HOST_ATTR)


def _task(server):
    return getattr(server, TASK_ATTR)


def _on(nova, host):
    return [s for s in _servers(nova).values() if _host(s) == host]


def _wait_idle_on(nova, host, timeout=240):
    def idle():
        found = _on(nova, host)
        if found and all(not _task(s) and s.status in ("ACTIVE", "SHUTOFF")
                         for s in found):
            return found
        return None
    return democloud.wait_for(idle, timeout=timeout, interval=2,
                              what="the instances of %s idle" % host)


def _service(nova, host):
    return next(s for s in nova.services.list(binary="nova-compute")
                if s.host == host)


def _democloud(*args):
    result = democloud.run(*args, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    return result.stdout


def _seed_ids():
    state = os.environ.get("DEMOCLOUD_STATE") or os.path.join(
        democloud.REPO, ".democloud")
    with open(os.path.join(state, "server-ids.json")) as f:
        return json.load(f)


# ------------------------------------------------------------- restore

def _services_back(nova):
    """Every service of ours running again, every compute reporting."""
    for service in ("nova-api", "nova-conductor", "nova-scheduler"):
        _democloud("start-service", service)
    for host in democloud.COMPUTES:
        _democloud("start-compute", host)


def _settle(nova, stranded=(), timeout=120):
    """Until no instance runs a task, but those known to be stranded
    (a timeout is reported)."""
    confirmed = set()

    def quiet():
        busy = [(s.name, _task(s), s.status) for s in _servers(nova).values()
                if s.id not in stranded and (
                    _task(s) or s.status in ("MIGRATING", "RESIZE",
                                             "REBUILD"))]
        for s in _servers(nova).values():
            # Once each: Nova shows VERIFY_RESIZE a moment after a confirm.
            if s.status == "VERIFY_RESIZE" and s.id not in confirmed:
                nova.servers.confirm_resize(s)
                confirmed.add(s.id)
        return not busy or None
    try:
        democloud.wait_for(quiet, timeout=timeout, interval=3,
                           what="no instance busy")
        return []
    except AssertionError as exc:
        return [str(exc)]


def _hosts_back(nova, errors):
    """Forced up (after cmp3's evacuation records are completed) and
    enabled."""
    for host in democloud.COMPUTES:
        def forced_up(host=host):
            svc = _service(nova, host)
            if svc.forced_down:
                try:
                    nova.services.force_down(svc.id, False)
                except Exception:  # 'done' evacuation records: retry
                    return False
            return True
        try:
            democloud.wait_for(forced_up, timeout=180, interval=3,
                               what="%s forced up" % host)
        except AssertionError as exc:
            errors.append(str(exc))
        svc = _service(nova, host)
        if svc.status != "enabled":
            nova.services.enable(svc.id)
    for host in democloud.COMPUTES:
        democloud.wait_for(lambda h=host: _service(nova, h).state == "up",
                           timeout=120, what="%s up" % host)


def _move_home(nova, server, home):
    """Live migrate an ACTIVE instance (cold, then confirm, a SHUTOFF one)
    back to its seed host."""
    if server.status == "SHUTOFF":
        nova.servers.migrate(server.id, host=home)

        def waiting():
            s = nova.servers.get(server.id)
            assert s.status != "ERROR", s.name
            return s.status == "VERIFY_RESIZE"
        democloud.wait_for(waiting, timeout=180, interval=2,
                           what="%s resized to %s" % (server.name, home))
        nova.servers.confirm_resize(server.id)
    else:
        nova.servers.live_migrate(server.id, host=home,
                                  block_migration="auto")

    def home_and_idle():
        s = nova.servers.get(server.id)
        return _host(s) == home and not _task(s) and \
            s.status in ("ACTIVE", "SHUTOFF")
    democloud.wait_for(home_and_idle, timeout=180, interval=2,
                       what="%s back on %s" % (server.name, home))


def _release_lost_moves(nova, server_id):
    """Placement room held for moves of ``server_id`` that a killed
    nova-conductor lost: a live migration's conductor moves the instance's
    allocation to the migration record before asking the scheduler, and
    nobody moves it back (deleting the instance frees only its own)."""
    session = democloud.session()
    for mig in nova.migrations.list(instance_uuid=server_id):
        if (mig.status or "").lower() in democloud.FINAL_MOVE_STATUSES:
            continue
        res = session.delete("/allocations/%s" % mig.uuid,
                             endpoint_filter={"service_type": "placement"},
                             raise_exc=False)
        assert res.status_code in (204, 404), (res.status_code, res.text)


def restore_seed(nova, stranded=()):
    """The cloud as the seed left it; returns what could not be done.
    ``stranded``: instances the test saw stuck for good (not waited for)."""
    _services_back(nova)
    # No live migration held running by a test, no window left on a seed
    # instance.
    democloud.release_held(nova, list(_seed_ids().values()))
    errors = _settle(nova, stranded)
    _hosts_back(nova, errors)
    ids = _seed_ids()
    servers = _servers(nova)
    lost = []
    for name, home in SEED_HOSTS.items():
        server = servers.get(ids.get(name))
        if server is None:
            lost.append(name)
            continue
        if server.status == "ERROR" or _task(server):
            # Stranded by the fault: Nova cannot move it; the seed boots
            # a new one where it belongs.
            if server.id not in stranded:  # not foreseen by the test
                errors.append("%s %s/%s re-created" % (
                    name, server.status, _task(server)))
            _release_lost_moves(nova, server.id)
            nova.servers.delete(server.id)
            lost.append(name)
            continue
        if _host(server) != home:
            try:
                _move_home(nova, server, home)
            except Exception as exc:
                errors.append("%s not moved home: %s" % (name, exc))
    if lost:
        democloud.wait_for(
            lambda: not ({ids.get(n) for n in lost} & set(_servers(nova))),
            timeout=120, what="broken instances deleted")
        _democloud("seed")
    servers = _servers(nova)
    ids = _seed_ids()
    for name in SEED_STOPPED:
        server = servers.get(ids.get(name))
        if server is not None and server.status == "ACTIVE":
            server.stop()
    return errors


@pytest.fixture
def chaos(nova_admin):
    """Restores the cloud after the test, whatever happened."""
    state = {"stranded": []}
    yield state
    errors = restore_seed(nova_admin, state["stranded"])
    ids = _seed_ids()
    servers = _servers(nova_admin)
    for name, home in SEED_HOSTS.items():
        server = servers.get(ids.get(name))
        assert server is not None, "%s lost" % name
        assert _host(server) == home, (name, _host(server))
    for host in democloud.COMPUTES:
        svc = _service(nova_admin, host)
        assert (svc.status, svc.state, svc.forced_down) == \
            ("enabled", "up", False), (host, svc.status, svc.state)
    if errors:
        warnings.warn("chaos clean-up: %s" % "; ".join(errors))


# ------------------------------------------------ the plugin's own pages

@pytest.fixture
def horizon(cloud):
    """A Django test client logged in to the plugin's Horizon through the
    demo cloud's real Keystone: pages render with every real part."""
    with override_settings(OPENSTACK_KEYSTONE_URL=democloud.KEYSTONE_URL,
                           OPENSTACK_KEYSTONE_DEFAULT_DOMAIN="Default",
                           OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT=False,
                           AVAILABLE_REGIONS=[]):
        client = Client()
        res = client.post("/auth/login/", {
            "username": "admin", "password": democloud.ADMIN_PASSWORD,
            "region": "default"})
        assert res.status_code == 302, res.status_code
        assert "/auth/login" not in res["location"]
        yield client


def _errors_on(res):
    """The texts of the error alerts Horizon renders on the page."""
    html = res.content.decode()
    found = []
    for css, chunk in re.findall(r'class="(alert [^"]*alert-danger[^"]*)"'
                                 r'[^>]*>(.*?)</div>', html, re.S):
        if "javascript-disabled" in css:  # the <noscript> banner
            continue
        text = re.sub(r"<[^>]+>", " ", chunk)
        found.append(re.sub(r"\s+", " ", text).strip())
    return found


# ------------------------------------------------------------------ (a)

# A request still showing no sign of life after this long is reported as
# lost (the plugin's default is 300 s; the fake driver moves in seconds).
STALL_SECONDS = 40


def _one_running_the_rest_queued(nova_admin, source, planned):
    """{instance id: its live migration} once one runs and the others wait
    behind it on the source (one at a time per compute): every request
    past nova-conductor, on the source compute."""
    def state():
        found = {m.instance_uuid: m for m in nova_admin.migrations.list(
            host=source, migration_type="live-migration")
            if m.instance_uuid in planned and
            m.status not in democloud.FINAL_MOVE_STATUSES}
        statuses = sorted(m.status for m in found.values())
        if set(found) == planned and statuses == ["queued"] * (
                len(planned) - 1) + ["running"]:
            return found
        return None
    return democloud.wait_for(state, timeout=120, interval=0.5,
                              what="one migration running, the rest queued")


def _queues():
    """{queue: messages waiting} of the control plane's topic queues."""
    out = _democloud("queues")
    return {name: int(messages) for name, messages, _consumers in
            (line.split() for line in out.splitlines()
             if len(line.split()) == 3)}


def _kill_conductor_holding(count):
    """nova-scheduler was stopped before the ``count`` requests were sent:
    nova-conductor takes each one and waits in its call to the scheduler
    (for rpc_response_timeout, 60 s).  Once the scheduler's queue holds a
    call per request and nothing waits for the conductor, kill it: the
    requests die with it.  The calls left in the scheduler's queue have no
    caller any more: dropped, so the scheduler claims no room for them;
    then both services start again."""
    def held():
        queues = _queues()
        return queues.get("conductor") == 0 and \
            queues.get("scheduler", 0) >= count
    democloud.wait_for(held, timeout=45, interval=0.5,
                       what="nova-conductor holding %d requests" % count)
    _democloud("stop-service", "nova-conductor")
    _democloud("purge-queue", "scheduler")
    _democloud("start-service", "nova-scheduler")
    _democloud("start-service", "nova-conductor")


def _drain_everything_to(admin_request, nova_admin, source, dest):
    """Drain ``source`` with every move to ``dest``, all sent at once;
    returns (the instances before, the planned ids, since)."""
    before = {s.id: s for s in _wait_idle_on(nova_admin, source)}
    assert len(before) >= 3, "cmp2 should hold its seeded instances"
    since = drain.ensure_marker(admin_request, source,
                                reason="chaos test: drain")
    facts = gather.gather(admin_request, source)
    # Every instance to cmp1, so that a killed destination is the one
    # each move needs (ha-1's anti-affinity allows only cmp1 anyway).
    plan = drain.make_plan(facts, default_destination=dest)
    planned = set(plan.order)
    assert planned == set(before), [(r.name, r.strategy, r.why)
                                    for r in plan.rows]
    # Every move sent at once (none queued): the crash meets them all.
    results = drain.submit_plan(admin_request, plan, since, limit=50)
    assert all(r.outcome == drain.ACCEPTED for r in results
               if r.id in planned), [(r.name, r.reason) for r in results]
    return before, planned, since


def _drain_settled(admin_request, source, planned):
    """Track until nothing is in flight (each cold move confirmed once)."""
    confirmed = set()

    def settled():
        t = track.track(admin_request, source)
        for r in t.rows:
            if r.state == track.CONFIRM and r.id not in confirmed:
                api.nova.server_confirm_resize(admin_request, r.id)
                confirmed.add(r.id)
        if any(r.state in (track.MIGRATING, track.CONFIRM)
               for r in t.rows if r.id in planned):
            return None
        return t
    return democloud.wait_for(settled, timeout=420, interval=3,
                              what="the drain to settle")


def _drain_page(horizon, source, before, planned):
    """The drain's status page, which names every planned instance."""
    res = horizon.get(reverse("horizon:admin:hosts:drain_status",
                              args=[source]))
    assert res.status_code == 200
    page = res.content.decode()
    for iid in planned:
        assert before[iid].name in page
    return page


@override_settings(MIGRATION_DASHBOARD_STALL_SECONDS=STALL_SECONDS)
def test_drain_moves_lost_with_nova_conductor_are_shown_stalled(
        admin_request, nova_admin, horizon, chaos):
    source, dest = "cmp2", "cmp1"
    _democloud("stop-service", "nova-scheduler")
    before, planned, since = _drain_everything_to(admin_request, nova_admin,
                                                  source, dest)
    chaos["stranded"].extend(planned)
    _kill_conductor_holding(len(planned))

    tracking = _drain_settled(admin_request, source, planned)
    rows = {r.id: r for r in tracking.rows}
    servers = _servers(nova_admin)
    for iid in planned:
        row, server = rows[iid], servers[iid]
        name = before[iid].name
        # Lost for good, and said so: Failed, "Stalled", on its source,
        # still in the task the API set; the same in Nova.
        assert (row.state, row.host, row.status) == (
            track.FAILED, source, server.status), name
        assert _host(server) == source and _task(server) == "migrating", \
            name
        assert row.reason.startswith("Stalled"), (name, row.reason)
        assert "the request was lost" in row.reason, row.reason
        assert "server set --state active %s" % iid in row.reason
        # Where it was lost, as Nova's own records tell: conductor wrote
        # the move's record ('accepted') before asking the stopped
        # scheduler, and never updated it (updated_at empty, which Nova's
        # changes-since filter skips): the row names that record.
        records = [m for m in nova_admin.migrations.list(instance_uuid=iid)
                   if m.source_compute == source and
                   (drain.parse_since(m.created_at[:19] + "Z") or since) >=
                   since - drain.CLOCK_SKEW]
        assert records, name
        newest = max(records, key=lambda m: (m.created_at, m.id))
        assert "its record is still '%s'" % newest.status in row.reason, \
            (name, row.reason)

    # The drain's status page says the same, with what to do.
    page = _drain_page(horizon, source, before, planned)
    for iid in planned:
        assert "openstack server set --state active %s" % iid in page
    assert drain.parse_marker(
        _service(nova_admin, source).disabled_reason)[0] == since


@override_settings(MIGRATION_DASHBOARD_STALL_SECONDS=STALL_SECONDS)
def test_drain_survives_its_destination_dying_mid_migration(
        admin_request, nova_admin, horizon, chaos):
    """The moves are held running by the demo's live-migration window
    (taken off again by the clean-up): the destination's nova-compute is
    killed while one runs and the others wait behind it, and started
    again; then each is let finish in turn.  Nothing is lost: every move
    ends on the destination, and the plugin says so."""
    source, dest = "cmp2", "cmp1"
    for server in _wait_idle_on(nova_admin, source):
        nova_admin.servers.set_meta(server.id, {
            democloud.LIVE_MIGRATION_SECONDS: democloud.HELD})
    before, planned, since = _drain_everything_to(admin_request, nova_admin,
                                                  source, dest)
    _one_running_the_rest_queued(nova_admin, source, planned)
    _democloud("stop-compute", dest)
    # Dead: no move has failed, none is lost; each is still under way.
    rows = {r.id: r for r in track.track(admin_request, source).rows}
    assert {rows[i].state for i in planned} == {track.MIGRATING}, [
        (r.name, r.state, r.reason) for r in rows.values()]
    _democloud("start-compute", dest)

    # Back: each held migration, running in turn, is let finish.
    finished = set()
    while finished != planned:
        running = democloud.wait_for(
            lambda: [m for m in nova_admin.migrations.list(
                host=source, migration_type="live-migration")
                if m.instance_uuid in planned - finished and
                m.status == "running"],
            timeout=120, interval=0.5, what="the next migration running")
        assert len(running) == 1, running
        nova_admin.server_migrations.live_migrate_force_complete(
            running[0].instance_uuid, running[0].id)
        finished.add(running[0].instance_uuid)

    tracking = _drain_settled(admin_request, source, planned)
    rows = {r.id: r for r in tracking.rows}
    servers = _servers(nova_admin)
    for iid in planned:
        row, server = rows[iid], servers[iid]
        # The plugin and Nova agree: moved, on the destination, running.
        assert (row.state, row.host, row.status) == (
            track.DONE, dest, server.status), (row.name, row.reason)
        assert (_host(server), server.status, _task(server)) == (
            dest, "ACTIVE", None), row.name
    page = _drain_page(horizon, source, before, planned)
    assert "drain-host-empty" in page
    assert drain.parse_marker(
        _service(nova_admin, source).disabled_reason)[0] == since


# ------------------------------------------------------------------ (b)

@override_settings(MIGRATION_DASHBOARD_STALL_SECONDS=STALL_SECONDS)
def test_evacuation_lost_with_nova_conductor_is_shown_stalled(
        admin_request, nova_admin, horizon, chaos):
    failed = ec.FAILED
    everyone = [s.id for s in _wait_idle_on(nova_admin, failed)]
    names = {s.id: s.name for s in _servers(nova_admin).values()}
    _democloud("stop-compute", failed)
    api.nova.service_force_down(admin_request, failed, True)
    facts = gather.gather(admin_request, failed)
    assert facts.source.is_down
    _democloud("stop-service", "nova-scheduler")
    outcome = evac.submit_all(admin_request, everyone, None,
                              {i: None for i in everyone}, keep_state=True)
    refused = {names[i]: submit.explain(exc)
               for i, (exc, _p) in outcome.items() if exc is not None}
    assert not refused, refused
    chaos["stranded"].extend(everyone)
    # Nova accepted every request; the conductor, which schedules them
    # and hands them to the destinations, dies holding them all.
    _kill_conductor_holding(len(everyone))

    # Until each is reported lost: no sign of life for STALL_SECONDS.
    def settled():
        rows = {r.id: r for r in evac.status_rows(admin_request, failed)}
        if all(rows[i].progress == "stalled" for i in everyone):
            return rows
        return None
    rows = democloud.wait_for(settled, timeout=300, interval=3,
                              what="the evacuations shown stalled")
    after = {i: nova_admin.servers.get(i) for i in everyone}
    summary = {}
    for iid in everyone:
        row, server = rows[iid], after[iid]
        name = names[iid]
        # The plugin and Nova agree: still on the failed host, stuck
        # rebuilding, its record 'accepted'; the row says what to do.
        assert (row.host, row.status) == (_host(server), server.status), \
            name
        assert row.host == failed and _task(server) == "rebuilding", name
        assert row.migration_status == "accepted", name
        assert "server set --state error" in str(row.reason), name
        summary[name] = (row.progress, row.migration_status, row.host,
                         row.status)

    # The status page names each instance, stalled.
    url = reverse("horizon:admin:hosts:evacuation_status", args=[failed])
    res = horizon.get(url)
    assert res.status_code == 200
    page = res.content.decode()
    for iid in everyone:
        assert names[iid] in page
    assert "Stalled" in page
    assert "0 failed, %d stalled" % len(everyone) in page
    print("evacuation outcome after the conductor's crash: %r" % summary)


# ------------------------------------------------------------------ (c)

def test_nova_api_down_pages_and_forms_say_so_then_work_again(
        admin_request, nova_admin, horizon, chaos):
    index = reverse("horizon:admin:hosts:index")
    disable = reverse("horizon:admin:hosts:disable", args=["cmp2"])
    assert _service(nova_admin, "cmp2").status == "enabled"

    # Down before the page: the page, with the reason, no host rows.
    _democloud("stop-service", "nova-api")
    res = horizon.get(index)
    assert res.status_code == 200
    errors = _errors_on(res)
    assert any("Unable to list compute services" in e for e in errors), \
        errors
    assert 'id="hosts__row__cmp1"' not in res.content.decode()

    # Down when a form is submitted: refused with a message, nothing
    # done, and no success claimed.
    res = horizon.post(disable, {"host": "cmp2",
                                 "reason": "chaos: nova-api down"},
                       follow=True)
    assert res.status_code == 200
    errors = _errors_on(res)
    assert any("Unable to disable host cmp2" in e for e in errors), errors
    assert "Disabled host cmp2" not in res.content.decode()

    _democloud("start-service", "nova-api")
    assert _service(nova_admin, "cmp2").status == "enabled"  # no-op shown

    # Killed in the middle of rendering: after the services list, before
    # the rest.  What was read is shown, what failed says so.
    real = api.nova.service_list

    def then_crash(request, *args, **kwargs):
        found = real(request, *args, **kwargs)
        _democloud("stop-service", "nova-api")
        return found
    with mock.patch.object(api.nova, "service_list", then_crash):
        res = horizon.get(index)
    assert res.status_code == 200
    errors = _errors_on(res)
    assert any("Unable to read host capacity" in e for e in errors), errors
    assert 'id="hosts__row__cmp1"' in res.content.decode()

    # Killed in the middle of a submit (after the form's checks, before
    # the call): the same clear refusal.
    _democloud("start-service", "nova-api")
    real_disable = api.nova.service_disable

    def crash_then_disable(request, host, reason):
        _democloud("stop-service", "nova-api")
        return real_disable(request, host, reason)
    with mock.patch.object(api.nova, "service_disable", crash_then_disable):
        res = horizon.post(disable, {"host": "cmp2",
                                     "reason": "chaos: nova-api killed"},
                           follow=True)
    assert res.status_code == 200
    assert any("Unable to disable host cmp2" in e
               for e in _errors_on(res)), _errors_on(res)

    # Restarted: the same page and the same form work.
    _democloud("start-service", "nova-api")
    assert _service(nova_admin, "cmp2").status == "enabled"
    res = horizon.get(index)
    assert res.status_code == 200
    assert not _errors_on(res), _errors_on(res)
    assert 'id="hosts__row__cmp2"' in res.content.decode()
    res = horizon.post(disable, {"host": "cmp2",
                                 "reason": "chaos: works again"},
                       follow=True)
    assert res.status_code == 200
    assert not _errors_on(res), _errors_on(res)
    service = _service(nova_admin, "cmp2")
    assert (service.status, service.disabled_reason) == \
        ("disabled", "chaos: works again")
    api.nova.service_enable(admin_request, "cmp2")
