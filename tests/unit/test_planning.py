"""Unit tests for migration_dashboard.core.planning (no Django, no HTTP).

Small hand-made data: a source host ``src`` and healthy, empty QEMU 8.2
hosts with known capacity; plain volume-backed ACTIVE instances of 4 GiB
that move cleanly, and one fact changed per test.
"""

import random
import re
from pathlib import Path

import pytest

from migration_dashboard.core import planning as pl
from migration_dashboard.core import preflight as pf
from migration_dashboard.core.planning import (
    SCHEDULER,
    MigrationRecord,
    Override,
    PlanOptions,
    Strategy,
    move_back_plan,
    plan_drain,
)
from migration_dashboard.core.preflight import (
    AUTO,
    BLOCKER,
    NOTE,
    WARNING,
    CpuInfo,
    Flavor,
    Host,
    Instance,
    Kind,
    ServerGroup,
)
from tools.bench import planning_case

from tests.unit.plan_checks import plans_are_well_said  # noqa: F401

# Every finding a test makes is also checked for its words (severity,
# code, catalogue): see finding_checks.
pytestmark = pytest.mark.usefixtures("findings_are_well_said",
                                      "plans_are_well_said")

CPU = CpuInfo("x86_64", "Intel", "Icelake-Server", frozenset({"avx2"}))
GIB = 1024


def make_instance(iid, ram_gib=4, vcpus=2, extra_specs=None, **kw):
    values = dict(
        id=iid,
        name=iid.replace("i-", ""),
        status="ACTIVE",
        host="src",
        flavor=Flavor(
            vcpus=vcpus,
            ram_mb=ram_gib * GIB,
            disk_gb=20,
            extra_specs=dict(extra_specs or {}),
        ),
        image_properties={"hw_machine_type": "q35"},
        volume_backed=True,
        config_drive=False,
        server_groups=[],
        vnic_types=["normal"],
        shares=False,
    )
    values.update(kw)
    return Instance(**values)


def make_host(name, ram_gib=64, **kw):
    values = dict(
        name=name,
        status="enabled",
        state="up",
        hypervisor_type="QEMU",
        hypervisor_version=8002000,
        cpu_info=CPU,
        traits=frozenset(),
        free_vcpus=64,
        free_pcpus=16,
        free_ram_mb=ram_gib * GIB,
        free_disk_gb=1000,
        instance_ids=frozenset(),
        shared_storage=False,
        zone="nova",
    )
    values.update(kw)
    return Host(**values)


def source_for(instances, **kw):
    kw.setdefault("status", "disabled")
    return make_host(
        "src", instance_ids=frozenset(i.id for i in instances), **kw
    )


def drain(instances, hosts, **kw):
    return plan_drain(source_for(instances), instances, hosts, **kw)


def codes(findings, severity=None):
    return {
        f.code for f in findings if severity is None or f.severity is severity
    }


def strategies(plan):
    return {r.instance_id: r.strategy for r in plan.rows}


# ---------------------------------------------------------------------------
# Nothing to do, basics
# ---------------------------------------------------------------------------


def test_empty_host_nothing_to_do():
    plan = drain([], [make_host("cmp2")])
    assert plan.rows == () and plan.order == ()
    assert plan.is_empty and not plan.submittable
    assert set(plan.counts) == set(Strategy)
    assert not any(plan.counts.values())
    assert (plan.ram_mb, plan.vcpus, plan.disk_gb) == (0, 0, 0)
    assert plan.hosts_used == () and plan.findings == ()


def test_instances_not_on_the_source_are_nothing_to_do():
    instances = [
        make_instance("i-moved", host="cmp9"),
        make_instance("i-deleted", status="DELETED"),
        make_instance("i-offloaded", status="SHELVED_OFFLOADED", host=None),
        make_instance("i-here"),
    ]
    src = make_host("src", instance_ids=frozenset({"i-here", "i-deleted"}))
    plan = plan_drain(src, instances, [make_host("cmp2")])
    s = strategies(plan)
    assert s == {
        "i-moved": Strategy.NOTHING,
        "i-deleted": Strategy.NOTHING,
        "i-offloaded": Strategy.NOTHING,
        "i-here": Strategy.LIVE,
    }
    moved = plan.row("i-moved")
    assert "cmp9" in moved.why and codes(moved.findings) == {
        "plan-not-on-source"
    }
    assert plan.row("i-offloaded").why.startswith("shelved")
    assert plan.order == ("i-here",) and plan.submittable
    # Rows that do not move come after the moving ones.
    assert plan.rows[0].instance_id == "i-here"


