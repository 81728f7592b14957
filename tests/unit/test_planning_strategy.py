"""What the plan says about each row's strategy (core/planning/strategy and
the request it sends, core/planning/model): the "why" an operator reads,
the warnings of a fallback or of unknown storage, the rows with nothing to
do, and what each row's request asks of Nova (block_migration, force,
microversion, compute service version).

Instances are make_instance's (4 GiB, 2 vCPUs, volume-backed, label = the
id without "i-"); expected texts are written by hand from the inputs.
"""

import pytest

from migration_dashboard.core.planning import (
    SCHEDULER,
    Override,
    PlanOptions,
    Strategy,
    plan_drain,
)
from migration_dashboard.core.preflight import (
    AUTO,
    BLOCKER,
    NOTE,
    WARNING,
    Flavor,
    Kind,
)
from tests.unit.plan_checks import only
from tests.unit.plan_checks import plans_are_well_said  # noqa: F401
from tests.unit.test_planning import (
    TPM,
    VTPM_SPECS,
    drain,
    make_host,
    make_instance,
    source_for,
)

pytestmark = pytest.mark.usefixtures("findings_are_well_said",
                                      "plans_are_well_said")

AUTO_SAID = " (block_migration auto: Nova decides)"



# Why each strategy -----------------------------------------------------------


@pytest.mark.parametrize("kw, why", [
    (dict(), "running, volume-backed, no local disk: live migration"),
    (dict(volume_backed=None), "running, local disks unknown: live migration"),
    (dict(volume_backed=False, status="SHUTOFF"),
     "shut off: cold migration (no further downtime)"),
    (dict(status="STOPPED"), "shut off: cold migration (no further downtime)"),
])
def test_why_of_each_free_choice(kw, why):
    plan = drain([make_instance("i-a", **kw)], [make_host("cmp2")])
    row = plan.row("i-a")
    expected = why + AUTO_SAID if "live" in why else why
    assert row.why == expected
    old = drain([make_instance("i-a", **kw)], [make_host("cmp2")],
                microversion="2.24").row("i-a")
    assert old.why == why  # no "auto" below 2.25


def test_why_of_shared_and_local_storage():
    inst = make_instance("i-a", volume_backed=False)
    shared = plan_drain(
        make_host("src", shared_storage=True, status="disabled",
                  instance_ids=frozenset({"i-a"})),
        [inst], [make_host("cmp2", shared_storage=True)]).row("i-a")
    assert shared.why == ("running, instance storage shared: live migration"
                          + AUTO_SAID)
    local = drain([inst], [make_host("cmp2")]).row("i-a")
    assert local.why == ("running with 20 GiB of local disk not on shared"
                         " storage: live block migration" + AUTO_SAID)


def test_an_operator_choice_of_cold_for_a_running_instance():
    plan = drain([make_instance("i-a")], [make_host("cmp2")],
                 overrides={"i-a": Override(strategy=Strategy.COLD)})
    row = plan.row("i-a")
    assert row.strategy is Strategy.COLD and row.intended is Strategy.COLD
    assert row.why == "chosen by the operator: cold migration"
    assert "plan-live-blocked" not in {f.code for f in row.findings}


def test_blocked_or_nothing_as_an_override_leaves_the_choice_to_the_planner():
    for strategy in (Strategy.BLOCKED, Strategy.NOTHING):
        plan = drain([make_instance("i-a")], [make_host("cmp2")],
                     overrides={"i-a": Override(strategy=strategy)})
        row = plan.row("i-a")
        assert row.strategy is Strategy.LIVE
        assert row.why == ("running, volume-backed, no local disk: live"
                           " migration" + AUTO_SAID)


def test_live_blocked_falls_back_to_cold_and_says_why():
    sev = make_instance("i-sev", extra_specs={"hw:mem_encryption": "true"})
    plan = drain([sev], [make_host("cmp2")])
    row = plan.row("i-sev")
    assert row.strategy is Strategy.COLD and row.intended is Strategy.COLD
    assert row.why == "cannot live migrate (sev-live); cold migration stops it"
    f = only(row.findings, "plan-live-blocked")
    assert f.severity is WARNING
    assert f.message.startswith("Live migration of sev is not possible: ")
    assert f.message.endswith(" Cold migration stops it while it moves.")
    assert "SEV" in f.message and f.remedy != ""
    assert row.block_migration is None and row.request().kind is Kind.COLD


