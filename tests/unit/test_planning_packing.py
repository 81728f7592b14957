"""What the scheduler prediction tells the operator (core/planning/packing):
the notes about what it could not check, the plan's shortage headline, the
reason each instance left out is given (capacity, anti-affinity, affinity,
traits), and the hints about affinity groups that can only move together.

Instances are make_instance's (4 GiB, 2 vCPUs, volume-backed, label = the
id without "i-"); every expected text is written by hand from the inputs.
"""

import pytest

from migration_dashboard.core.planning import Override, Strategy
from migration_dashboard.core.preflight import (
    BLOCKER,
    NOTE,
    WARNING,
    ServerGroup,
)
from tests.unit.plan_checks import only
from tests.unit.plan_checks import plans_are_well_said  # noqa: F401
from tests.unit.test_planning import (
    TPM,
    VTPM_SPECS,
    drain,
    make_host,
    make_instance,
)

pytestmark = pytest.mark.usefixtures("findings_are_well_said",
                                      "plans_are_well_said")

REMEDY_SHORT = ("Free capacity on other hosts, enable more hosts, or exclude"
                " some instances.")


def group(name, policy, members, **kw):
    # Messages name a group by its name, not its id.
    return ServerGroup("id-" + name, policy, members=tuple(members),
                       name=name, **kw)



# Notes about what the prediction could not check ---------------------------


def test_members_unknown_on_a_candidate_is_noted_for_a_group_member():
    g = group("g", "anti-affinity", ["i-a", "i-b"])
    hosts = [make_host("cmp2", instance_ids=None),
             make_host("cmp3"), make_host("cmp4", instance_ids=None)]
    plan = drain([make_instance("i-a", server_groups=[g]),
                  make_instance("i-b")], hosts)
    note = only(plan.findings, "plan-groups-unknown")
    assert note.severity is NOTE
    assert note.message == ("Could not check server-group members on"
                            " cmp2, cmp4; the prediction assumes none are"
                            " there.")
    assert note.remedy == "List the instances on every host."
    # Without a server group, the members do not matter: no note.
    plan = drain([make_instance("i-a"), make_instance("i-b")], hosts)
    assert "plan-groups-unknown" not in {f.code for f in plan.findings}
    # Every member list known: no note either.
    plan = drain([make_instance("i-a", server_groups=[g])],
                 [make_host("cmp3")])
    assert plan.findings == ()


def test_unknown_free_room_is_noted_per_host_and_per_resource_needed():
    inst = make_instance("i-a", volume_backed=False)  # 20 GiB disk copied
    hosts = [make_host("cmp2"),  # all known: no note, the next still noted
             make_host("cmp3", free_ram_mb=None, free_vcpus=None,
                       free_disk_gb=None, free_pcpus=None),
             make_host("cmp4", free_vcpus=None)]
    plan = drain([inst], hosts)
    notes = [f for f in plan.findings if f.code == "plan-capacity-unknown"]
    assert [(f.severity, f.message, f.remedy) for f in notes] == [
        (NOTE, "Could not check the free RAM, vCPUs, disk of cmp3; the"
               " prediction assumes it has room.",
         "Read Placement inventories and usages of cmp3."),
        (NOTE, "Could not check the free vCPUs of cmp4; the prediction"
               " assumes it has room.",
         "Read Placement inventories and usages of cmp4."),
    ]
    # Unknown free RAM sorts as none: the 64 GiB hosts come first, by name.
    assert plan.row("i-a").expected_host == "cmp2"


def test_host_of_unknown_state_note_says_which_and_why():
    plan = drain([make_instance("i-a")],
                 [make_host("cmp2"), make_host("cmp3", status=None),
                  make_host("cmp4", state=None)])
    notes = [f for f in plan.findings if f.code == "plan-host-state-unknown"]
    assert [(f.severity, f.message, f.remedy) for f in notes] == [
        (NOTE, "Could not tell whether %s is enabled and up; its room is not"
               " counted." % name, "Read the compute services.")
        for name in ("cmp3", "cmp4")
    ]
    assert plan.row("i-a").expected_host == "cmp2"


# The shortage: headline and each instance left out ---------------------------


