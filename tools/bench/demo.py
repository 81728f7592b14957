"""Benchmark against the demo cloud (real HTTP): calls and server-side time
of the plugin's hosts overview (and host detail) against Horizon's Compute
Host tab and Admin › Instances.

Runs Horizon in this process with the demo's own settings
(tools/horizon/local/local_settings.py, as `make demo` runs it), logs in
through Django's test Client at /auth/login/ against the demo cloud's real
Keystone (openstack_auth's Keystone backend, as a browser login does), and
counts every HTTP request by wrapping keystoneauth's ``Session.request``
(everything the plugin and Horizon send goes through it: novaclient,
openstacksdk, keystoneclient, glanceclient, the Placement adapters).
Prints a Markdown table on stdout; prints nothing (and says why on stderr)
when the demo cloud does not answer.  It never starts or stops anything.
"""
import os
import statistics
import sys
import time
from urllib import parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools", "horizon"))
os.environ["DJANGO_SETTINGS_MODULE"] = "openstack_dashboard.settings"
os.environ.setdefault("HORIZON_STATE", os.path.join(ROOT, ".horizon"))

KEYSTONE = os.environ.get("DEMOCLOUD_KEYSTONE_URL",
                          "http://127.0.0.1:5000/v3")
PASSWORD = os.environ.get("DEMOCLOUD_ADMIN_PASSWORD", "admin")
RUNS = int(os.environ.get("BENCH_DEMO_RUNS", "7"))
PORTS = {"5000": "keystone", "8774": "nova", "8778": "placement",
         "9696": "neutron", "9292": "glance", "8776": "cinder"}


def _reachable():
    import urllib.request
    try:
        urllib.request.urlopen(KEYSTONE, timeout=3).read()
        return True
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write("demo cloud not reachable at %s: %s\n"
                         % (KEYSTONE, exc))
        return False


CALLS = []


def _count_requests():
    from keystoneauth1 import session

    original = session.Session.request

    def request(self, url, method, *args, **kwargs):
        full = url
        if not parse.urlsplit(url).netloc:
            try:
                full = self.get_endpoint(
                    kwargs.get("auth"),
                    **(kwargs.get("endpoint_filter") or {})) or url
                full = full.rstrip("/") + "/" + url.lstrip("/")
            except Exception:  # noqa: BLE001
                pass
        parts = parse.urlsplit(full)
        service = PORTS.get(str(parts.port), parts.netloc)
        if "/placement" in parts.path:
            service = "placement"
        if "/identity" in parts.path:
            service = "keystone"
        CALLS.append((service, method, parts.path))
        return original(self, url, method, *args, **kwargs)

    session.Session.request = request


def _instances_per_host(client):
    """{host: instances} from the plugin's api layer (not counted)."""
    from migration_dashboard import api
    res = client.get("/admin/hosts/")
    request = getattr(res, "wsgi_request", None)
    if request is None:
        return {}
    counts = {}
    try:
        for service in api.nova.service_list(request):
            if service.binary == "nova-compute":
                counts.setdefault(service.host, 0)
        for inst in api.nova.instance_list(request):
            if inst.host in counts:
                counts[inst.host] += 1
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write("instances per host: %s\n" % exc)
        return {}
    return counts


def main():
    if not _reachable():
        return 0
    import django
    django.setup()
    from django.test import Client
    from django.urls import reverse

    _count_requests()
    client = Client(SERVER_NAME="127.0.0.1")
    res = client.post("/auth/login/", {
        "region": "default", "domain": "Default", "username": "admin",
        "password": PASSWORD}, follow=False)
    if res.status_code not in (302, 303):
        sys.stderr.write("login failed: HTTP %d\n" % res.status_code)
        return 0
    pages = [
        ("Ours: Compute Hosts overview", reverse("horizon:admin:hosts:index")),
        ("Ours: host detail, Overview tab",
         reverse("horizon:admin:hosts:detail", args=["cmp1"])),
        ("Ours: host detail, Instances tab",
         reverse("horizon:admin:hosts:detail", args=["cmp1"]) +
         "?tab=host_details__instances"),
        ("Horizon: Hypervisors › Compute Host tab",
         reverse("horizon:admin:hypervisors:index") +
         "?tab=hypervisor_info__compute_host"),
        ("Horizon: Admin › Instances",
         reverse("horizon:admin:instances:index")),
    ]
    try:
        pages.insert(3, ("Ours: Migrations list",
                         reverse("horizon:admin:migrations:index")))
    except Exception:  # noqa: BLE001
        pass
    pages.insert(-1, ("Horizon: Admin › Hypervisors (list tab)",
                      reverse("horizon:admin:hypervisors:index")))
    counts = _instances_per_host(client)
    if counts:
        big = max(counts, key=lambda h: (counts[h], h))
        small = min(counts, key=lambda h: (counts[h], h))
        status = "horizon:admin:hosts:drain_status"
        pages += [
            ("Ours: drain plan of %s (%d rows)" % (big, counts[big]),
             reverse("horizon:admin:hosts:drain_plan", args=[big])),
            ("Ours: drain status of %s (%d rows)" % (big, counts[big]),
             reverse(status, args=[big])),
            ("Ours: drain status refresh, %s (%d rows)" % (big, counts[big]),
             reverse(status, args=[big]) + "?fragment=status"),
            ("Ours: drain status refresh, %s (%d rows)"
             % (small, counts[small]),
             reverse(status, args=[small]) + "?fragment=status"),
        ]
    rows = []
    for name, url in pages:
        headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} \
            if "fragment=status" in url else {}
        client.get(url, **headers)  # warm-up (caches, connections)
        del CALLS[:]
        res = client.get(url, **headers)
        calls = list(CALLS)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
        by = {}
        for service, _m, _p in calls:
            by[service] = by.get(service, 0) + 1
        rows.append((name, res.status_code, calls, by,
                     statistics.median(times)))
    ref = next((r for r in rows if r[0].startswith("Horizon") and
                "Compute Host" in r[0]), None)
    out = ["Demo cloud (%d hosts, %d instances), in-process Horizon with the "
           "demo's settings (its real context processor included: every "
           "Horizon page there also makes ~3 chrome calls, the project "
           "switcher's Keystone list, a Neutron extension check and an "
           "identity discovery), logged in as admin through the real "
           "Keystone; calls counted at keystoneauth's Session.request on a "
           "warm load; median of %d loads." % (
               len(counts), sum(counts.values()), RUNS), "",
           "| page | API calls (warm) | median ms | time vs Compute Host "
           "tab |", "|---|---|---|---|"]
    for row in rows:
        name, status, calls, by, median = row
        detail = ", ".join("%s %d" % kv for kv in sorted(by.items()))
        ratio = ("%.2f×" % (median / ref[4])) if ref and row is not ref \
            else ""
        out.append("| %s%s | %d (%s) | %.0f | %s |" % (
            name, "" if status == 200 else " (HTTP %d)" % status,
            len(calls), detail, median, ratio))
    print("\n".join(out))
    if os.environ.get("BENCH_DEMO_VERBOSE"):
        for name, _s, calls, _b, _m in rows:
            sys.stderr.write("%s\n  %s\n" % (
                name, "\n  ".join("%s %s %s" % c for c in calls)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
