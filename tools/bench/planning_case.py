"""The planning benchmark: a realistic drain (mixed flavors, SHUTOFF and
SEV instances, an anti-affinity group) and the best wall time of
``core.planning.plan_drain`` on it.

    .venvs/dash/bin/python tools/bench/planning_case.py

Pure Python like core/ (no Django); ``bench.py`` reports it too, and the
planning unit tests use the case for determinism and shape checks.
"""
import os
import sys
import time

if __name__ == "__main__":  # run as a script: the repository on the path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))

from migration_dashboard.core import preflight as pf  # noqa: E402
from migration_dashboard.core.planning import plan_drain  # noqa: E402
from migration_dashboard.core.preflight import Host, Instance  # noqa: E402


def build_benchmark_case(n_instances=200, n_hosts=50):
    """A realistic drain: ``n_instances`` of mixed kinds on one host,
    ``n_hosts`` other hosts.  Returns (source, instances, hosts)."""
    flavors = [
        pf.Flavor(vcpus=1, ram_mb=1024, disk_gb=10),
        pf.Flavor(vcpus=2, ram_mb=4096, disk_gb=20),
        pf.Flavor(vcpus=4, ram_mb=8192, disk_gb=40, ephemeral_gb=10),
        pf.Flavor(vcpus=8, ram_mb=16384, disk_gb=80,
                  extra_specs={"hw:mem_encryption": "true"}),
    ]
    anti = pf.ServerGroup(
        "g-anti", "anti-affinity",
        members=tuple("i-%03d" % i for i in range(0, n_instances, 20)),
        name="web-anti",
    )
    instances = []
    for i in range(n_instances):
        iid = "i-%03d" % i
        instances.append(
            Instance(
                id=iid,
                name="vm-%03d" % i,
                status="SHUTOFF" if i % 7 == 0 else "ACTIVE",
                host="src",
                flavor=flavors[i % len(flavors)],
                image_properties={},
                volume_backed=i % 2 == 0,
                config_drive=False,
                server_groups=[anti] if iid in anti.members else [],
                vnic_types=["normal"],
                shares=False,
            )
        )
    source = Host(
        "src",
        status="disabled",
        hypervisor_type="QEMU",
        hypervisor_version=8002000,
        instance_ids=frozenset(i.id for i in instances),
        shared_storage=False,
    )
    hosts = [
        Host(
            "cmp%02d" % j,
            hypervisor_type="QEMU",
            hypervisor_version=8002000,
            free_vcpus=64,
            free_pcpus=0,
            free_ram_mb=65536 if j % 5 else 16384,
            free_disk_gb=2000,
            instance_ids=frozenset({"other-%d" % j}),
            shared_storage=False,
            zone="nova",
        )
        for j in range(n_hosts)
    ]
    return source, instances, hosts


def benchmark(n_instances=200, n_hosts=50, repeat=5):
    """Best wall time (seconds) of :func:`plan_drain` on
    :func:`build_benchmark_case`, for the benchmark harness."""
    source, instances, hosts = build_benchmark_case(n_instances, n_hosts)
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        plan_drain(source, instances, hosts)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


if __name__ == "__main__":  # pragma: no cover
    seconds = benchmark()
    print("plan_drain, 200 instances over 50 hosts: %.1f ms"
          % (seconds * 1000))