def test_blocked_row_says_both_strategies_and_the_first_blocker():
    accel = make_instance("i-acc", extra_specs={"accel:device_profile": "g"})
    row = drain([accel], [make_host("cmp2")]).row("i-acc")
    first = next(f for f in row.findings if f.severity is BLOCKER)
    assert row.why == ("neither live migration nor cold migration is"
                       " possible: " + first.message)
    # Insisting on cold: only cold was tried.
    row = drain([accel], [make_host("cmp2")],
                overrides={"i-acc": Override(strategy=Strategy.COLD)}
                ).row("i-acc")
    first = next(f for f in row.findings if f.severity is BLOCKER)
    assert row.why == ("chosen by the operator, but cold migration is not"
                       " possible: " + first.message)
    assert row.intended is Strategy.COLD


def test_no_valid_host_is_said_in_short_on_the_row():
    # Too big for every host: the row says the scheduler's verdict in
    # short (its reason), the finding names every host.
    huge = make_instance("i-huge", ram_gib=32)
    row = drain([huge], [make_host("cmp2", ram_gib=20),
                         make_host("cmp3", ram_gib=20)]).row("i-huge")
    f = only(row.findings, "no-valid-host")
    assert f.reason and f.reason not in ("", f.message)
    assert row.why == ("neither live migration nor cold migration is"
                       " possible: " + f.reason)
    assert "cmp2" in f.message and "cmp2" not in row.why


# Chosen destinations ---------------------------------------------------------


def test_unknown_destination_says_so():
    row = drain([make_instance("i-a")], [make_host("cmp2")],
                default_destination="nowhere").row("i-a")
    f = only(row.findings, "plan-unknown-destination")
    assert (f.severity, f.message, f.remedy) == (
        BLOCKER, "nowhere is not a known compute host.",
        "Choose another destination, or the scheduler.")
    assert row.why == "destination nowhere unknown"
    assert row.strategy is Strategy.BLOCKED and row.destination is None


def test_the_source_as_destination_is_checked_not_unknown():
    row = drain([make_instance("i-a")], [make_host("cmp2")],
                default_destination="src").row("i-a")
    assert row.strategy is Strategy.BLOCKED
    assert "plan-unknown-destination" not in {f.code for f in row.findings}
    assert row.destination == "src"  # what it would have done
    assert row.block_migration is None and row.expected_host is None


def test_blocked_row_with_a_chosen_destination_keeps_it_shown():
    insts = [make_instance("i-a"), make_instance("i-b")]
    plan = drain(insts, [make_host("cmp2", ram_gib=6)],
                 default_destination="cmp2")
    (row,) = plan.blocked
    assert row.instance_id == "i-b"
    assert row.destination == "cmp2" and row.intended is Strategy.LIVE
    first = next(f for f in row.findings if f.severity is BLOCKER)
    assert row.why == ("live migration to cmp2 is not possible with the rest"
                       " of the plan: " + first.message)


@pytest.mark.parametrize("src_shared, dst_shared, dest, destination", [
    (None, False, "cmp2", "cmp2"),
    (False, None, "cmp2", "cmp2"),
    (None, False, None, "the destination"),
])
def test_block_true_below_2_25_warns_when_sharing_is_unknown(
        src_shared, dst_shared, dest, destination):
    inst = make_instance("i-a", volume_backed=False)
    src = make_host("src", shared_storage=src_shared, status="disabled",
                    instance_ids=frozenset({"i-a"}))
    plan = plan_drain(src, [inst], [make_host("cmp2",
                                              shared_storage=dst_shared)],
                      microversion="2.24", default_destination=dest)
    row = plan.row("i-a")
    assert row.strategy is Strategy.LIVE_BLOCK and row.block_migration is True
    f = only(row.findings, "plan-block-storage-unknown")
    assert (f.severity, f.message, f.remedy) == (
        WARNING,
        "It is unknown whether src and %s share instance storage; at"
        " microversion 2.24 block migration must be chosen explicitly, and"
        " Nova refuses block migration on shared storage." % destination,
        "Confirm the storage is local, or use microversion 2.25 or later"
        " (block migration 'auto').")