def test_plain_instance_lives_migrates_with_the_scheduler():
    plan = drain([make_instance("i-a")], [make_host("cmp2")])
    (row,) = plan.rows
    assert row.strategy is Strategy.LIVE and row.kind is Kind.LIVE
    assert row.destination is None and row.expected_host == "cmp2"
    assert row.block_migration == AUTO
    assert "volume-backed" in row.why
    # The one other host was checked for it.
    assert "scheduler-candidates" in codes(row.findings)
    assert not pf.has_blockers(row.findings)
    assert (plan.ram_mb, plan.vcpus, plan.disk_gb) == (4 * GIB, 2, 0)
    assert plan.hosts_used == ("cmp2",)
    assert row.position == 0
    req = row.request()
    assert req.kind is Kind.LIVE and req.block_migration == AUTO


def test_duplicate_instances_are_planned_once():
    a = make_instance("i-a")
    plan = drain([a, a], [make_host("cmp2")])
    assert len(plan.rows) == 1


# ---------------------------------------------------------------------------
# Mixed strategies
# ---------------------------------------------------------------------------


def test_local_disk_without_shared_storage_is_block_migrated_auto():
    inst = make_instance("i-local", volume_backed=False)
    plan = drain([inst], [make_host("cmp2")])
    row = plan.row("i-local")
    assert row.strategy is Strategy.LIVE_BLOCK
    assert row.block_migration == AUTO
    assert "20 GiB of local disk" in row.why and "auto" in row.why
    assert row.disk_gb == 20


def test_local_disk_on_shared_storage_is_plain_live():
    inst = make_instance("i-rbd", volume_backed=False)
    src = make_host("src", shared_storage=True,
                    instance_ids=frozenset({"i-rbd"}))
    plan = plan_drain(src, [inst], [make_host("cmp2", shared_storage=True)])
    assert plan.row("i-rbd").strategy is Strategy.LIVE
    assert "shared" in plan.row("i-rbd").why


def test_shutoff_instance_is_cold_migrated():
    plan = drain([make_instance("i-off", status="SHUTOFF")],
                 [make_host("cmp2")])
    row = plan.row("i-off")
    assert row.strategy is Strategy.COLD and row.kind is Kind.COLD
    assert row.block_migration is None
    assert "shut off" in row.why
    assert "cold-needs-confirm" in codes(row.findings)
    assert row.request().kind is Kind.COLD


def test_live_blocker_falls_back_to_cold():
    sev = make_instance("i-sev", extra_specs={"hw:mem_encryption": "true"})
    plan = drain([sev], [make_host("cmp2")])
    row = plan.row("i-sev")
    assert row.strategy is Strategy.COLD
    assert "sev-live" in row.why
    note = [f for f in row.findings if f.code == "plan-live-blocked"]
    assert note and note[0].severity is WARNING  # downtime
    assert "SEV" in note[0].message and "stops it" in note[0].message
    assert not pf.has_blockers(row.findings)


def test_blocked_when_neither_live_nor_cold_works():
    accel = make_instance("i-acc",
                          extra_specs={"accel:device_profile": "gpu"})
    plan = drain([accel, make_instance("i-ok")], [make_host("cmp2")])
    row = plan.row("i-acc")
    assert row.strategy is Strategy.BLOCKED
    assert row.intended is Strategy.LIVE
    assert "accel-device-profile" in codes(row.findings, BLOCKER)
    assert row.why.startswith("neither live migration nor cold")
    assert row.position is None and row.block_migration is None
    assert plan.order == ("i-ok",)
    assert not plan.submittable  # a blocker among non-excluded rows


def test_mixed_plan_counts_and_order():
    instances = [
        make_instance("i-small", ram_gib=2),
        make_instance("i-big", ram_gib=16, volume_backed=False),
        make_instance("i-off", ram_gib=32, status="SHUTOFF"),
        make_instance("i-sev", ram_gib=8,
                      extra_specs={"hw:mem_encryption": "true"}),
        make_instance("i-shares", shares=True),
    ]
    plan = drain(instances, [make_host("cmp2", 128)])
    c = plan.counts
    assert (c[Strategy.LIVE], c[Strategy.LIVE_BLOCK], c[Strategy.COLD],
            c[Strategy.BLOCKED]) == (1, 1, 2, 1)
    assert c["live"] == 1  # str keys work too
    # Live first (largest first), then cold (largest first).
    assert plan.order == ("i-big", "i-small", "i-off", "i-sev")
    assert [r.position for r in plan.rows[:4]] == [0, 1, 2, 3]
    assert plan.rows[-1].instance_id == "i-shares"
    assert plan.ram_mb == (16 + 2 + 32 + 8) * GIB
    assert not plan.submittable


