"""Drain at scale on the demo cloud (real HTTP), side by side in one run:
the plugin's drain of the host with the most instances against Horizon's
own Admin › Hypervisors › Compute Host › "Migrate Host" (its form
live-migrates every instance of the host one call after another inside
the request).

For each run: the time until Nova has accepted every move (the request's
answer, or for a queue the moment the last queued move was accepted), the
time until Nova lists nothing on the host and no move off it is in
progress, and the largest number of moves off the host Nova had in
progress at once (read by this script with its own novaclient every
``BENCH_DRAIN_POLL`` seconds, 1 by default).  The plugin's queue advances
as its status page refreshes: this script loads the page's refresh as
the browser does, every ``BENCH_DRAIN_REFRESH`` seconds (2).  After each
run every instance is moved back (the plugin's move back, not timed).

Nova's floor for emptying the host: its live migrations run
``max_concurrent_live_migrations`` (1 in the demo) at a time per source
compute, each ``DEMOCLOUD_LIVE_MIGRATION_SECONDS`` long.

Runs Horizon in this process with the demo's settings (as tools/bench/
demo.py), logged in through the demo cloud's Keystone.  Prints a Markdown
section on stdout; prints nothing (and says why on stderr) when the demo
cloud does not answer.  Never starts or stops the cloud.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

# demo sets up Horizon's settings for this process, as for its own pages.
from tools.bench import demo  # noqa: E402
from tests import democloud  # noqa: E402

HOST_ATTR = "OS-EXT-SRV-ATTR:host"
TASK_ATTR = "OS-EXT-STS:task_state"
POLL = float(os.environ.get("BENCH_DRAIN_POLL", "1"))
REFRESH = float(os.environ.get("BENCH_DRAIN_REFRESH", "2"))
TIMEOUT = float(os.environ.get("BENCH_DRAIN_TIMEOUT", "1800"))
LM_SECONDS = float(os.environ.get("DEMOCLOUD_LIVE_MIGRATION_SECONDS", "8"))
MAX_CONCURRENT = 1  # the demo's nova.conf
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
# The plugin's runs, by moves in flight: every move at once and the
# default; BENCH_DRAIN_N="1,3" compares two queues ("N = 3 finishes
# faster than N = 1"); BENCH_DRAIN_HORIZON=0
# leaves Horizon's Migrate Host out.
IN_FLIGHT = [int(n) for n in os.environ.get(
    "BENCH_DRAIN_N", "50,2").split(",") if n.strip()]
LABELS = {50: " (every move sent at once)", 2: " (the default)"}


def _log(text):
    sys.stderr.write("[drain bench] %s\n" % text)
    sys.stderr.flush()


class Cloud:
    """The script's own view of Nova (not the plugin's)."""

    def __init__(self):
        self.nova = democloud.nova(democloud.session())

    def servers(self):
        return self.nova.servers.list(search_opts={"all_tenants": 1})

    def on(self, host):
        return [s for s in self.servers() if getattr(s, HOST_ATTR) == host]

    def moving_off(self, host, ids):
        return democloud.moves_in_progress(self.nova, host) & ids

    def untouched(self, host, ids):
        """Instances of ``ids`` still on ``host``, idle, not moving."""
        return {s.id for s in self.on(host) if s.id in ids and
                getattr(s, TASK_ATTR) is None and
                s.status in ("ACTIVE", "SHUTOFF")}

    def confirm_waiting(self, ids):
        for s in self.servers():
            if s.id in ids and s.status == "VERIFY_RESIZE":
                try:
                    self.nova.servers.confirm_resize(s)
                except Exception:  # noqa: BLE001 (next round)
                    pass

    def service(self, host):
        return self.nova.services.list(host=host, binary="nova-compute")[0]

    def disable(self, host, reason):
        self.nova.services.disable_log_reason(self.service(host).id, reason)

    def enable(self, host):
        svc = self.service(host)
        if svc.status != "enabled":
            self.nova.services.enable(svc.id)


def _destinations(cloud, host, ids, since):
    """How many moves of ``ids`` off ``host`` since ``since`` (a Nova
    timestamp) each destination took, from Nova's migration records:
    where the scheduler placed them decides how much of the destination
    side's work overlaps the source's next move."""
    counts = {}
    for m in cloud.nova.migrations.list(host=host, changes_since=since):
        if m.instance_uuid in ids and m.source_compute == host and \
                m.dest_compute and m.created_at[:19] >= since[:19]:
            counts[m.dest_compute] = counts.get(m.dest_compute, 0) + 1
    return counts


def _follow(cloud, host, ids, start, refresh=None):
    """Poll Nova until the host is empty; returns (seconds until every
    move was accepted, seconds until empty, peak moves off the host)."""
    peak = 0
    accepted_at = None
    next_refresh = 0.0
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        now = time.perf_counter()
        if refresh is not None and now >= next_refresh:
            refresh()
            # As refresh.js: the next poll is set when the answer is in.
            next_refresh = time.perf_counter() + REFRESH
        moving = cloud.moving_off(host, ids)
        peak = max(peak, len(moving))
        left = cloud.untouched(host, ids) - moving
        if accepted_at is None and not left:
            accepted_at = time.perf_counter() - start
        cloud.confirm_waiting(ids)
        if not moving and not {s.id for s in cloud.on(host)} & ids:
            return accepted_at, time.perf_counter() - start, peak
        time.sleep(POLL)
    raise RuntimeError("%s not empty after %ss" % (host, TIMEOUT))


def _solo_move(cloud, server_id, dest):
    """Seconds Nova takes for one live migration with nothing else in
    flight: from the request to the instance idle on ``dest``."""
    start = time.perf_counter()
    cloud.nova.servers.live_migrate(server_id, dest, "auto")
    deadline = start + TIMEOUT
    while time.perf_counter() < deadline:
        s = cloud.nova.servers.get(server_id)
        if (getattr(s, HOST_ATTR) == dest and getattr(s, TASK_ATTR) is None
                and s.status == "ACTIVE"):
            return time.perf_counter() - start
        time.sleep(0.2)
    raise RuntimeError("solo live migration to %s did not finish" % dest)


def _nova_alone(cloud, host, ids, by_host):
    """Nova's own time for one live migration on this cloud, on this
    machine, now: one instance there and back, nothing else in flight.
    The nominal floor counts only the demo's copy time
    (DEMOCLOUD_LIVE_MIGRATION_SECONDS); every real move also costs Nova's
    checks, the destination's pre-live-migration, the post-migration
    and Placement's swap, one move after another per source compute."""
    other = sorted(h for h in by_host if h != host and h.startswith("cmp")
                   and h not in ("cmp1", "cmp2", "cmp3"))
    dest = other[0] if other else sorted(set(by_host) - {host})[0]
    server_id = sorted(ids)[0]
    there = _solo_move(cloud, server_id, dest)
    back = _solo_move(cloud, server_id, host)
    return (there + back) / 2


