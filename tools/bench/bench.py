"""Benchmark: API calls, server-side render time and peak memory per page,
the plugin's pages against Horizon's own, on the same data in the same run.

    .venvs/dash/bin/python tools/bench/bench.py [--quick] [--no-demo]
    make bench

Only the HTTP layer is faked (tests/unit/fake_cloud.py, requests-mock): the
plugin's api layer, novaclient, openstacksdk, keystoneauth, Horizon's views,
tables and templates all run.  Each page is requested through Django's test
Client as a logged-in admin (Horizon's own test helpers,
``BaseAdminViewTests``).  Per page:

* calls: requests per service on a warm page load (the plugin's cached
  microversion discovery excluded; Horizon re-discovers on every load, and
  that is counted because it happens on every load);
* time: median of several loads, wall clock in this process, the fake's
  JSON encoding cached (the fake answers in ~0 time);
* peak memory: tracemalloc peak during one load (a separate load, since
  tracemalloc slows Python down).

The demo cloud part (real HTTP) runs in a subprocess with
``tools/bench/demo.py`` when the demo cloud answers.  Results: a table on
stdout and in ``.bench/results.md``.
"""
import argparse
import dataclasses
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tools.bench.settings")
os.chdir(ROOT)

import django  # noqa: E402

django.setup()

import requests_mock  # noqa: E402
from django.test import utils as django_test_utils  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.urls import reverse  # noqa: E402
from openstack_dashboard.test import helpers as test  # noqa: E402

from tests.unit import fake_cloud  # noqa: E402

# (label, hosts, instances, migrations)
SCALES = [
    ("S", 10, 100, 50),
    ("M", 100, 2000, 1000),
    ("L", 500, 10000, 1000),
]
SERVICES = ("nova", "placement", "neutron", "keystone", "glance", "cinder")


class CachedCloud(fake_cloud.FakeCloud):
    """The fake cloud with its JSON answers cached per request, so that the
    time measured is the client's and Horizon's, not the fake's encoding.
    Every request is still recorded."""

    def __enter__(self):
        from migration_dashboard.api import microversions
        microversions.forget()
        self._cache = {}
        self._mock = requests_mock.Mocker()
        self._mock.__enter__()
        self._mock.register_uri(requests_mock.ANY, re.compile(".*"),
                                text=self._text_router)
        return self

    def _text_router(self, request, context):
        key = (request.method, request.url, request.body)
        hit = self._cache.get(key)
        if hit is not None:
            status, headers, text, call = hit
            self.calls.append(call)
            context.status_code = status
            context.headers.update(headers)
            return text
        body = self._router(request, context)
        text = json.dumps(body)
        self._cache[key] = (context.status_code, dict(context.headers), text,
                            self.calls[-1])
        return text


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _live_migrate_url(cloud):
    """The plugin's live-migrate form for the first instance of the cloud."""
    inst = cloud.instances[0]
    return _url("horizon:admin:hosts:instance_live_migrate",
                inst["OS-EXT-SRV-ATTR:host"], inst["id"])


def pages(cloud):
    """[(key, label, url or None, note)] in report order."""
    host = "cmp1"
    detail = _url("horizon:admin:hosts:detail", host)
    migrations = _url("horizon:admin:migrations:index")
    live = _live_migrate_url(cloud)
    return [
        ("hosts", "Ours: Compute Hosts overview",
         _url("horizon:admin:hosts:index"), ""),
        ("detail_overview", "Ours: host detail, Overview tab",
         detail and detail + "?tab=host_details__overview", ""),
        ("detail_instances", "Ours: host detail, Instances tab",
         detail and detail + "?tab=host_details__instances", ""),
        ("detail_migrations", "Ours: host detail, Migrations tab",
         detail and detail + "?tab=host_details__migrations", ""),
        ("migrations", "Ours: Migrations list", migrations,
         "" if migrations else "panel absent"),
        ("live_migrate", "Ours: live-migrate form with findings", live,
         "" if live else "n/a: live-migrate form absent"),
        ("drain", "Ours: drain plan", _url("horizon:admin:hosts:drain_plan",
                                           host), ""),
        # What the open status page asks every 5 s (the fake's migrations
        # are after this start: the drain's moves off cmp1).
        ("drain_status", "Ours: drain status refresh (`?fragment=status`)",
         _url("horizon:admin:hosts:drain_status", host,
              query="?since=2026-11-26T09:00:00Z&fragment=status"), ""),
        ("h_compute_host", "Horizon: Hypervisors › Compute Host tab",
         _url("horizon:admin:hypervisors:index",
              query="?tab=hypervisor_info__compute_host"), ""),
        ("h_instances", "Horizon: Admin › Instances",
         _url("horizon:admin:instances:index"), ""),
    ]


