"""Edge tests for planning that a user would notice: the together-capacity
bookkeeping (core/planning/capacity.Usage: what earlier moves of a plan
take from each host, as pre-flight sees it for the later moves), the
strategy of a row against its chosen destination, and the host the
scheduler is predicted to pick.

Expected values are worked out by hand from the inputs in each test.
"""

from types import SimpleNamespace

import pytest

from migration_dashboard.core.planning import Override, Strategy, plan_drain
from migration_dashboard.core.planning.model import submission_key
from migration_dashboard.core.planning.capacity import Usage
from migration_dashboard.core.preflight import Flavor, Host
from tests.unit.test_planning import make_host, make_instance, source_for

from tests.unit.plan_checks import plans_are_well_said  # noqa: F401

# Every finding a plan makes is also checked for its words (severity,
# code, catalogue): see finding_checks.
pytestmark = pytest.mark.usefixtures("findings_are_well_said",
                                      "plans_are_well_said")


def host(name, ram=1000, vcpus=10, pcpus=4, disk=100, ids=()):
    return Host(name=name, free_ram_mb=ram, free_vcpus=vcpus,
                free_pcpus=pcpus, free_disk_gb=disk,
                instance_ids=None if ids is None else frozenset(ids))


def move(iid, ram, vcpus, pcpus, disk):
    # Only what Usage.add reads of a placement.
    return SimpleNamespace(inst=SimpleNamespace(id=iid), ram=ram,
                           vcpu_need=vcpus, pcpu_need=pcpus, disk_need=disk)


def test_untouched_host_is_free_as_read():
    u = Usage()
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [1000, 10, 4, 100]


def test_two_moves_to_one_host_add_up_per_resource():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    u.add("cmp2", move("i-b", 200, 3, 0, 30))
    # 1000-300-200, 10-2-3, 4-1-0, 100-20-30
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [500, 5, 3, 50]
    # Another host is not charged for cmp2's moves.
    assert u.free(host("cmp3", 1000, 10, 4, 100)) == [1000, 10, 4, 100]


def test_a_host_filled_exactly_has_zero_left_not_negative_one():
    u = Usage()
    u.add("cmp2", move("i-a", 1000, 10, 4, 100))
    assert u.free(host("cmp2", 1000, 10, 4, 100)) == [0, 0, 0, 0]


def test_unknown_free_value_stays_unknown():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    h = Host(name="cmp2", free_ram_mb=None, free_vcpus=10,
             free_pcpus=None, free_disk_gb=100, instance_ids=frozenset())
    assert u.free(h) == [None, 8, None, 80]


def test_members_after_moves_out_and_in():
    u = Usage()
    u.add("cmp2", move("i-a", 1, 1, 0, 1))  # i-a leaves src for cmp2
    src = host("src", ids={"i-a", "i-b"})
    cmp2 = host("cmp2", ids={"i-x"})
    assert u.members(src) == frozenset({"i-b"})
    assert u.members(cmp2) == frozenset({"i-x", "i-a"})
    # A host the plan does not touch keeps its members (same object).
    cmp3_ids = frozenset({"i-y"})
    cmp3 = Host(name="cmp3", instance_ids=cmp3_ids)
    assert u.members(cmp3) is cmp3_ids
    assert u.members(host("cmp4", ids=None)) is None


def test_adjusted_destination_shows_what_earlier_moves_took():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    h = u.adjusted(host("cmp2", 1000, 10, 4, 100, ids={"i-x"}))
    assert (h.name, h.free_ram_mb, h.free_vcpus, h.free_pcpus,
            h.free_disk_gb) == ("cmp2", 700, 8, 3, 80)
    assert h.instance_ids == frozenset({"i-x", "i-a"})


def test_adjusted_source_loses_the_members_that_left():
    # The source's free capacity is not credited back (the move may
    # fail), but its member list drops what left, for affinity rules.
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    src = u.adjusted(host("src", 50, 1, 0, 5, ids={"i-a", "i-b"}))
    assert src.instance_ids == frozenset({"i-b"})
    assert (src.free_ram_mb, src.free_vcpus, src.free_pcpus,
            src.free_disk_gb) == (50, 1, 0, 5)


def test_adjusted_untouched_host_is_the_same_object():
    u = Usage()
    u.add("cmp2", move("i-a", 300, 2, 1, 20))
    cmp3 = host("cmp3", ids={"i-y"})
    assert u.adjusted(cmp3) is cmp3
    empty = host("cmp4", ids=())
    assert u.adjusted(empty) is empty


