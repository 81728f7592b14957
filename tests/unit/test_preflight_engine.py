"""The pre-flight engine over a plan (``check_many``): which rules run for
each kind of move and destination, and what each instance it lets move
takes on its destination for the next ones (written from Nova's
scheduler and Placement behaviour, by hand)."""

import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import (
    BLOCKER, Flavor, NumaCell, engine)
from tests.unit.test_preflight import (
    cold, evacuate, find, live, make_host, make_instance)

pytestmark = pytest.mark.usefixtures("findings_are_well_said")


def test_second_instance_sees_the_ram_the_first_one_takes():
    src = make_host("cmp1", instance_ids=frozenset({"a", "b"}))
    dst = make_host("cmp2", free_ram_mb=3072)
    plan = pf.check_many([make_instance(id="a"), make_instance(id="b")],
                         src, dst, live())
    assert not pf.has_blockers(plan["a"])
    assert pf.has_blockers(plan["b"])


@pytest.fixture(autouse=True)
def rules_chosen_afresh(monkeypatch):
    # The engine keeps the rules of each (kind, destination) once chosen;
    # each test here chooses them again, as a fresh server process does.
    monkeypatch.setattr(engine, "_plans", {})


def on(name, **kw):
    return make_host(name, **kw)


def source():
    return on("cmp1", instance_ids=frozenset({"i-web1", "a", "b", "c"}),
              hypervisor_version=9000000)


def said(findings):
    return [(f.severity.label, f.code) for f in findings]


@pytest.mark.parametrize("request_, own", [
    (live(), ["machine-type"]),
    (cold(), ["cold-needs-confirm", "machine-type"]),
])
def test_moving_to_the_source_itself_only_says_so(request_, own):
    # The source as destination, with no room and an older hypervisor:
    # only "it is the source" is said about it.
    src = source()
    same = on("cmp1", free_ram_mb=1, hypervisor_version=1)
    findings = pf.check(make_instance(), src, same, request_)
    assert said(findings) == [("blocker", "dest-is-source")] + [
        ("note", code) for code in own]


def test_evacuating_to_the_source_itself_only_says_so():
    src = source()
    src.state = "down"
    findings = pf.check(make_instance(), src, on("cmp1", free_ram_mb=1),
                        evacuate())
    assert [code for sev, code in said(findings) if sev == "blocker"] == [
        "dest-is-source"]


def test_another_destination_is_checked_for_the_kind_of_move():
    # Nova compares hypervisor versions for a live migration only; every
    # move needs the RAM.
    src = source()
    dst = on("cmp2", hypervisor_version=1, free_ram_mb=1)
    assert said(pf.check(make_instance(), src, dst, live())) == [
        ("blocker", "hypervisor-too-old"), ("blocker", "ram-insufficient"),
        ("note", "machine-type")]
    assert said(pf.check(make_instance(), src, dst, cold())) == [
        ("blocker", "ram-insufficient"), ("note", "cold-needs-confirm"),
        ("note", "machine-type")]


@pytest.mark.parametrize("request_, own", [
    (live(), ["scheduler-chooses", "machine-type"]),
    (cold(), ["cold-needs-confirm", "scheduler-chooses", "machine-type"]),
])
def test_no_destination_and_no_hosts_says_the_scheduler_chooses(request_,
                                                                own):
    findings = pf.check(make_instance(), source(), None, request_)
    assert said(findings) == [("note", code) for code in own]


def test_with_the_hosts_known_the_candidates_are_said_instead():
    src = source()
    hosts = [src, on("cmp2", hypervisor_version=9000000), on("cmp3")]
    findings = pf.check(make_instance(), src, None, live(), hosts=hosts)
    assert said(findings) == [("note", "machine-type"),
                              ("note", "scheduler-candidates")]
    assert "cmp2" in find(findings, "scheduler-candidates").message


def test_no_valid_host_is_said_first():
    # Two findings: the instance's own note, then the scheduler's answer;
    # the blocker comes first.
    src = source()
    hosts = [src, on("cmp2", hypervisor_version=1)]
    findings = pf.check(make_instance(), src, None, live(), hosts=hosts)
    assert said(findings) == [("blocker", "no-valid-host"),
                              ("note", "machine-type")]


# ---------------------------------------------------------------------------
# What each instance that moves takes for the next ones
# ---------------------------------------------------------------------------


def _three(**flavor):
    fl = Flavor(**dict(dict(vcpus=2, ram_mb=1024, disk_gb=20), **flavor))
    return [make_instance(id=i, name=i, flavor=fl, volume_backed=False)
            for i in "abc"]


@pytest.mark.parametrize("flavor, room, code", [
    ({}, dict(free_vcpus=5), "vcpu-insufficient"),
    ({"extra_specs": {"hw:cpu_policy": "dedicated"}},
     dict(free_pcpus=5, numa_cells=None), "pcpu-insufficient"),
    ({}, dict(free_ram_mb=2560), "ram-insufficient"),
    ({}, dict(free_disk_gb=50), "disk-insufficient"),
])
def test_the_third_instance_sees_what_the_first_two_took(flavor, room,
                                                         code):
    # Two instances of 2 vCPUs / 1 GiB / 20 GiB fit in 5 / 2.5 GiB / 50 GiB;
    # the third does not.
    plan = pf.check_many(_three(**flavor), source(), on("cmp2", **room),
                         cold())
    assert not pf.has_blockers(plan["a"])
    assert not pf.has_blockers(plan["b"])
    assert find(plan["c"], code).severity is BLOCKER