RESULTS = {"scales": [], "meta": {}}


class Bench(test.BaseAdminViewTests):
    """Runs the whole benchmark in one test (Horizon's helpers need a test
    case for the logged-in admin)."""

    runs = 5
    scales = SCALES

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog = list(self.service_catalog) + [
            fake_cloud.PLACEMENT_CATALOG_ENTRY]

    def _load(self, url):
        res = self.client.get(url)
        body = res.content
        return res, body

    def _measure(self, cloud, url):
        # Cold load: fills caches (templates, plugin's microversion cache,
        # the fake's JSON cache); its calls include one-off discoveries.
        del cloud.calls[:]
        res, body = self._load(url)
        cold = list(cloud.calls)
        # Warm load: the calls a page costs on every load.
        del cloud.calls[:]
        res, body = self._load(url)
        warm = list(cloud.calls)
        status = res.status_code
        rows = len(re.findall(rb'<tr[^>]*data-object-id=', body))
        messages = re.findall(
            rb'alert-(?:danger|warning)[^>]*>.*?</a>\s*<p>(.*?)</p>', body,
            re.S)
        times = []
        for _ in range(self.runs):
            gc.collect()
            start = time.perf_counter()
            self._load(url)
            times.append(time.perf_counter() - start)
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        self._load(url)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        counts = {s: len([c for c in warm if c[0] == s]) for s in SERVICES}
        # Server reads (lists and single instances, not their migrations):
        # what naming the rows of a migration list costs.
        servers = [c for c in warm if c[0] == "nova" and
                   re.search(r"/servers(/detail|/[^/]+)$", c[2])]
        return {
            "status": status,
            "calls": len(warm),
            "cold_calls": len(cold),
            "by_service": counts,
            "calls_list": ["%s %s %s" % c for c in warm],
            "server_reads": len(servers),
            "cold_extra": ["%s %s %s" % c for c in cold if c not in warm],
            "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "times_ms": [t * 1000 for t in times],
            "peak_mib": peak / 2 ** 20,
            "rows": rows,
            "messages": [m.decode("utf-8", "replace").strip()[:200]
                         for m in messages][:3],
        }

    def test_bench(self):
        for label, hosts, instances, migrations in self.scales:
            scale = {"label": label, "hosts": hosts, "instances": instances,
                     "migrations": migrations, "pages": []}
            sys.stderr.write("scale %s: %d hosts, %d instances, %d "
                             "migrations\n" % (label, hosts, instances,
                                               migrations))
            with CachedCloud(hosts=hosts, instances=instances,
                             migrations=migrations) as cloud:
                cloud.catalog = self.service_catalog
                for key, name, url, note in pages(cloud):
                    entry = {"key": key, "name": name, "url": url,
                             "note": note}
                    if url:
                        started = time.monotonic()
                        entry.update(self._measure(cloud, url))
                        sys.stderr.write("  %-45s %3d calls %8.0f ms "
                                         "(%.0f s)\n" % (
                                             name, entry["calls"],
                                             entry["median_ms"],
                                             time.monotonic() - started))
                    scale["pages"].append(entry)
            RESULTS["scales"].append(scale)


def run_fake(quick=False, scales=None):
    Bench.runs = 3 if quick else 7
    if scales:
        Bench.scales = [s for s in SCALES if s[0] in scales]
    from django.template import Template
    render = Template._render
    django_test_utils.setup_test_environment()
    # The test environment instruments every template render (so tests can
    # inspect contexts): copies of every context, which a real server does
    # not make.  Measure the real thing.
    Template._render = render
    old = django_test_utils.setup_databases(verbosity=0, interactive=False)
    try:
        result = unittest.TextTestRunner(verbosity=0, stream=sys.stderr).run(
            unittest.TestSuite([Bench("test_bench")]))
    finally:
        django_test_utils.teardown_databases(old, verbosity=0)
        django_test_utils.teardown_test_environment()
    if not result.wasSuccessful():
        raise SystemExit("benchmark failed")