# ---------------------------------------------------------------------------
# Strategy of one row against its chosen destination
# (core/planning/strategy.choose), through plan_drain.
# ---------------------------------------------------------------------------

def test_chosen_destination_without_shared_storage_needs_block_migration():
    # The source says its storage is shared, the chosen destination says
    # it is not: the local disk must be copied (live block migration),
    # whatever the source alone would suggest.
    inst = make_instance("i-local", volume_backed=False)
    src = make_host("src", status="disabled", shared_storage=True,
                    instance_ids=frozenset({"i-local"}))
    plan = plan_drain(src, [inst], [make_host("cmp2", shared_storage=False)],
                      default_destination="cmp2")
    row = plan.row("i-local")
    assert row.destination == "cmp2"
    assert row.strategy is Strategy.LIVE_BLOCK


def test_a_lone_row_too_big_for_its_destination_is_blocked_on_its_own():
    # 4 GiB instance, destination with 3 GiB free: blocked by the row's
    # own check, not as a clash "with the rest of the plan" (there is no
    # rest: one row).
    inst = make_instance("i-big", ram_gib=4)
    plan = plan_drain(source_for([inst]), [inst],
                      [make_host("cmp2", ram_gib=3)],
                      default_destination="cmp2")
    row = plan.row("i-big")
    assert row.strategy is Strategy.BLOCKED
    assert "ram-insufficient" in {f.code for f in row.findings}
    assert "rest of the plan" not in row.why


def test_operator_choice_keeps_the_reason_it_is_possible():
    inst = make_instance("i-a")
    hosts = [make_host("cmp2")]
    plain = plan_drain(source_for([inst]), [inst], hosts).row("i-a")
    assert plain.strategy is Strategy.LIVE  # the free choice is live too
    forced = plan_drain(
        source_for([inst]), [inst], hosts,
        overrides={"i-a": Override(strategy=Strategy.LIVE)},
    ).row("i-a")
    assert forced.strategy is Strategy.LIVE and forced.overridden
    assert forced.why == "chosen by the operator: " + plain.why
    assert "None" not in forced.why


# ---------------------------------------------------------------------------
# The scheduler's predicted host (core/planning/packing.pack)
# ---------------------------------------------------------------------------


def scheduled(instances, hosts):
    return plan_drain(source_for(instances), instances, hosts)


def test_scheduler_prediction_takes_the_host_with_most_free_ram():
    # cmp2: 8 GiB, 64 vCPUs; cmp3: 16 GiB, 8 vCPUs. The RAM weigher
    # spreads: the 4 GiB instance goes to cmp3 (more RAM), not to the
    # host with more vCPUs nor the first by name.
    inst = make_instance("i-a")
    plan = scheduled([inst], [make_host("cmp2", ram_gib=8, free_vcpus=64),
                              make_host("cmp3", ram_gib=16, free_vcpus=8)])
    assert plan.row("i-a").expected_host == "cmp3"


def test_scheduler_prediction_ties_on_ram_go_by_host_name():
    inst = make_instance("i-a")
    plan = scheduled([inst], [make_host("cmp3", ram_gib=8),
                              make_host("cmp2", ram_gib=8)])
    assert plan.row("i-a").expected_host == "cmp2"


def test_host_of_unknown_state_is_noted_and_not_counted():
    inst = make_instance("i-a")
    plan = scheduled([inst], [make_host("cmp2", ram_gib=8),
                              make_host("cmp3", ram_gib=32, state=None)])
    # cmp3 has more room but might be down: not predicted.
    assert plan.row("i-a").expected_host == "cmp2"
    (note,) = [f for f in plan.findings
               if f.code == "plan-host-state-unknown"]
    assert "cmp3" in note.message


def test_disabled_or_down_hosts_are_left_out_without_a_note():
    # Known not to take instances: no "state unknown" note for them.
    inst = make_instance("i-a")
    plan = scheduled([inst], [
        make_host("cmp2", ram_gib=8),
        make_host("cmp3", ram_gib=32, status="disabled"),
        make_host("cmp4", ram_gib=32, state="down"),
    ])
    assert plan.row("i-a").expected_host == "cmp2"
    assert "plan-host-state-unknown" not in {f.code for f in plan.findings}