def _status_refresh(client, url):
    def refresh():
        res = client.get(url + ("&" if "?" in url else "?") +
                         "fragment=status", **AJAX)
        if res.status_code != 200:
            _log("status refresh: HTTP %d" % res.status_code)
    return refresh


def _plugin_drain(client, cloud, host, ids, n):
    from django.urls import reverse
    start_url = reverse("horizon:admin:hosts:drain_start", args=[host])
    plan_url = reverse("horizon:admin:hosts:drain_plan", args=[host])
    status_url = reverse("horizon:admin:hosts:drain_status", args=[host])
    start = time.perf_counter()
    res = client.post(start_url, {"host": host, "reason": "bench N=%d" % n})
    if res.status_code not in (200, 302):
        raise RuntimeError("drain start: HTTP %d" % res.status_code)
    res = client.post(plan_url, {"submit": "1", "in_flight": str(n),
                                 "acknowledge": "1"})
    answered = time.perf_counter() - start
    text = res.content.decode()
    if "Accepted by Nova: %d" % min(n, len(ids)) not in text:
        raise RuntimeError("drain submit did not go through: %s" %
                           text[text.find("drain-result-summary"):][:400])
    accepted, empty, peak = _follow(cloud, host, ids, start,
                                    _status_refresh(client, status_url))
    if n >= len(ids):
        # The answer itself says Nova accepted every move (checked above);
        # the first poll comes only after the first status refresh.
        accepted = answered
    return {"answer": answered, "accepted": max(accepted or answered,
                                                answered),
            "empty": empty, "peak": peak}


def _horizon_migrate_host(client, cloud, host, ids):
    from django.urls import reverse
    cloud.disable(host, "bench: Horizon Migrate Host")
    url = reverse("horizon:admin:hypervisors:compute:migrate_host",
                  args=[host])
    start = time.perf_counter()
    res = client.post(url, {"current_host": host,
                            "migrate_type": "live_migrate"})
    answered = time.perf_counter() - start
    if res.status_code not in (200, 302):
        raise RuntimeError("Migrate Host: HTTP %d" % res.status_code)
    # The form answers once it has sent every instance's live migration.
    accepted, empty, peak = _follow(cloud, host, ids, start)
    return {"answer": answered, "accepted": answered,
            "empty": empty, "peak": peak}