def test_certain_shortage_names_every_resource_short():
    # Wanted: 3 x (4 GiB, 2 vCPUs, 20 GiB disk); free in total: 9 GiB,
    # 5 vCPUs, 50 GiB disk -> 3 GiB RAM, 1 vCPUs, 10 GiB disk short.
    instances = [make_instance(i, volume_backed=False)
                 for i in ("i-a", "i-b", "i-c")]
    hosts = [make_host("cmp2", ram_gib=5, free_vcpus=3, free_disk_gb=30),
             make_host("cmp3", ram_gib=4, free_vcpus=2, free_disk_gb=20)]
    plan = drain(instances, hosts)
    headline = ("The other enabled, up hosts have room for only 2 of 3"
                " instances: 3 GiB RAM, 1 vCPUs, 10 GiB disk short.")
    short = only(plan.findings, "plan-capacity-short")
    assert (short.severity, short.message, short.remedy) == (
        BLOCKER, headline, REMEDY_SHORT)
    (row,) = plan.blocked
    assert row.instance_id == "i-c"  # last by name of three equal ones
    mine = only(row.findings, "plan-capacity-short")
    assert mine.severity is BLOCKER and mine.remedy == REMEDY_SHORT
    assert mine.message == ("c needs 4 GiB RAM, 2 vCPUs, 20 GiB disk. "
                            + headline)
    assert row.why == "no room predicted: " + mine.message
    assert row.intended is Strategy.LIVE_BLOCK and row.expected_host is None
    assert [r.expected_host for r in plan.rows[:2]] == ["cmp2", "cmp3"]


def test_a_short_host_with_a_negative_free_value_adds_no_room():
    # cmp3 is overcommitted (-2 GiB free): the total free is 5 GiB, not 3.
    instances = [make_instance("i-a"), make_instance("i-b", ram_gib=2)]
    hosts = [make_host("cmp2", ram_gib=5),
             make_host("cmp3", free_ram_mb=-2048)]
    plan = drain(instances, hosts)
    assert only(plan.findings, "plan-capacity-short").message == (
        "The other enabled, up hosts have room for only 1 of 2 instances:"
        " 1 GiB RAM short.")


def test_fragmented_room_is_a_warning_that_names_what_is_needed():
    instances = [make_instance(i) for i in ("i-a", "i-b", "i-c")]
    hosts = [make_host("cmp2", ram_gib=6), make_host("cmp3", ram_gib=6)]
    plan = drain(instances, hosts)
    headline = ("The other enabled, up hosts have room for only 2 of 3"
                " instances as packed; their total room would suffice, so"
                " the scheduler may still place more.")
    short = only(plan.findings, "plan-capacity-short")
    assert (short.severity, short.message) == (WARNING, headline)
    row = plan.row("i-c")
    mine = only(row.findings, "plan-capacity-short")
    assert (mine.severity, mine.message) == (
        WARNING, "c needs 4 GiB RAM, 2 vCPUs. " + headline)
    assert row.strategy is Strategy.LIVE  # a warning does not block
    assert plan.submittable


def test_no_host_with_room_before_the_others_says_so():
    # Room taken by a chosen-destination row first: i-b, left to the
    # scheduler, finds no host with room even before the other rows.
    instances = [make_instance("i-a"), make_instance("i-b", ram_gib=3)]
    plan = drain(instances, [make_host("cmp2", ram_gib=6)],
                 overrides={"i-a": Override(destination="cmp2")})
    headline = ("The other enabled, up hosts have room for only 0 of 1"
                " instances: 1 GiB RAM short.")
    row = plan.row("i-b")
    mine = only(row.findings, "plan-capacity-short")
    assert (mine.severity, mine.message) == (
        BLOCKER, "No enabled, up host has room for b (needs 3 GiB RAM,"
                 " 2 vCPUs). " + headline)
    assert row.why == "no room predicted: " + mine.message


# Anti-affinity ---------------------------------------------------------------