def test_all_blocked():
    instances = [
        make_instance("i-a", status="VERIFY_RESIZE"),
        make_instance("i-b", shares=True),
        make_instance("i-c", status="SUSPENDED"),
    ]
    plan = drain(instances, [make_host("cmp2")])
    assert plan.counts[Strategy.BLOCKED] == 3
    assert plan.order == () and plan.is_empty and not plan.submittable
    assert "verify-resize" in codes(plan.row("i-a").findings)
    assert "state-not-allowed" in codes(plan.row("i-c").findings)
    assert plan.ram_mb == 0 and plan.hosts_used == ()


# ---------------------------------------------------------------------------
# Microversion gating of block_migration "auto"
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "microversion, block, plain",
    [("2.24", True, False), ("2.25", AUTO, AUTO), ("2.96", AUTO, AUTO)],
)
def test_block_migration_auto_only_from_2_25(microversion, block, plain):
    instances = [
        make_instance("i-local", volume_backed=False),
        make_instance("i-vol"),
    ]
    plan = drain(instances, [make_host("cmp2")], microversion=microversion)
    local, vol = plan.row("i-local"), plan.row("i-vol")
    assert local.strategy is Strategy.LIVE_BLOCK
    assert local.block_migration == block
    assert vol.strategy is Strategy.LIVE and vol.block_migration == plain
    for row in (local, vol):
        assert "block-auto-unsupported" not in codes(row.findings)
        assert row.request(PlanOptions(microversion=microversion)) \
            .block_migration == row.block_migration


def test_block_true_below_2_25_warns_when_storage_sharing_unknown():
    inst = make_instance("i-local", volume_backed=False)
    src = make_host("src", shared_storage=None,
                    instance_ids=frozenset({"i-local"}))
    plan = plan_drain(src, [inst], [make_host("cmp2")], microversion="2.24")
    row = plan.row("i-local")
    assert row.strategy is Strategy.LIVE_BLOCK and row.block_migration is True
    assert "plan-block-storage-unknown" in codes(row.findings, WARNING)


# ---------------------------------------------------------------------------
# Capacity together
# ---------------------------------------------------------------------------


def test_chosen_destination_fits_together():
    instances = [make_instance("i-a"), make_instance("i-b")]
    plan = drain(instances, [make_host("cmp2", ram_gib=8)],
                 default_destination="cmp2")
    assert [r.strategy for r in plan.rows] == [Strategy.LIVE] * 2
    assert all(r.destination == "cmp2" for r in plan.rows)
    assert plan.hosts_used == ("cmp2",) and plan.submittable


def test_chosen_destination_does_not_fit_together():
    instances = [make_instance("i-a"), make_instance("i-b"),
                 make_instance("i-c")]
    plan = drain(instances, [make_host("cmp2", ram_gib=8)],
                 default_destination="cmp2")
    s = strategies(plan)
    assert list(s.values()).count(Strategy.LIVE) == 2
    (blocked,) = plan.blocked
    assert blocked.instance_id == "i-c"  # last in submission order
    assert blocked.intended is Strategy.LIVE
    assert "ram-insufficient" in codes(blocked.findings, BLOCKER)
    assert "earlier moves of this plan" in " ".join(
        f.message for f in blocked.findings)
    assert not plan.submittable


def test_chosen_destination_together_across_live_and_cold():
    # Different requests (live, cold) are checked in separate check_many
    # runs; the second run sees what the first took.
    instances = [make_instance("i-live", ram_gib=4),
                 make_instance("i-off", ram_gib=4, status="SHUTOFF")]
    plan = drain(instances, [make_host("cmp2", ram_gib=6)],
                 default_destination="cmp2")
    assert plan.row("i-live").strategy is Strategy.LIVE
    off = plan.row("i-off")
    assert off.strategy is Strategy.BLOCKED and off.intended is Strategy.COLD
    assert "ram-insufficient" in codes(off.findings, BLOCKER)


def test_scheduler_fits_only_across_two_hosts():
    instances = [make_instance("i-a"), make_instance("i-b")]
    hosts = [make_host("cmp2", ram_gib=6), make_host("cmp3", ram_gib=6)]
    plan = drain(instances, hosts)
    assert {r.expected_host for r in plan.rows} == {"cmp2", "cmp3"}
    assert plan.hosts_used == ("cmp2", "cmp3")
    assert plan.submittable and not plan.findings