# -------------------------------------------------------------- pre-flight

# Hosts the scheduler may choose among in the pre-flight benchmark.
CANDIDATES = 20


def run_preflight(n=1000, runs=15):
    from migration_dashboard.core import preflight as pf
    flavors = [pf.Flavor(vcpus=2, ram_mb=4096, disk_gb=20),
               pf.Flavor(vcpus=4, ram_mb=8192, disk_gb=40,
                         extra_specs={"hw:cpu_policy": "dedicated",
                                      "hw:numa_nodes": "1"}),
               pf.Flavor(vcpus=1, ram_mb=2048, disk_gb=10,
                         extra_specs={"hw:mem_page_size": "large"})]
    instances = [pf.Instance(id="i-%d" % n_, name="vm-%d" % n_,
                             host="src", flavor=flavors[n_ % 3],
                             image_properties={}, volume_backed=n_ % 2 == 0,
                             config_drive=False, server_groups=[],
                             vnic_types=["normal"], shares=False)
                 for n_ in range(n)]
    cpu = pf.CpuInfo(arch="x86_64", vendor="Intel", model="Skylake",
                     features=frozenset(["sse4.2", "avx2"]))
    source = pf.Host(name="src", status="disabled", hypervisor_type="QEMU",
                     hypervisor_version=8002000, cpu_info=cpu, zone="nova",
                     free_vcpus=0, free_ram_mb=0, free_disk_gb=0,
                     shared_storage=False)
    dest = pf.Host(name="dst", hypervisor_type="QEMU",
                   hypervisor_version=8002000, cpu_info=cpu, zone="nova",
                   free_vcpus=4000, free_pcpus=2000, free_ram_mb=8 << 20,
                   free_disk_gb=100000, traits=frozenset(),
                   numa_cells=[pf.NumaCell(0, 1000, 4 << 20, 0),
                               pf.NumaCell(1, 1000, 4 << 20, 0)],
                   shared_storage=False, instance_ids=frozenset())
    # The other hosts as the plugin reads them: Nova exposes no NUMA room,
    # so their NUMA cells are unknown.
    others = [dataclasses.replace(dest, name="cmp%02d" % i, numa_cells=None)
              for i in range(CANDIDATES)]
    out = {}
    for mode, dst, hosts in (
            ("scheduler", None, None),
            ("scheduler, every candidate (%d hosts)" % CANDIDATES, None,
             [source] + others),
            ("one destination", dest, None)):
        request = pf.Request(kind="live")
        times, cpu = [], []
        findings = 0
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = pf.check_many(instances, source, dst, request,
                                   hosts=hosts)
            times.append(time.perf_counter() - start)
            # CPU time too: on a shared machine the wall time measures
            # the neighbours as much as the code.
            cpu.append(time.process_time() - start_cpu)
            findings = sum(len(v) for v in result.values())
        out[mode] = {"median_ms": statistics.median(times) * 1000,
                     "min_ms": min(times) * 1000,
                     "cpu_ms": statistics.median(cpu) * 1000,
                     "findings": findings}
    return out


# -------------------------------------------------------------- the report

def _fmt_calls(p):
    parts = ["%s %d" % (s, p["by_service"][s]) for s in SERVICES
             if p["by_service"].get(s)]
    return "%d (%s)" % (p["calls"], ", ".join(parts)) if parts else "0"


TARGETS = {"hosts": 4, "detail_overview": 5, "detail_instances": 5,
           "detail_migrations": 5}


def run_planning():
    from tools.bench import planning_case
    return {"best_ms": planning_case.benchmark() * 1000}