def _move_back(client, cloud, host, ids, since):
    from django.urls import reverse
    from migration_dashboard.services import drain
    cloud.enable(host)
    url = reverse("horizon:admin:hosts:drain_move_back", args=[host])
    res = client.post(url, {"submit": "1", "in_flight": "50",
                            "acknowledge": "1", "enable_first": "1",
                            "since": drain.stamp(since)})
    if res.status_code != 200:
        raise RuntimeError("move back: HTTP %d" % res.status_code)
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        cloud.confirm_waiting(ids)
        home = cloud.untouched(host, ids)
        if home == ids:
            return
        time.sleep(2)
    raise RuntimeError("move back to %s did not finish" % host)


def main():
    if not demo._reachable():
        return 0
    import django
    django.setup()
    from django.test import Client
    from migration_dashboard.services import drain

    client = Client(SERVER_NAME="127.0.0.1")
    res = client.post("/auth/login/", {
        "region": "default", "domain": "Default", "username": "admin",
        "password": demo.PASSWORD}, follow=False)
    if res.status_code not in (302, 303):
        sys.stderr.write("login failed: HTTP %d\n" % res.status_code)
        return 0
    # Each Horizon process parses its policy files on the first request
    # that checks a rule (seconds of YAML here): load both sides' pages
    # once so that neither run pays it.
    from django.urls import reverse
    for url in (reverse("horizon:admin:hosts:index"),
                reverse("horizon:admin:hypervisors:index")):
        client.get(url)
    cloud = Cloud()
    computes = len(cloud.nova.services.list(binary="nova-compute"))
    by_host = {}
    for s in cloud.servers():
        by_host.setdefault(getattr(s, HOST_ATTR), []).append(s)
    host = max(by_host, key=lambda h: (len(by_host[h]), h))
    servers = by_host[host]
    ids = {s.id for s in servers}
    live = sum(1 for s in servers if s.status in ("ACTIVE", "PAUSED"))
    floor = live * LM_SECONDS / MAX_CONCURRENT
    _log("%s holds %d instances (%d running); floor %.0f s"
         % (host, len(ids), live, floor))
    alone = _nova_alone(cloud, host, ids, by_host)
    measured_floor = live * alone / MAX_CONCURRENT
    _log("one live migration alone: %.1f s; measured floor %.0f s"
         % (alone, measured_floor))
    runs = []
    plan = [("Plugin, N = %d%s" % (n, LABELS.get(n, "")),
             lambda n=n: _plugin_drain(client, cloud, host, ids, n))
            for n in IN_FLIGHT]
    if os.environ.get("BENCH_DRAIN_HORIZON", "1") != "0":
        plan.append(("Horizon: Hypervisors › Compute Host › Migrate Host",
                     lambda: _horizon_migrate_host(client, cloud, host,
                                                   ids)))
    for label, fn in plan:
        since = drain.now()
        _log("run: %s" % label)
        try:
            result = fn()
            result["destinations"] = _destinations(
                cloud, host, ids, drain.stamp(since))
        finally:
            _move_back(client, cloud, host, ids, since)
        runs.append((label, result))
        _log("%s: %r" % (label, result))
    horizon = runs[-1][1] if runs[-1][0].startswith("Horizon") else None
    out = ["Drain of %s (%d instances, %d running) on the demo cloud "
           "(%d computes), in-process Horizon, real HTTP; Nova's floor "
           "for emptying it: %d live migrations × %.0f s, %d at a time "
           "per source compute = %.0f s.  Moves in progress off the host "
           "read from Nova every %.0f s; the plugin's status page "
           "refreshed every %.0f s." % (
               host, len(ids), live, computes, live, LM_SECONDS,
               MAX_CONCURRENT, floor, POLL, REFRESH),
           "",
           "Nova's own time for one live migration with nothing else in "
           "flight (one instance of %s there and back, measured just "
           "before the runs): %.1f s, of which %.0f s are the demo's "
           "copy; the floor counted with it: %d × %.1f s = %.0f s." % (
               host, alone, LM_SECONDS, live, alone, measured_floor), "",
           "| run | request answered | Nova accepted every move | "
           "accept vs Horizon | host empty | empty vs nominal floor | "
           "empty vs measured floor | peak moves off the host | "
           "destinations Nova chose |",
           "|---|---|---|---|---|---|---|---|---|"]
    for label, r in runs:
        out.append("| %s | %.1f s | %.1f s | %s | %.0f s | %.2f× | %.2f× "
                   "| %d | %s |" % (
                       label, r["answer"], r["accepted"],
                       "" if r is horizon or horizon is None else
                       # A queue holds moves back on purpose: its accept
                       # time is the drain's pace, not a submit's speed.
                       "— (queued)" if r["accepted"] > r["answer"] else
                       "%.1f× faster" % (
                           horizon["accepted"] / r["accepted"]),
                       r["empty"], r["empty"] / floor if floor else 0,
                       r["empty"] / measured_floor if measured_floor else 0,
                       r["peak"], ", ".join(
                           "%s %d" % hc for hc in sorted(
                               r["destinations"].items()))))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