def test_pinned_instances_fill_numa_nodes_one_after_the_other():
    # Each pinned 2-vCPU / 1 GiB guest needs one node with 2 free PCPUs
    # and 1 GiB: node 0 takes the first, node 1 the second, none the third.
    cells = [NumaCell(0, 3, 2048, 0), NumaCell(1, 2, 1024, 0)]
    plan = pf.check_many(
        _three(extra_specs={"hw:cpu_policy": "dedicated"}), source(),
        on("cmp2", numa_cells=cells), cold())
    assert not pf.has_blockers(plan["a"])
    assert not pf.has_blockers(plan["b"])
    assert pf.has_blockers(plan["c"])


def test_numa_nodes_memory_filled_by_earlier_guests():
    cells = [NumaCell(0, 8, 2048, 0), NumaCell(1, 8, 1024, 0)]
    plan = pf.check_many(
        _three(extra_specs={"hw:cpu_policy": "dedicated"}), source(),
        on("cmp2", numa_cells=cells), cold())
    # Node 0 holds two guests' 1 GiB, node 1 one: all three fit.
    assert not any(pf.has_blockers(fs) for fs in plan.values())
    cells = [NumaCell(0, 8, 1024, 0), NumaCell(1, 8, 1024, 0)]
    plan = pf.check_many(
        _three(extra_specs={"hw:cpu_policy": "dedicated"}), source(),
        on("cmp2", numa_cells=cells), cold())
    assert [pf.has_blockers(plan[i]) for i in "abc"] == [False, False, True]


def test_a_blocked_instance_takes_nothing():
    src = source()
    insts = _three()
    insts[0].status = "ERROR"
    plan = pf.check_many(insts, src, on("cmp2", free_vcpus=4), cold())
    assert pf.has_blockers(plan["a"])
    assert not pf.has_blockers(plan["c"])


def test_instances_the_scheduler_places_take_room_on_its_pick():
    # Only cmp2 can take them (cmp3 is disabled): after two, its 5 vCPUs
    # are used up.
    src = source()
    hosts = [src, on("cmp2", free_vcpus=5), on("cmp3", status="disabled")]
    plan = pf.check_many(_three(), src, None, cold(), hosts=hosts)
    assert not pf.has_blockers(plan["a"])
    assert not pf.has_blockers(plan["b"])
    assert find(plan["c"], "no-valid-host").severity is BLOCKER


def test_a_numa_node_fills_up_with_each_pinned_guest():
    # One node of 4 free PCPUs: two pinned 2-vCPU guests, not three.
    plan = pf.check_many(
        _three(extra_specs={"hw:cpu_policy": "dedicated"}), source(),
        on("cmp2", numa_cells=[NumaCell(0, 4, 8192, 0)]), cold())
    assert [pf.has_blockers(plan[i]) for i in "abc"] == [False, False, True]
    # One node of 2 GiB: two 1 GiB guests, not three.
    plan = pf.check_many(
        _three(extra_specs={"hw:cpu_policy": "dedicated"}), source(),
        on("cmp2", numa_cells=[NumaCell(0, 8, 2048, 0)]), cold())
    assert [pf.has_blockers(plan[i]) for i in "abc"] == [False, False, True]


def test_a_group_member_follows_the_one_the_plan_moved():
    # soft-affinity: a is warned (b stays behind for now); once a moved,
    # b follows it to the same host and is not warned.
    group = pf.ServerGroup("g1", "soft-affinity", ["a", "b"])
    src = on("cmp1", instance_ids=frozenset({"a", "b"}))
    insts = [make_instance(id=i, name=i, server_groups=[group]) for i in "ab"]
    plan = pf.check_many(insts, src, on("cmp2"), live())
    assert find(plan["a"], "affinity-conflict").severity is pf.WARNING
    assert said(plan["b"]) == [("note", "machine-type")]


# ---------------------------------------------------------------------------
# The request as the rules read it
# ---------------------------------------------------------------------------


def test_block_migration_auto_from_microversion_2_25():
    # Nova's block_migration "auto" (2.25) copies local disks when needed;
    # before it, the plugin sends False and the move fails on local disks.
    inst = make_instance(volume_backed=False)
    src, dst = source(), on("cmp2")
    assert find(pf.check(inst, src, dst, live(microversion="2.24")),
                "needs-block-migration").severity is BLOCKER
    findings = pf.check(inst, src, dst, live(microversion="2.25"))
    assert "needs-block-migration" not in {f.code for f in findings}
    assert find(findings, "block-migration-copy").severity is pf.NOTE


def test_old_computes_block_vdpa_without_the_sriov_warning_too():
    inst = make_instance(vnic_types=["vdpa"])
    src = on("cmp1", instance_ids=frozenset({"i-web1"}))
    findings = pf.check(inst, src, on("cmp2"),
                        live(compute_service_version=62))
    assert said(findings) == [("blocker", "vdpa-live-old-compute"),
                              ("note", "machine-type")]