def test_scheduler_total_shortage_is_a_blocker():
    instances = [make_instance("i-a"), make_instance("i-b"),
                 make_instance("i-c", ram_gib=2)]
    hosts = [make_host("cmp2", ram_gib=5), make_host("cmp3", ram_gib=4)]
    plan = drain(instances, hosts)
    (short,) = [f for f in plan.findings if f.code == "plan-capacity-short"]
    assert short.severity is BLOCKER
    assert "room for only 2 of 3 instances: 1 GiB RAM short" in short.message
    (blocked,) = plan.blocked
    assert blocked.instance_id == "i-c"
    assert "plan-capacity-short" in codes(blocked.findings, BLOCKER)
    assert not plan.submittable


def test_scheduler_fragmentation_is_a_warning():
    # 12 GiB wanted, 12 GiB free in total, but in two 6 GiB holes.
    instances = [make_instance(i) for i in ("i-a", "i-b", "i-c")]
    hosts = [make_host("cmp2", ram_gib=6), make_host("cmp3", ram_gib=6)]
    plan = drain(instances, hosts)
    assert plan.counts[Strategy.LIVE] == 3 and not plan.blocked
    (short,) = plan.findings
    assert short.severity is WARNING and "only 2 of 3" in short.message
    unplaced = [r for r in plan.rows if r.expected_host is None]
    assert len(unplaced) == 1
    assert "plan-capacity-short" in codes(unplaced[0].findings, WARNING)
    assert plan.submittable


def test_instance_bigger_than_any_host_is_blocked():
    instances = [make_instance("i-huge", ram_gib=32), make_instance("i-a")]
    hosts = [make_host("cmp2", ram_gib=20), make_host("cmp3", ram_gib=20)]
    plan = drain(instances, hosts)
    assert strategies(plan)["i-huge"] is Strategy.BLOCKED
    # Every host was checked for it, and each one's reason is named.
    (blocker,) = [f for f in plan.row("i-huge").findings
                  if f.code == "no-valid-host"]
    for name in ("cmp2", "cmp3"):
        assert ("%s: RAM: 20480 MiB (20 GiB) free, needs 32768 MiB (32 GiB)"
                % name) in blocker.message


def test_disabled_and_down_hosts_are_not_counted():
    instances = [make_instance("i-a")]
    hosts = [
        make_host("cmp2", status="disabled"),
        make_host("cmp3", state="down"),
        make_host("cmp4", state=None),
    ]
    plan = drain(instances, hosts)
    assert plan.blocked and "plan-capacity-short" in codes(plan.findings)
    assert "plan-host-state-unknown" in codes(plan.findings, NOTE)


def test_capacity_used_by_chosen_destination_rows_is_seen_by_scheduler():
    instances = [make_instance("i-a"), make_instance("i-b")]
    plan = drain(
        instances,
        [make_host("cmp2", ram_gib=6)],
        overrides={"i-a": Override(destination="cmp2")},
    )
    assert plan.row("i-a").destination == "cmp2"
    assert plan.row("i-a").strategy is Strategy.LIVE
    assert plan.row("i-b").strategy is Strategy.BLOCKED
    assert "only 0 of 1 instances: 2 GiB RAM short" in plan.findings[0].message


def test_unknown_free_capacity_is_a_note_not_a_pass():
    plan = drain([make_instance("i-a")],
                 [make_host("cmp2", free_ram_mb=None, free_pcpus=None)])
    assert plan.row("i-a").expected_host == "cmp2"
    (note,) = plan.findings
    assert note.code == "plan-capacity-unknown" and note.severity is NOTE
    # Only what the plan needs: no PCPU wanted, so no word about PCPUs.
    assert "free RAM of cmp2" in note.message and "PCPU" not in note.message


# Placement pre-filters by traits: the demo cloud's vTPM drain -------------

TPM = frozenset({"COMPUTE_SECURITY_TPM_2_0", "COMPUTE_SECURITY_TPM_CRB",
                 "COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER"})
VTPM_SPECS = {"hw:tpm_version": "2.0", "hw:tpm_model": "tpm-crb"}


def test_vtpm_instance_is_predicted_only_on_a_host_with_the_traits():
    vtpm = make_instance("i-vtpm", extra_specs=VTPM_SPECS)
    # The roomiest host lacks the TPM traits: the scheduler never picks it.
    hosts = [make_host("big", ram_gib=64), make_host("tpm", ram_gib=8,
                                                     traits=TPM)]
    plan = drain([vtpm], hosts)
    row = plan.row("i-vtpm")
    assert row.strategy is Strategy.COLD and "vtpm-live" in row.why
    assert row.expected_host == "tpm"
    assert row.restricted