@pytest.mark.parametrize("limit, members, text", [
    (1, ["i-a", "i-b"], "at most 1 member per host"),
    (2, ["i-a", "i-b", "i-c"], "at most 2 members per host"),
])
def test_hard_anti_affinity_left_out_says_the_group_and_its_limit(
        limit, members, text):
    g = group("g", "anti-affinity", members, max_server_per_host=limit)
    instances = [make_instance(i, server_groups=[g]) for i in members]
    plan = drain(instances, [make_host("cmp2")])
    (row,) = plan.blocked
    assert row.instance_id == members[-1]
    f = only(row.findings, "plan-anti-affinity-spread")
    assert f.severity is BLOCKER and f.remedy == REMEDY_SHORT
    assert f.message == (
        "%s is in anti-affinity group g (%s); no enabled, up host with room"
        " is free of its members, so the scheduler refuses."
        % (members[-1][2:], text))
    assert row.why == "no room predicted: " + f.message
    assert plan.counts[Strategy.LIVE] == len(members) - 1


def test_soft_anti_affinity_warns_which_host_it_will_share():
    g = group("g", "soft-anti-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2")])
    a, b = plan.row("i-a"), plan.row("i-b")
    assert (a.expected_host, b.expected_host) == ("cmp2", "cmp2")
    assert "plan-anti-affinity-spread" not in {f.code for f in a.findings}
    f = only(b.findings, "plan-anti-affinity-spread")
    assert (f.severity, f.message, f.remedy) == (
        WARNING,
        "No host without a member of b's soft-anti-affinity group has room;"
        " the scheduler will likely put it next to one (on cmp2).",
        "Accept it, or free a host.")


def test_anti_affinity_counts_each_group_of_an_instance():
    # i-a is in two anti-affinity groups; cmp3 holds a member of the
    # second: only cmp2 is free of both.
    g1 = group("g1", "anti-affinity", ["i-a", "i-x"])
    g2 = group("g2", "anti-affinity", ["i-a", "i-y"])
    hosts = [make_host("cmp2", ram_gib=8),
             make_host("cmp3", ram_gib=64, instance_ids=frozenset({"i-y"})),
             make_host("cmp4", ram_gib=32, instance_ids=frozenset({"i-x"}))]
    plan = drain([make_instance("i-a", server_groups=[g1, g2])], hosts)
    assert plan.row("i-a").expected_host == "cmp2"


# Affinity --------------------------------------------------------------------


def test_affinity_members_without_room_on_their_group_host_are_blocked():
    g = group("g", "affinity", ["i-a", "i-b", "i-far"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp2", ram_gib=128),
             make_host("cmp3", ram_gib=6,
                       instance_ids=frozenset({"i-far"}))]
    plan = drain(instances, hosts)
    for row in plan.rows:
        f = only(row.findings, "plan-affinity-together")
        assert (f.severity, f.remedy) == (BLOCKER, REMEDY_SHORT)
        assert f.message == ("a, b must join the other members of affinity"
                             " group g on cmp3, which lacks room for 8 GiB"
                             " RAM, 4 vCPUs.")
        assert row.strategy is Strategy.BLOCKED


def test_soft_affinity_member_without_room_by_the_others_is_a_warning():
    g = group("g", "soft-affinity", ["i-a", "i-far"])
    hosts = [make_host("cmp2", ram_gib=128),
             make_host("cmp3", ram_gib=2, instance_ids=frozenset({"i-far"}))]
    plan = drain([make_instance("i-a", server_groups=[g])], hosts)
    row = plan.row("i-a")
    f = only(row.findings, "plan-affinity-together")
    assert f.severity is WARNING
    assert f.message == ("a must join the other members of affinity group g"
                         " on cmp3, which lacks room for 4 GiB RAM,"
                         " 2 vCPUs.")
    assert row.strategy is Strategy.LIVE and plan.submittable


def test_soft_affinity_split_says_how_many_and_what_they_need():
    g = group("g", "soft-affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2", ram_gib=5),
                             make_host("cmp3", ram_gib=6)])
    assert [plan.row(i).expected_host for i in ("i-a", "i-b")] == [
        "cmp3", "cmp2"]
    for row in plan.rows:
        f = only(row.findings, "plan-affinity-split")
        assert (f.severity, f.message, f.remedy) == (
            WARNING,
            "No single host has room for all 2 moving members of"
            " soft-affinity group g (8 GiB RAM, 4 vCPUs); the scheduler"
            " will spread them.",
            "Free a host, or accept the split.")
    assert plan.findings == ()  # both placed: no shortage