def test_shortage_in_fractions_of_a_gib():
    # 4 + 4 + 2.5 = 10.5 GiB wanted, 5 + 4 = 9 GiB free: 1.5 GiB short;
    # i-a fills most of cmp2, i-b all of cmp3, i-c (2.5 GiB) fits nowhere.
    c = make_instance("i-c", flavor=Flavor(
        vcpus=2, ram_mb=2560, disk_gb=20, extra_specs={}))
    plan = scheduled([make_instance("i-a"), make_instance("i-b"), c],
                     [make_host("cmp2", ram_gib=5),
                      make_host("cmp3", ram_gib=4)])
    (short,) = [f for f in plan.findings if f.code == "plan-capacity-short"]
    assert "room for only 2 of 3 instances: 1.5 GiB RAM short" \
        in short.message


def test_host_with_exactly_the_required_traits_is_a_candidate():
    # Placement keeps a host whose traits include all required ones,
    # equal sets included; the roomier host lacks CUSTOM_GOLD.
    inst = make_instance("i-gold", extra_specs={"trait:CUSTOM_GOLD":
                                                "required"})
    plan = scheduled([inst], [
        make_host("cmp2", ram_gib=64),
        make_host("cmp3", ram_gib=8, traits=frozenset({"CUSTOM_GOLD"})),
    ])
    assert plan.row("i-gold").expected_host == "cmp3"


def test_host_with_a_forbidden_trait_is_not_a_candidate():
    inst = make_instance("i-fast", extra_specs={"trait:CUSTOM_SLOW":
                                                "forbidden"})
    plan = scheduled([inst], [
        make_host("cmp2", ram_gib=64, traits=frozenset({"CUSTOM_SLOW"})),
        make_host("cmp3", ram_gib=8),
    ])
    assert plan.row("i-fast").expected_host == "cmp3"


# ---------------------------------------------------------------------------
# Submission order (core/planning/model.submission_key)
# ---------------------------------------------------------------------------


def test_equal_ram_the_instance_with_more_vcpus_is_submitted_first():
    # Both 4 GiB; by name i-a would go first, but i-b has 4 vCPUs to 2.
    instances = [make_instance("i-a", vcpus=2), make_instance("i-b", vcpus=4)]
    plan = scheduled(instances, [make_host("cmp2")])
    assert plan.order == ("i-b", "i-a")


def test_equal_ram_and_vcpus_the_larger_local_disk_is_submitted_first():
    # Both 4 GiB, 2 vCPUs, local disks copied: 20 GiB (i-a), 40 GiB (i-b).
    a = make_instance("i-a", volume_backed=False)
    b = make_instance("i-b", volume_backed=False, flavor=Flavor(
        vcpus=2, ram_mb=4 * 1024, disk_gb=40, extra_specs={}))
    plan = scheduled([a, b], [make_host("cmp2")])
    assert (plan.row("i-a").disk_gb, plan.row("i-b").disk_gb) == (20, 40)
    assert plan.order == ("i-b", "i-a")


def test_a_cold_row_goes_after_a_smaller_live_row_without_an_intended():
    # The key reads intended (what a blocked row would have been) and
    # falls back to strategy when intended is unset: such a cold row
    # still goes after every live one, whatever their sizes.
    def row(iid, strategy, ram):
        return SimpleNamespace(intended=None, strategy=strategy,
                               restricted=False, ram_mb=ram, vcpus=1,
                               disk_gb=0, name=iid, instance_id=iid)

    rows = [row("i-cold", Strategy.COLD, 8192),
            row("i-live", Strategy.LIVE, 1024)]
    assert [r.instance_id for r in sorted(rows, key=submission_key)] \
        == ["i-live", "i-cold"]


# ---------------------------------------------------------------------------
# The rows in the order a page showed them (core/planning/model.Plan.rows_in)
# ---------------------------------------------------------------------------

def test_rows_keep_the_order_the_page_showed_new_ones_after_in_plan_order():
    # Plan order: i-d (8 GiB), i-c (6), i-b (4), i-a (2).
    instances = [make_instance("i-%s" % n, ram_gib=r)
                 for n, r in (("a", 2), ("b", 4), ("c", 6), ("d", 8))]
    plan = scheduled(instances, [make_host("cmp2")])
    assert plan.order == ("i-d", "i-c", "i-b", "i-a")

    def ids(rows):
        return [r.instance_id for r in rows]

    assert ids(plan.rows_in(None)) == list(plan.order)
    assert ids(plan.rows_in([])) == list(plan.order)
    # Shown before: i-a, then i-c; i-gone is no longer in the plan; a row
    # listed twice keeps its first place.
    assert ids(plan.rows_in(["i-a", "i-gone", "i-c", "i-a"])) == [
        "i-a", "i-c", "i-d", "i-b"]