def test_restricted_rows_are_submitted_first_and_keep_their_room():
    # As when draining cmp2 of the demo cloud: live migrations sent first
    # filled cmp3, the only other TPM host, and the vTPM instance's cold
    # migration, sent last, got "No valid host".
    vtpm = make_instance("i-vtpm", ram_gib=2, extra_specs=VTPM_SPECS)
    live = [make_instance("i-a", ram_gib=4), make_instance("i-b", ram_gib=4)]
    off = make_instance("i-off", ram_gib=1, status="SHUTOFF")
    hosts = [make_host("cmp1", ram_gib=7), make_host("cmp3", ram_gib=9,
                                                     traits=TPM)]
    plan = drain(live + [vtpm, off], hosts)
    assert plan.order[0] == "i-vtpm"
    assert plan.order[1:] == ("i-a", "i-b", "i-off")  # then live, cold
    assert plan.row("i-vtpm").expected_host == "cmp3"
    assert plan.submittable and not plan.blocked
    assert not [r for r in plan.rows if r.restricted and r.instance_id !=
                "i-vtpm"]
    # Every host has the traits: nothing is restricted, the usual order.
    both = [make_host("cmp1", ram_gib=7, traits=TPM),
            make_host("cmp3", ram_gib=9, traits=TPM)]
    plan = drain(live + [vtpm, off], both)
    assert plan.order == ("i-a", "i-b", "i-vtpm", "i-off")
    assert not plan.row("i-vtpm").restricted


def test_no_host_with_the_traits_blocks_with_the_reason():
    vtpm = make_instance("i-vtpm", extra_specs=VTPM_SPECS)
    plan = drain([vtpm, make_instance("i-a")], [make_host("cmp1")])
    row = plan.row("i-vtpm")
    assert row.strategy is Strategy.BLOCKED
    (blocker,) = [f for f in row.findings if f.code == "no-valid-host"]
    assert "cmp1: lacks trait(s) COMPUTE_SECURITY_TPM_2_0" in blocker.message
    assert plan.row("i-a").strategy is Strategy.LIVE
    assert not plan.submittable


def test_trait_host_without_room_blocks_with_its_name():
    vtpm = make_instance("i-vtpm", ram_gib=4, extra_specs=VTPM_SPECS)
    hosts = [make_host("cmp1", ram_gib=64),
             make_host("cmp3", ram_gib=2, traits=TPM)]
    plan = drain([vtpm], hosts)
    row = plan.row("i-vtpm")
    assert row.strategy is Strategy.BLOCKED
    (blocker,) = [f for f in row.findings if f.code == "no-valid-host"]
    assert "cmp1: lacks trait(s) COMPUTE_SECURITY_TPM_2_0" in blocker.message
    assert "cmp3: RAM: 2048 MiB (2 GiB) free, needs 4096 MiB (4 GiB)" in \
        blocker.message


def test_unknown_traits_are_assumed_to_fit():
    vtpm = make_instance("i-vtpm", extra_specs=VTPM_SPECS)
    plan = drain([vtpm], [make_host("cmp1", traits=None)])
    row = plan.row("i-vtpm")
    assert row.strategy is Strategy.COLD and row.expected_host == "cmp1"
    assert row.restricted  # cannot tell: sent first, harmless


# ---------------------------------------------------------------------------
# Server groups
# ---------------------------------------------------------------------------


def group(gid, policy, members, **kw):
    return ServerGroup(gid, policy, members=tuple(members), name=gid, **kw)


def test_anti_affinity_members_are_spread_by_the_scheduler():
    g = group("g", "anti-affinity", ["i-a", "i-b", "i-x"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [
        make_host("cmp2", ram_gib=64),
        make_host("cmp3", ram_gib=32),
        # Roomiest, but it already holds a member.
        make_host("cmp4", ram_gib=128, instance_ids=frozenset({"i-x"})),
    ]
    plan = drain(instances, hosts)
    assert {r.expected_host for r in plan.rows} == {"cmp2", "cmp3"}
    assert plan.submittable


def test_anti_affinity_without_enough_hosts_is_blocked():
    g = group("g", "anti-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2")])
    assert plan.counts[Strategy.LIVE] == 1
    (blocked,) = plan.blocked
    assert "plan-anti-affinity-spread" in codes(blocked.findings, BLOCKER)


def test_anti_affinity_max_server_per_host():
    g = group("g", "anti-affinity", ["i-a", "i-b"], max_server_per_host=2)
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2")])
    assert plan.counts[Strategy.LIVE] == 2 and plan.submittable