def test_no_storage_warning_when_sharing_is_known_or_auto_is_sent():
    inst = make_instance("i-a", volume_backed=False)
    for mv, src_shared in (("2.24", False), ("2.25", None)):
        src = make_host("src", shared_storage=src_shared, status="disabled",
                        instance_ids=frozenset({"i-a"}))
        row = plan_drain(src, [inst], [make_host("cmp2")],
                         microversion=mv, default_destination="cmp2"
                         ).row("i-a")
        assert row.strategy is Strategy.LIVE_BLOCK
        assert "plan-block-storage-unknown" not in {
            f.code for f in row.findings}


# Rows with nothing to do -----------------------------------------------------


@pytest.mark.parametrize("kw, why", [
    (dict(status="DELETED"), "deleted"),
    (dict(status="soft_deleted"), "deleted (soft)"),
    (dict(host="cmp9"), "not on src any more (now on cmp9)"),
    (dict(host=None), "not on src any more"),
])
def test_nothing_to_do_says_why(kw, why):
    inst = make_instance("i-a", **kw)
    src = make_host("src", status="disabled", instance_ids=frozenset())
    plan = plan_drain(src, [inst], [make_host("cmp2")])
    row = plan.row("i-a")
    assert row.strategy is Strategy.NOTHING and row.why == why
    assert row.destination is None and row.position is None
    notes = [f for f in row.findings if f.code == "plan-not-on-source"]
    if kw.get("host") == "cmp9":
        assert [(f.severity, f.message, f.remedy) for f in notes] == [
            (NOTE, "a is on cmp9 now, not on src.", "Reload the plan.")]
    else:
        assert notes == []


def test_an_instance_without_a_host_listed_on_the_source_moves():
    inst = make_instance("i-a", host=None)
    plan = plan_drain(source_for([inst]), [inst], [make_host("cmp2")])
    assert plan.row("i-a").strategy is Strategy.LIVE
    # Members unknown: assumed there.
    src = make_host("src", status="disabled", instance_ids=None)
    assert plan_drain(src, [inst], [make_host("cmp2")]).row("i-a").moves


def test_the_source_in_the_host_list_is_not_a_destination():
    inst = make_instance("i-a")
    src = source_for([inst])
    plan = plan_drain(src, [inst], [make_host("src"), make_host("cmp2",
                                                                ram_gib=8)])
    assert plan.row("i-a").expected_host == "cmp2"


# Rows and requests -----------------------------------------------------------


def test_row_facts_from_the_flavor_and_the_instance():
    row = drain([make_instance("i-b", ram_gib=3, vcpus=5)],
                [make_host("cmp2")]).row("i-b")
    assert (row.ram_mb, row.vcpus, row.disk_gb) == (3 * 1024, 5, 0)
    # A flavor without RAM or vCPUs (not readable) counts as none.
    inst = make_instance("i-a", flavor=Flavor(vcpus=None, ram_mb=None,
                                              disk_gb=20, extra_specs={}))
    row = drain([inst], [make_host("cmp2")]).row("i-a")
    assert (row.name, row.status, row.source) == ("a", "ACTIVE", "src")
    assert (row.ram_mb, row.vcpus, row.disk_gb) == (0, 0, 0)
    assert not row.overridden and not row.restricted


# 2.56: a cold migration to a chosen host, and force still accepted.
@pytest.mark.parametrize("force, dest, mv, expected", [
    (True, "cmp2", "2.56", True),
    (True, None, "2.56", False),  # the scheduler chooses: nothing to force
    (False, "cmp2", "2.56", False),
])
def test_the_live_request_forces_only_a_chosen_destination(force, dest, mv,
                                                          expected):
    insts = [make_instance("i-a"), make_instance("i-off", status="SHUTOFF")]
    opts = PlanOptions(microversion=mv, force=force, default_destination=dest,
                       compute_service_version=61)
    plan = plan_drain(source_for(insts), insts, [make_host("cmp2")], opts)
    live = plan.row("i-a").request(opts)
    assert (live.kind, live.force, live.microversion,
            live.compute_service_version, live.block_migration) == (
        Kind.LIVE, expected, mv, 61, AUTO)
    cold = plan.row("i-off").request(opts)
    assert (cold.kind, cold.force, cold.block_migration, cold.microversion,
            cold.compute_service_version) == (Kind.COLD, False, None, mv, 61)