def test_soft_affinity_split_counts_what_is_placed_and_left():
    # Three members, room for two (one per host): one left out, and the
    # shortage counts the two placed.
    # i-big (submitted first) takes cmp4.
    g = group("g", "soft-affinity", ["i-a", "i-b", "i-c"])
    instances = [make_instance(i, server_groups=[g])
                 for i in ("i-a", "i-b", "i-c")]
    instances.append(make_instance("i-big", ram_gib=6))
    plan = drain(instances, [make_host("cmp2", ram_gib=5),
                             make_host("cmp3", ram_gib=5),
                             make_host("cmp4", ram_gib=6)])
    assert only(plan.findings, "plan-capacity-short").message == (
        "The other enabled, up hosts have room for only 3 of 4 instances:"
        " 2 GiB RAM short.")
    assert [r.instance_id for r in plan.blocked] == ["i-c"]
    assert plan.row("i-big").expected_host == "cmp4"


def test_hard_affinity_on_the_source_names_the_hosts_with_room():
    g = group("g", "affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp2", ram_gib=7),  # 1 GiB too little
             make_host("cmp3", ram_gib=8),  # exactly 8 GiB: room
             make_host("cmp4", ram_gib=16),
             make_host("cmp5", ram_gib=64, status="disabled"),
             make_host("cmp6", ram_gib=64, state="down")]
    plan = drain(instances, hosts)
    message = (
        "Affinity group g (2 members here, 8 GiB RAM, 4 vCPUs) can only"
        " move together: cmp3, cmp4 have room for all of them. Nova"
        " accepts that only as forced live migrations to one host"
        " (microversion 2.30 to 2.67 with force, or below 2.30).")
    for row in plan.rows:
        f = only(row.findings, "plan-affinity-together")
        assert (f.severity, f.message, f.remedy) == (
            NOTE, message,
            "Exclude the group and move it by hand, or delete and recreate"
            " its members.")


def test_hard_affinity_on_the_source_without_any_room_is_a_warning():
    g = group("g", "affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2", ram_gib=7)])
    for row in plan.rows:
        f = only(row.findings, "plan-affinity-together")
        assert (f.severity, f.message) == (
            WARNING,
            "Affinity group g (2 members here) needs one host with room for"
            " all of them (8 GiB RAM, 4 vCPUs); no enabled, up host has it.")


# Traits and zones ------------------------------------------------------------


def test_trait_instance_whose_only_host_is_taken_says_which_host():
    # i-v1 is sent to cmp3 (the one TPM host) by the operator; i-v2, left
    # to the scheduler, can only go there too, and the room is gone.
    v1 = make_instance("i-v1", extra_specs=VTPM_SPECS)
    v2 = make_instance("i-v2", extra_specs=VTPM_SPECS)
    hosts = [make_host("cmp2", ram_gib=64),
             make_host("cmp3", ram_gib=6, traits=TPM)]
    plan = drain([v1, v2], hosts,
                 overrides={"i-v1": Override(destination="cmp3")})
    assert plan.row("i-v1").strategy is Strategy.COLD
    row = plan.row("i-v2")
    f = only(row.findings, "plan-capacity-short")
    assert f.severity is BLOCKER
    assert f.message == (
        "v2 can only go to a host with trait(s) COMPUTE_SECURITY_TPM_2_0,"
        " COMPUTE_SECURITY_TPM_CRB,"
        " COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER: cmp3, which lacks room"
        " for it (needs 4 GiB RAM, 2 vCPUs).")
    assert row.strategy is Strategy.BLOCKED