def test_soft_anti_affinity_shares_a_host_with_a_warning():
    g = group("g", "soft-anti-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2")])
    assert plan.counts[Strategy.LIVE] == 2 and plan.submittable
    assert any("plan-anti-affinity-spread" in codes(r.findings, WARNING)
               for r in plan.rows)


def test_anti_affinity_with_one_chosen_destination_blocks_the_second():
    g = group("g", "anti-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2"), make_host("cmp3")],
                 default_destination="cmp2")
    (blocked,) = plan.blocked
    assert "anti-affinity-conflict" in codes(blocked.findings, BLOCKER)
    # The operator sends the second one elsewhere: all good.
    plan = drain(
        instances, [make_host("cmp2"), make_host("cmp3")],
        default_destination="cmp2",
        overrides={blocked.instance_id: Override(destination="cmp3")},
    )
    assert plan.submittable and plan.hosts_used == ("cmp2", "cmp3")


def test_affinity_members_join_the_host_of_the_others():
    g = group("g", "affinity", ["i-a", "i-b", "i-far"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp2", ram_gib=128),
             make_host("cmp3", ram_gib=16,
                       instance_ids=frozenset({"i-far"}))]
    plan = drain(instances, hosts)
    assert [r.expected_host for r in plan.rows] == ["cmp3", "cmp3"]
    # Not enough room there for both: they cannot go elsewhere.
    hosts[1] = make_host("cmp3", ram_gib=6,
                         instance_ids=frozenset({"i-far"}))
    plan = drain(instances, hosts)
    assert plan.counts[Strategy.BLOCKED] == 2
    assert all("plan-affinity-together" in codes(r.findings, BLOCKER)
               for r in plan.rows)


def test_hard_affinity_all_on_the_source_is_blocked_with_a_hint():
    g = group("g", "affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp2", ram_gib=6), make_host("cmp3", ram_gib=16)]
    plan = drain(instances, hosts)
    assert plan.counts[Strategy.BLOCKED] == 2
    for row in plan.rows:
        assert "affinity-conflict" in codes(row.findings, BLOCKER)
        (hint,) = [f for f in row.findings
                   if f.code == "plan-affinity-together"]
        assert "cmp3 has room for all of them" in hint.message


def test_soft_affinity_members_are_kept_together():
    g = group("g", "soft-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp2", ram_gib=6), make_host("cmp3", ram_gib=7),
             make_host("cmp4", ram_gib=8)]
    plan = drain(instances, hosts)
    assert [r.expected_host for r in plan.rows] == ["cmp4", "cmp4"]
    # No host for both: split, with a warning, still submittable.
    hosts[2] = make_host("cmp4", ram_gib=5)
    plan = drain(instances, hosts)
    assert len({r.expected_host for r in plan.rows}) == 2
    assert all("plan-affinity-split" in codes(r.findings, WARNING)
               for r in plan.rows)
    assert plan.submittable


# ---------------------------------------------------------------------------
# Operator overrides and exclusions
# ---------------------------------------------------------------------------


def test_excluded_rows_are_skipped_and_do_not_block():
    instances = [make_instance("i-ok"),
                 make_instance("i-acc",
                               extra_specs={"accel:device_profile": "x"})]
    plan = drain(instances, [make_host("cmp2")],
                 overrides={"i-acc": Override(exclude=True)})
    row = plan.row("i-acc")
    assert row.strategy is Strategy.SKIPPED and row.overridden
    assert row.findings == () and row.why == "excluded by the operator"
    assert plan.order == ("i-ok",) and plan.submittable
    # SKIPPED as a strategy means the same.
    plan = drain(instances, [make_host("cmp2")],
                 overrides={"i-acc": Override(strategy="skipped")})
    assert plan.row("i-acc").strategy is Strategy.SKIPPED


def test_override_strategy_and_destination():
    instances = [make_instance("i-a"), make_instance("i-b"),
                 make_instance("i-c")]
    plan = drain(
        instances,
        [make_host("cmp2"), make_host("cmp3")],
        default_destination="cmp2",
        overrides={
            "i-a": Override(strategy=Strategy.COLD),
            "i-b": Override(destination="cmp3"),
            "i-c": Override(destination=SCHEDULER),
        },
    )
    a, b, c = (plan.row(i) for i in ("i-a", "i-b", "i-c"))
    assert a.strategy is Strategy.COLD and a.destination == "cmp2"
    assert a.why.startswith("chosen by the operator") and a.overridden
    assert b.destination == "cmp3" and b.strategy is Strategy.LIVE
    assert c.destination is None and c.expected_host is not None
    assert plan.order[-1] == "i-a"  # cold after live