def test_a_scheduler_override_is_never_forced():
    insts = [make_instance("i-a")]
    opts = PlanOptions(microversion="2.30", force=True,
                       default_destination="cmp2",
                       overrides={"i-a": Override(destination=SCHEDULER)})
    row = plan_drain(source_for(insts), insts, [make_host("cmp2")],
                     opts).row("i-a")
    assert row.destination is None and row.expected_host == "cmp2"
    assert row.request(opts).force is False


def test_a_row_that_does_not_move_has_no_request():
    plan = drain([make_instance("i-a", status="DELETED")],
                 [make_host("cmp2")])
    assert plan.row("i-a").request() is None
    with pytest.raises(KeyError, match="i-zzz"):
        plan.row("i-zzz")


def test_forcing_a_disabled_destination_bypasses_the_scheduler_each_time():
    # Toggled back and forth between plans of one process: each plan is
    # checked with its own request (forced: Nova accepts a disabled host;
    # not forced: the scheduler refuses it).
    insts = [make_instance("i-a")]
    hosts = [make_host("cmp2", status="disabled")]
    for force in (False, True, False, True):
        row = plan_drain(source_for(insts), insts, hosts,
                         microversion="2.30", force=force,
                         default_destination="cmp2").row("i-a")
        found = {f.code for f in row.findings}
        if force:
            assert row.strategy is Strategy.LIVE
            assert "dest-disabled-forced" in found
        else:
            assert row.strategy is Strategy.BLOCKED
            assert "dest-disabled" in found


def test_a_drain_plan_names_its_host_and_plans_each_instance_once():
    a, b = make_instance("i-a"), make_instance("i-b")
    plan = drain([a, a, b], [make_host("cmp2")])
    assert (plan.direction, plan.host) == ("drain", "src")
    assert [r.instance_id for r in plan.rows] == ["i-a", "i-b"]


def test_an_empty_destination_means_the_scheduler():
    plan = drain([make_instance("i-a")], [make_host("cmp2")],
                 default_destination="")
    row = plan.row("i-a")
    assert row.destination is None and row.expected_host == "cmp2"


def test_options_object_with_keywords_uses_both():
    insts = [make_instance("i-a")]
    plan = plan_drain(source_for(insts), insts,
                      [make_host("cmp2"), make_host("cmp3")],
                      PlanOptions(microversion="2.24"),
                      default_destination="cmp3")
    assert plan.microversion == "2.24"
    assert plan.row("i-a").destination == "cmp3"


def test_a_disabled_host_without_the_traits_does_not_restrict_a_row():
    # Only enabled, up hosts count: the disabled one never takes it anyway.
    vtpm = make_instance("i-vtpm", extra_specs=VTPM_SPECS)
    hosts = [make_host("cmp2", traits=TPM),
             make_host("cmp3", status="disabled"),
             make_host("cmp4", state="down")]
    assert not drain([vtpm], hosts).row("i-vtpm").restricted
    hosts.append(make_host("cmp5"))
    assert drain([vtpm], hosts).row("i-vtpm").restricted


def test_two_live_blockers_are_both_said():
    specs = dict(VTPM_SPECS, **{"hw:mem_encryption": "true"})
    inst = make_instance("i-a", extra_specs=specs)
    row = drain([inst], [make_host("cmp2", traits=TPM)]).row("i-a")
    assert row.strategy is Strategy.COLD
    assert row.why == ("cannot live migrate (sev-live, vtpm-live); cold"
                       " migration stops it")
    f = only(row.findings, "plan-live-blocked")
    # Each blocker's own sentence, one after the other.
    assert ". a uses AMD SEV" in f.message or ". a has a vTPM" in f.message


def test_rows_that_do_not_move_claim_nothing():
    insts = [make_instance("i-gone", status="DELETED"),
             make_instance("i-skip", volume_backed=False)]
    plan = drain(insts, [make_host("cmp2")],
                 overrides={"i-skip": Override(exclude=True)})
    for row in plan.rows:
        assert row.strategy in (Strategy.NOTHING, Strategy.SKIPPED)
        assert row.intended is None and not row.restricted
        assert (row.disk_gb, row.block_migration, row.expected_host) == (
            0, None, None)