def report(demo=None, preflight=None, planning=None):
    lines = []
    meta = RESULTS["meta"]
    lines.append("# Benchmark results")
    lines.append("")
    lines.append("Run %s on %s, Python %s, %d CPU(s); %d timed loads per "
                 "page (median), fake cloud at the HTTP layer "
                 "(`tests/unit/fake_cloud.py`). Timings are noisy: a shared "
                 "2-core machine with other test runs going on."
                 % (meta.get("when"), platform.node() or "?",
                    platform.python_version(), os.cpu_count() or 0,
                    Bench.runs))
    lines.append("")
    for scale in RESULTS["scales"]:
        pages_ = {p["key"]: p for p in scale["pages"]}
        ref = pages_.get("h_compute_host")
        lines.append("## %s: %d hosts, %d instances, %d migrations" % (
            scale["label"], scale["hosts"], scale["instances"],
            scale["migrations"]))
        lines.append("")
        lines.append("| page | API calls (warm) | rows | median ms | "
                     "peak MiB | time vs Compute Host tab |")
        lines.append("|---|---|---|---|---|---|")
        for p in scale["pages"]:
            if not p.get("url"):
                lines.append("| %s | %s | | | | |" % (p["name"], p["note"]))
                continue
            ratio = ""
            if ref and ref.get("median_ms") and p is not ref:
                ratio = "%.2f×" % (p["median_ms"] / ref["median_ms"])
            status = "" if p["status"] == 200 else " (HTTP %d)" % p["status"]
            lines.append("| %s%s | %s | %d | %.0f | %.1f | %s |" % (
                p["name"], status, _fmt_calls(p), p["rows"], p["median_ms"],
                p["peak_mib"], ratio))
            if p["key"] in ("migrations", "detail_migrations"):
                lines.append("| ↳ of which naming its instances | %d "
                             "(servers) | | | | |" % p.get("server_reads", 0))
        lines.append("")
    if preflight:
        lines.append("## Pre-flight: `core.preflight.check_many`, 1,000 "
                     "instances (live migration)")
        lines.append("")
        lines.append("| destination | median ms | min ms | CPU ms | "
                     "findings |")
        lines.append("|---|---|---|---|---|")
        for mode, r in preflight.items():
            lines.append("| %s | %.1f | %.1f | %.1f | %d |" % (
                mode, r["median_ms"], r["min_ms"], r["cpu_ms"],
                r["findings"]))
        lines.append("")
    if planning:
        lines.append("## Planning: `core.planning.plan_drain`, 200 instances "
                     "over 50 hosts (`tools/bench/planning_case.py`)")
        lines.append("")
        lines.append("best of 5: %.1f ms" % planning["best_ms"])
        lines.append("")
    if demo:
        lines.append("## Demo cloud (real HTTP)")
        lines.append("")
        lines.append(demo)
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 timed loads per page instead of 7")
    parser.add_argument("--scales", default="",
                        help="e.g. S,M (default: all)")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--no-drain", action="store_true",
                        help="skip the drain of the demo cloud's fullest "
                        "host (minutes: it waits for Nova)")
    parser.add_argument("--json", help="also write raw results here")
    args = parser.parse_args()
    RESULTS["meta"]["when"] = time.strftime("%Y-%m-%d %H:%M")
    preflight = run_preflight()
    planning = run_planning()
    run_fake(quick=args.quick,
             scales=[s for s in args.scales.split(",") if s])
    demo = None
    if not args.no_demo:
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tools", "bench", "demo.py")],
            stdout=subprocess.PIPE, stderr=sys.stderr, text=True, cwd=ROOT)
        demo = proc.stdout.strip() or "not measured (see stderr)"
        if not args.no_drain:
            proc = subprocess.run(
                [sys.executable,
                 os.path.join(ROOT, "tools", "bench", "drain_bench.py")],
                stdout=subprocess.PIPE, stderr=sys.stderr, text=True,
                cwd=ROOT)
            demo += "\n\n" + (proc.stdout.strip() or
                               "Drain: not measured (see stderr)")
    text = report(demo=demo, preflight=preflight, planning=planning)
    print(text)
    os.makedirs(os.path.join(ROOT, ".bench"), exist_ok=True)
    with open(os.path.join(ROOT, ".bench", "results.md"), "w") as f:
        f.write(text + "\n")
    raw = dict(RESULTS, preflight=preflight, planning=planning)
    with open(args.json or os.path.join(ROOT, ".bench", "results.json"),
              "w") as f:
        json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