def test_override_live_without_block_on_a_local_disk_is_blocked():
    inst = make_instance("i-local", volume_backed=False)
    plan = drain([inst], [make_host("cmp2")],
                 overrides={"i-local": Override(strategy=Strategy.LIVE)})
    row = plan.row("i-local")
    assert row.strategy is Strategy.BLOCKED
    assert "needs-block-migration" in codes(row.findings, BLOCKER)
    assert row.why.startswith("chosen by the operator, but live migration")


def test_override_live_on_a_shutoff_instance_is_blocked():
    plan = drain([make_instance("i-off", status="SHUTOFF")],
                 [make_host("cmp2")],
                 overrides={"i-off": Override(strategy="live")})
    row = plan.row("i-off")
    assert row.strategy is Strategy.BLOCKED
    assert "state-not-allowed" in codes(row.findings, BLOCKER)


def test_unknown_destination_is_blocked():
    plan = drain([make_instance("i-a")], [make_host("cmp2")],
                 default_destination="nowhere")
    row = plan.row("i-a")
    assert row.strategy is Strategy.BLOCKED
    assert codes(row.findings) == {"plan-unknown-destination"}


def test_disabled_chosen_destination_is_blocked_by_preflight():
    plan = drain([make_instance("i-a")],
                 [make_host("cmp2", status="disabled")],
                 default_destination="cmp2")
    assert "dest-disabled" in codes(plan.row("i-a").findings, BLOCKER)


def test_options_object_and_keywords():
    opts = PlanOptions(microversion="2.24")
    plan = plan_drain(source_for([]), [], [], opts, default_destination="x")
    assert plan.microversion == "2.24"


# ---------------------------------------------------------------------------
# Determinism and size
# ---------------------------------------------------------------------------


def test_deterministic_whatever_the_input_order():
    source, instances, hosts = planning_case.build_benchmark_case(40, 8)
    first = plan_drain(source, instances, hosts)
    shuffled = list(instances)
    random.Random(7).shuffle(shuffled)
    hosts = list(reversed(hosts))
    second = plan_drain(source, shuffled, hosts)
    assert first == second


def test_two_hundred_instances_over_fifty_hosts_shape():
    source, instances, hosts = planning_case.build_benchmark_case(200, 50)
    plan = plan_drain(source, instances, hosts)
    assert len(plan.rows) == 200
    assert sum(plan.counts.values()) == 200
    assert len(plan.order) == sum(plan.counts[s] for s in pl.MOVING)
    assert plan.counts[Strategy.COLD] > 0
    assert plan.counts[Strategy.LIVE_BLOCK] > 0
    assert plan.submittable
    moving = plan.rows[: len(plan.order)]
    assert [r.position for r in moving] == list(range(len(plan.order)))
    assert list(plan.order) == [r.instance_id for r in moving]
    assert moving == tuple(sorted(moving, key=pl.submission_key))
    assert all(r.expected_host for r in moving)
    # Anti-affinity members ended up on different hosts.
    anti = [r.expected_host for r in moving
            if r.instance_id in {"i-%03d" % i for i in range(0, 200, 20)}]
    assert len(anti) == len(set(anti))
    assert set(plan.hosts_used) <= {h.name for h in hosts}


def test_benchmark_entry_point_runs():
    assert planning_case.benchmark(10, 3, repeat=1) > 0


# ---------------------------------------------------------------------------
# Move back
# ---------------------------------------------------------------------------


def record(iid, source, dest, status="completed", type="live-migration",
           at="2026-11-20T10:00:00.000000", mid=None):
    return {"instance_uuid": iid, "source_compute": source,
            "dest_compute": dest, "status": status,
            "migration_type": type, "created_at": at, "id": mid}