def test_forbidden_trait_instance_names_the_hosts_without_it():
    # cmp2 has CUSTOM_SLOW; the operator sends i-b to cmp3 and i-c to
    # cmp4, which leaves 1 and 3 GiB there: no room for i-fast's 4 GiB.
    slow = {"trait:CUSTOM_SLOW": "forbidden"}
    fast = make_instance("i-fast", extra_specs=slow)
    others = [make_instance("i-b", extra_specs=slow),
              make_instance("i-c", ram_gib=2, extra_specs=slow)]
    hosts = [make_host("cmp2", ram_gib=64, traits=frozenset({"CUSTOM_SLOW"})),
             make_host("cmp3", ram_gib=5), make_host("cmp4", ram_gib=5)]
    plan = drain([fast] + others, hosts,
                 overrides={"i-b": Override(destination="cmp3"),
                            "i-c": Override(destination="cmp4")})
    assert plan.row("i-fast").strategy is Strategy.BLOCKED
    f = only(plan.row("i-fast").findings, "plan-capacity-short")
    assert f.message == (
        "fast can only go to a host with none of CUSTOM_SLOW: cmp3, cmp4,"
        " which lack room for it (needs 4 GiB RAM, 2 vCPUs).")


def test_pinned_zone_instance_is_predicted_in_its_zone():
    inst = make_instance("i-a", pinned_availability_zone="az1")
    hosts = [make_host("cmp2", ram_gib=64, zone="nova"),
             make_host("cmp3", ram_gib=8, zone="az1"),
             make_host("cmp4", ram_gib=4, zone=None)]
    plan = drain([inst], hosts)
    assert plan.row("i-a").expected_host == "cmp3"


def test_affinity_hint_skips_other_rows_and_counts_what_the_plan_puts_there():
    # Rows before the group's: one placed by the scheduler (4 GiB on
    # cmp4, the roomiest, which leaves it 6 GiB: too little for the
    # group's 8), one blocked for another reason.
    g = group("g", "affinity", ["i-a", "i-b"])
    instances = [make_instance("i-0"),
                 make_instance("i-acc", ram_gib=1,
                               extra_specs={"accel:device_profile": "x"}),
                 make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    hosts = [make_host("cmp3", ram_gib=8), make_host("cmp4", ram_gib=10)]
    plan = drain(instances, hosts)
    assert plan.row("i-0").expected_host == "cmp4"
    for iid in ("i-a", "i-b"):
        f = only(plan.row(iid).findings, "plan-affinity-together")
        assert f.message.startswith(
            "Affinity group g (2 members here, 8 GiB RAM, 4 vCPUs) can only"
            " move together: cmp3 has room for all of them.")
    assert "plan-affinity-together" not in {
        f.code for f in plan.row("i-acc").findings}


def test_affinity_hint_for_the_one_member_that_moves():
    # i-b is excluded (stays): i-a alone is refused next to nothing.
    g = group("g", "affinity", ["i-a", "i-b"])
    instances = [make_instance("i-a", server_groups=[g]),
                 make_instance("i-b", server_groups=[g])]
    plan = drain(instances, [make_host("cmp2")],
                 overrides={"i-b": Override(exclude=True)})
    row = plan.row("i-a")
    assert row.strategy is Strategy.BLOCKED
    assert only(row.findings, "plan-affinity-together").message == (
        "Affinity group g (1 member here, 4 GiB RAM, 2 vCPUs) can only move"
        " together: cmp2 has room for all of them. Nova accepts that only as"
        " forced live migrations to one host (microversion 2.30 to 2.67 with"
        " force, or below 2.30).")


def test_trait_instance_with_no_trait_host_known_up():
    # cmp3 has the TPM traits but its service state is unknown: pre-flight
    # cannot rule it out, the prediction does not count it.
    vtpm = make_instance("i-vtpm", extra_specs=VTPM_SPECS)
    plan = drain([vtpm], [make_host("cmp2"),
                          make_host("cmp3", traits=TPM, state=None)])
    row = plan.row("i-vtpm")
    f = only(row.findings, "plan-capacity-short")
    assert (f.severity, f.message) == (
        BLOCKER,
        "vtpm needs a host with trait(s) COMPUTE_SECURITY_TPM_2_0,"
        " COMPUTE_SECURITY_TPM_CRB,"
        " COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER; no other enabled, up"
        " host has them, so Placement finds none.")
    assert row.strategy is Strategy.BLOCKED
