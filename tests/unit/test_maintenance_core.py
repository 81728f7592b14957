"""core/maintenance.py: one row per host from Nova's services, hypervisors
and migrations, the counts of the overview's summary line, the reason that
marks a prepared destination, and what Complete Maintenance re-enables."""
from types import SimpleNamespace

from migration_dashboard.core import maintenance as m


def service(host, status="enabled", state="up", **extra):
    values = dict(host=host, id="svc-" + host, zone="nova", status=status,
                  state=state, forced_down=False, disabled_reason=None,
                  updated_at="2026-12-03T10:00:00.000000")
    values.update(extra)
    return SimpleNamespace(**values)


def hypervisor(host, hostname=None, **extra):
    values = dict(host=host, hostname=hostname or host + ".example",
                  id="node-" + (hostname or host), hypervisor_type="QEMU",
                  hypervisor_version=8002000, vcpus=32, vcpus_used=4,
                  memory_mb=65536, memory_mb_used=8192, local_gb=500,
                  local_gb_used=40, running_vms=2, cpu_info={})
    values.update(extra)
    return SimpleNamespace(**values)


def migration(source, dest, status):
    return SimpleNamespace(source_compute=source, dest_compute=dest,
                           status=status)


def test_a_row_holds_the_service_as_nova_reports_it():
    rows = m.summarize([service("cmp1", status="disabled", state="down",
                                zone="az1", forced_down=True,
                                disabled_reason="broken fan")], [])
    assert len(rows) == 1
    row = rows[0]
    assert (row.host, row.service_id, row.zone) == ("cmp1", "svc-cmp1", "az1")
    assert (row.status, row.state, row.forced_down) == (
        "disabled", "down", True)
    assert row.disabled_reason == "broken fan"
    assert row.updated_at == "2026-12-03T10:00:00.000000"
    assert row.in_maintenance and row.is_down
    # No compute node: no figures, not zero.
    assert (row.vcpus, row.free_vcpus, row.instances) == (None, None, None)
    assert (row.nodes, row.node_ids, row.cpu_info) == ([], [], {})


def test_missing_service_fields_are_empty_text_not_none():
    rows = m.summarize([service("cmp1", zone=None, status=None, state=None,
                                forced_down=None, disabled_reason=None)],
                       [])
    row = rows[0]
    assert (row.zone, row.status, row.state, row.disabled_reason) == (
        "", "", "", "")
    assert row.forced_down is False
    assert not row.in_maintenance and not row.is_down


def test_a_hosts_figures_come_from_its_compute_node():
    rows = m.summarize([service("cmp1")], [hypervisor(
        "cmp1", cpu_info={"arch": "x86_64"})])
    row = rows[0]
    assert row.nodes == ["cmp1.example"]
    assert row.node_ids == ["node-cmp1"]
    assert (row.hypervisor_type, row.hypervisor_version) == ("QEMU",
                                                             8002000)
    assert (row.vcpus, row.vcpus_used, row.free_vcpus) == (32, 4, 28)
    assert (row.memory_mb, row.memory_mb_used, row.free_memory_mb) == (
        65536, 8192, 57344)
    assert (row.local_gb, row.local_gb_used, row.free_disk_gb) == (
        500, 40, 460)
    assert row.instances == 2
    assert row.cpu_info == {"arch": "x86_64"}


def test_the_nodes_of_one_host_add_up():
    # Ironic-like hosts with several nodes: one row, the sums.
    rows = m.summarize([service("cmp1")], [
        hypervisor("cmp1", "n1", cpu_info={"model": "first"}),
        hypervisor("cmp1", "n2", vcpus=16, vcpus_used=1, memory_mb=1024,
                   memory_mb_used=24, local_gb=100, local_gb_used=0,
                   running_vms=0, cpu_info={"model": "second"},
                   hypervisor_version=9000000)])
    row = rows[0]
    assert row.nodes == ["n1", "n2"]
    assert row.node_ids == ["node-n1", "node-n2"]
    assert (row.vcpus, row.vcpus_used) == (48, 5)
    assert (row.memory_mb, row.memory_mb_used) == (66560, 8216)
    assert (row.local_gb, row.local_gb_used) == (600, 40)
    assert row.instances == 2
    # The first node that reports a CPU describes the host; the type and
    # version are the last node's.
    assert row.cpu_info == {"model": "first"}
    assert row.hypervisor_version == 9000000


def test_a_node_without_a_figure_leaves_the_others_alone():
    rows = m.summarize([service("cmp1")], [
        hypervisor("cmp1", "n1", vcpus=None, vcpus_used=None,
                   running_vms=None, cpu_info=None),
        hypervisor("cmp1", "n2", vcpus=8, vcpus_used=2, running_vms=3,
                   cpu_info={"model": "n2"})])
    row = rows[0]
    assert (row.vcpus, row.vcpus_used, row.instances) == (8, 2, 3)
    assert row.cpu_info == {"model": "n2"}
    # Only unknown figures: unknown, never 0.
    rows = m.summarize([service("cmp2")], [hypervisor(
        "cmp2", memory_mb=None, memory_mb_used=None)])
    assert rows[0].memory_mb is None and rows[0].free_memory_mb is None
    # A node that reports 0 used: 0 used, all free.
    rows = m.summarize([service("cmp3")], [hypervisor(
        "cmp3", vcpus_used=0, running_vms=0)])
    assert (rows[0].vcpus_used, rows[0].free_vcpus) == (0, 32)
    assert rows[0].instances == 0


def test_a_compute_node_without_its_service_is_not_a_host():
    rows = m.summarize([service("cmp1")], [hypervisor("gone")])
    assert [r.host for r in rows] == ["cmp1"]
    assert rows[0].nodes == []