def test_move_back_selects_from_the_migration_records():
    host = make_host("src", ram_gib=64)  # enabled again after maintenance
    migrations = [
        record("i-back", "src", "cmp2"),
        record("i-cold", "src", "cmp3", status="confirmed", type="migration"),
        record("i-onward", "src", "cmp2"),
        record("i-failed", "src", "cmp2", status="failed"),
        record("i-home", "src", "cmp2", at="2026-11-20T10:00:00Z"),
        record("i-home", "cmp2", "src", at="2026-11-21T09:00:00Z"),
        record("i-old", "src", "cmp2", at="2026-01-01T00:00:00"),
        record("i-gone", "src", "cmp3"),
        record("i-resized", "src", "cmp2", type="resize"),
        record("i-elsewhere", "cmp3", "cmp2"),
    ]
    instances = [
        make_instance("i-back", host="cmp2"),
        make_instance("i-cold", host="cmp3", status="SHUTOFF"),
        make_instance("i-onward", host="cmp4"),
        make_instance("i-failed", host="src"),
        make_instance("i-home", host="src"),
        make_instance("i-old", host="cmp2"),
        make_instance("i-resized", host="cmp2"),
        make_instance("i-elsewhere", host="cmp2"),
    ]
    hosts = [make_host("cmp2", instance_ids=frozenset({"i-back"})),
             make_host("cmp3", instance_ids=frozenset({"i-cold"})),
             make_host("cmp4")]
    plan = move_back_plan(host, instances, migrations, hosts,
                          since="2026-11-01T00:00:00")
    assert plan.direction == "move-back" and plan.host == "src"
    s = strategies(plan)
    assert s == {
        "i-back": Strategy.LIVE,
        "i-cold": Strategy.COLD,
        "i-onward": Strategy.NOTHING,
        "i-home": Strategy.NOTHING,
        "i-gone": Strategy.NOTHING,
    }
    back = plan.row("i-back")
    assert back.source == "cmp2" and back.destination == "src"
    assert plan.row("i-cold").source == "cmp3"
    assert "cmp4" in plan.row("i-onward").why
    assert "already back" in plan.row("i-home").why
    assert plan.row("i-gone").why == "no longer exists"
    assert plan.order == ("i-back", "i-cold") and plan.submittable
    assert plan.hosts_used == ("src",)


def test_move_back_without_since_uses_every_record_and_objects():
    class Migration:  # the shape of api.nova.Migration
        def __init__(self, **kw):
            self.__dict__.update(kw)

    migrations = [
        Migration(id=7, instance_id="i-a", source_compute="src",
                  dest_compute="cmp2", status="completed",
                  migration_type="live-migration",
                  created_at="2026-01-01T00:00:00"),
        MigrationRecord("i-b", "src", "cmp2", "done", "evacuation", None),
    ]
    instances = [make_instance("i-a", host="cmp2"),
                 make_instance("i-b", host="cmp2")]
    plan = move_back_plan(make_host("src"), instances, migrations,
                          [make_host("cmp2")])
    assert plan.order == ("i-a", "i-b")


def test_move_back_is_checked_together_and_needs_the_host_enabled():
    migrations = [record("i-a", "src", "cmp2"), record("i-b", "src", "cmp2")]
    instances = [make_instance("i-a", host="cmp2"),
                 make_instance("i-b", host="cmp2")]
    cmp2 = make_host("cmp2", instance_ids=frozenset({"i-a", "i-b"}))
    plan = move_back_plan(make_host("src", ram_gib=6), instances,
                          migrations, [cmp2])
    assert plan.counts[Strategy.LIVE] == 1
    assert "ram-insufficient" in codes(plan.blocked[0].findings, BLOCKER)
    plan = move_back_plan(make_host("src", status="disabled"), instances,
                          migrations, [cmp2])
    assert all("dest-disabled" in codes(r.findings, BLOCKER)
               for r in plan.rows)


def test_last_completed_record_wins_by_time_then_id():
    migrations = [
        record("i-a", "src", "cmp2", at="2026-11-20T10:00:00", mid=9),
        record("i-a", "cmp2", "cmp3", at="2026-11-20T10:00:00", mid=10),
    ]
    instances = [make_instance("i-a", host="cmp3")]
    plan = move_back_plan(make_host("src"), instances, migrations,
                          [make_host("cmp2"), make_host("cmp3")])
    row = plan.row("i-a")
    assert row.strategy is Strategy.NOTHING
    assert "moved from cmp2 to cmp3" in row.why


def test_migration_record_coerce_from_plugin_keys():
    rec = MigrationRecord.coerce({"instance_id": "i", "source": "a",
                                  "dest": "b", "status": "completed",
                                  "type": "migration"})
    assert (rec.instance_id, rec.source, rec.dest, rec.type) == (
        "i", "a", "b", "migration")
    assert MigrationRecord.coerce(rec) is rec


# ---------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------


def test_every_plan_code_is_listed_and_distinct_from_preflight():
    source = "".join(
        f.read_text() for f in sorted(Path(pl.__file__).parent.glob("*.py"))
    )
    emitted = set(re.findall(r'"(plan-[a-z0-9-]+)"', source))
    assert emitted == set(pl.PLAN_CODES)
    assert not pl.PLAN_CODES & pf.FINDING_CODES