def test_hosts_are_sorted_by_name():
    rows = m.summarize([service("cmp3"), service("cmp1"), service("cmp2")],
                       [])
    assert [r.host for r in rows] == ["cmp1", "cmp2", "cmp3"]


def test_migrations_in_progress_count_on_both_hosts():
    rows = m.summarize(
        [service("cmp1"), service("cmp2"), service("cmp3")], [],
        [migration("cmp1", "cmp2", "running"),
         migration("cmp1", "cmp3", "Queued"),
         migration("cmp1", "cmp3", "completed"),   # finished: not counted
         migration("cmp1", "cmp2", "error"),
         migration("cmp1", "cmp2", None),
         migration("cmp2", "cmp3", "finished"),    # cold, to confirm
         migration("cmp3", "gone", "done"),        # evacuation, unknown dest
         migration("gone", "cmp2", "pre-migrating"),
         migration("cmp1", "cmp1", "migrating")])  # resize on the host
    by_host = {r.host: r for r in rows}
    assert (by_host["cmp1"].migrations_from,
            by_host["cmp1"].migrations_to) == (3, 0)
    assert (by_host["cmp2"].migrations_from,
            by_host["cmp2"].migrations_to) == (1, 2)
    assert (by_host["cmp3"].migrations_from,
            by_host["cmp3"].migrations_to) == (1, 2)
    assert by_host["cmp1"].migrations_in_progress == 3


def test_in_progress_statuses_of_each_kind():
    for status in ("accepted", "queued", "preparing", "running",
                   "post-migrating", "pre-migrating", "migrating",
                   "finished", "confirming", "reverting", "done",
                   "RUNNING"):
        assert m.is_in_progress(migration("a", "b", status)), status
    for status in ("completed", "confirmed", "reverted", "error", "failed",
                   "cancelled", "", None):
        assert not m.is_in_progress(migration("a", "b", status)), status


def test_the_destination_reason_names_the_source_and_the_note():
    reason = m.destination_reason("cmp1")
    assert reason == "Destination for pinned/NUMA/DPDK instances from cmp1"
    assert m.destination_reason("cmp1", "ticket 7") == (
        "Destination for pinned/NUMA/DPDK instances from cmp1: ticket 7")
    assert m.prepared_for(reason) == "cmp1"
    assert m.prepared_for(m.destination_reason("cmp1", "x: y")) == "cmp1"
    # Nova keeps 255 characters of a disabled reason.
    long = m.destination_reason("cmp1", "n" * 400)
    assert len(long) == 255 and long.startswith(reason + ": nnn")


def test_only_the_whole_reason_prepares_a_host():
    for text in (None, "", "maintenance", "Destination for pinned/NUMA/DPDK "
                 "instances from ", "see: Destination for pinned/NUMA/DPDK "
                 "instances from cmp1", "destination for pinned/numa/dpdk "
                 "instances from cmp1"):
        assert m.prepared_for(text) is None, text
    row = m.HostSummary(host="cmp2", disabled_reason=m.destination_reason(
        "cmp1"))
    assert row.prepared_for == "cmp1"


def test_cpu_summary_of_what_libvirt_reports():
    info = {"arch": "x86_64", "vendor": "Intel", "model": "Cascadelake",
            "features": ["vmx", "avx512f", "aes"],
            "topology": {"sockets": 2, "cores": 16, "threads": 2,
                         "cells": 2}}
    assert m.cpu_summary(info) == {
        "arch": "x86_64", "vendor": "Intel", "model": "Cascadelake",
        "features": ["aes", "avx512f", "vmx"], "sockets": 2, "cores": 16,
        "threads": 2, "numa_cells": 2}


def test_cpu_summary_of_nothing_is_all_unknown():
    unknown = {"arch": None, "vendor": None, "model": None, "features": [],
               "sockets": None, "cores": None, "threads": None,
               "numa_cells": None}
    assert m.cpu_summary(None) == unknown
    assert m.cpu_summary({"topology": None, "features": None}) == unknown


def test_complete_maintenance_enables_the_source_and_its_destinations():
    rows = [
        m.HostSummary(host="cmp1", status="disabled",
                      disabled_reason="fan"),
        m.HostSummary(host="cmp2", status="disabled",
                      disabled_reason=m.destination_reason("cmp1")),
        m.HostSummary(host="cmp3", status="disabled",
                      disabled_reason=m.destination_reason("cmp9")),
        m.HostSummary(host="cmp4", status="enabled",
                      disabled_reason=m.destination_reason("cmp1")),
        m.HostSummary(host="cmp5", status="disabled",
                      disabled_reason="cmp1"),
    ]
    assert [r.host for r in m.maintenance_hosts_to_enable("cmp1", rows)] \
        == ["cmp1", "cmp2"]
    # The source already enabled: only its destinations.
    rows[0] = m.HostSummary(host="cmp1", status="enabled")
    assert [r.host for r in m.maintenance_hosts_to_enable("cmp1", rows)] \
        == ["cmp2"]


def test_counts_over_every_host():
    rows = [
        m.HostSummary(host="a", status="enabled", state="up"),
        m.HostSummary(host="b", status="disabled", state="up",
                      forced_down=True, migrations_from=1),
        m.HostSummary(host="c", status="disabled", state="down",
                      migrations_to=2),
        m.HostSummary(host="d", status="", state=""),
    ]
    assert m.count_hosts(rows) == m.HostCounts(
        total=4, enabled=1, disabled=2, up=1, down=2, forced_down=1,
        migrating=2)
    assert m.count_hosts([]) == m.HostCounts()
