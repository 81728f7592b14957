"""Pre-flight with "let the scheduler choose": every candidate is checked.

Pure core tests (no Django): the engine gets the hosts a page already has and
must predict Nova's scheduler, naming each host's reason.
"""
import unittest

import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import summary

# Every finding a test makes is also checked for its words (severity,
# code, catalogue): see finding_checks.
pytestmark = pytest.mark.usefixtures("findings_are_well_said")

LIVE = pf.Request(kind="live", microversion="2.96")
EVACUATE = pf.Request(kind="evacuate", microversion="2.95")


def host(name, **kw):
    values = dict(hypervisor_type="QEMU", hypervisor_version=8002000,
                  free_vcpus=16, free_pcpus=0, free_ram_mb=8192,
                  free_disk_gb=100, instance_ids=frozenset(), zone="nova",
                  traits=frozenset())
    values.update(kw)
    return pf.Host(name, **values)


def instance(iid, name=None, groups=(), ram=512, **kw):
    values = dict(name=name or iid, host="cmp1",
                  flavor=pf.Flavor(vcpus=1, ram_mb=ram, disk_gb=1),
                  image_properties={}, volume_backed=True,
                  config_drive=False, server_groups=list(groups),
                  vnic_types=[], shares=False)
    values.update(kw)
    return pf.Instance(iid, **values)


def codes(findings):
    return [f.code for f in findings]


def the(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, (code, codes(findings))
    return found[0]


class NoHostCanTakeIt(unittest.TestCase):
    """The issue's own case: ha-1 on cmp1, cmp3 disabled, cmp2 holding its
    anti-affinity peer ha-2: Nova answers "No valid host was found"."""

    def setUp(self):
        self.group = pf.ServerGroup("g1", "anti-affinity",
                                    members=("ha-1", "ha-2"),
                                    name="ha-anti-affinity")
        self.source = host("cmp1", instance_ids=frozenset({"ha-1"}))
        self.hosts = [
            self.source,
            host("cmp2", instance_ids=frozenset({"ha-2"})),
            host("cmp3", status="disabled",
                 disabled_reason="planned maintenance"),
        ]
        self.inst = instance("ha-1", groups=[self.group])

    def test_blocker_names_each_host_and_why(self):
        findings = pf.check(self.inst, self.source, None, LIVE,
                            hosts=self.hosts)
        blocker = the(findings, "no-valid-host")
        self.assertIs(blocker.severity, pf.BLOCKER)
        self.assertIn("No valid host was found", blocker.message)
        self.assertIn("cmp2: anti-affinity peer ha-2 there", blocker.message)
        self.assertIn("cmp3: disabled (reason: 'planned maintenance')",
                      blocker.message)
        self.assertEqual(len(blocker.details), 2)
        # The old disclaimer is gone: the destinations were checked.
        self.assertNotIn("scheduler-chooses", codes(findings))

    def test_one_usable_host_is_the_choice(self):
        hosts = self.hosts + [host("cmp4")]
        findings = pf.check(self.inst, self.source, None, LIVE, hosts=hosts)
        self.assertFalse(pf.has_blockers(findings))
        note = the(findings, "scheduler-candidates")
        self.assertIs(note.severity, pf.NOTE)
        self.assertIn("among cmp4 (1 of 3 hosts)", note.message)
        self.assertEqual(
            sorted(note.details),
            ["cmp2: anti-affinity peer ha-2 there",
             "cmp3: disabled (reason: 'planned maintenance')"])

    def test_down_and_forced_down_hosts(self):
        hosts = [self.source, host("cmp2", state="down"),
                 host("cmp3", forced_down=True)]
        findings = pf.check(instance("x"), self.source, None, LIVE,
                            hosts=hosts)
        blocker = the(findings, "no-valid-host")
        self.assertIn("cmp2: down", blocker.message)
        self.assertIn("cmp3: forced down", blocker.message)

    def test_no_other_host(self):
        findings = pf.check(instance("x"), self.source, None, LIVE,
                            hosts=[self.source])
        self.assertIn("no other compute host",
                      the(findings, "no-valid-host").message)

    def test_hosts_unknown_keeps_the_old_note(self):
        findings = pf.check(instance("x"), self.source, None, LIVE)
        self.assertIn("scheduler-chooses", codes(findings))
        self.assertNotIn("no-valid-host", codes(findings))

    def test_evacuation_too(self):
        source = host("cmp1", state="down", instance_ids=frozenset({"ha-1"}))
        hosts = [source, self.hosts[1], self.hosts[2]]
        findings = pf.check(self.inst, source, None, EVACUATE, hosts=hosts)
        self.assertIn("no-valid-host", codes(findings))


class Reasons(unittest.TestCase):
    def setUp(self):
        self.source = host("cmp1")

    def reason(self, dst, inst=None, request=LIVE):
        findings = pf.check(inst or instance("x", ram=2048), self.source,
                            None, request, hosts=[self.source, dst])
        return the(findings, "no-valid-host").details[0]

    def test_ram(self):
        self.assertEqual(
            self.reason(host("cmp2", free_ram_mb=1024)),
            "cmp2: RAM: 1024 MiB (1 GiB) free, needs 2048 MiB (2 GiB)")

    def test_zone(self):
        inst = instance("x", pinned_availability_zone="az1")
        self.assertEqual(self.reason(host("cmp2", zone="az2"), inst),
                         "cmp2: in zone az2, not az1")

    def test_older_hypervisor_live_only(self):
        old = host("cmp2", hypervisor_version=7000000)
        self.assertIn("cmp2: older hypervisor", self.reason(old))
        cold = pf.Request(kind="cold", microversion="2.96")
        findings = pf.check(instance("x"), self.source, None, cold,
                            hosts=[self.source, old])
        self.assertFalse(pf.has_blockers(findings))

    def test_traits(self):
        inst = instance("x", flavor=pf.Flavor(
            vcpus=1, ram_mb=512, disk_gb=1,
            extra_specs={"trait:CUSTOM_GOLD": "required"}))
        self.assertEqual(self.reason(host("cmp2"), inst),
                         "cmp2: lacks trait(s) CUSTOM_GOLD")

    def test_placement_no_room(self):
        full = host("cmp2", placement_no_room="512 MEMORY_MB")
        self.assertEqual(self.reason(full),
                         "cmp2: Placement: no room for 512 MEMORY_MB")

    def test_a_disabled_host_is_not_checked_further(self):
        # Its service is enough: no capacity or hypervisor reason is added.
        dst = host("cmp2", status="disabled", free_ram_mb=0)
        self.assertEqual(self.reason(dst), "cmp2: disabled")


class Together(unittest.TestCase):
    """Several instances at once account for the room they use together."""

    def test_second_instance_sees_the_first_ones_room(self):
        source = host("cmp1")
        hosts = [source, host("cmp2", free_ram_mb=3072)]
        a, b = instance("a", ram=2048), instance("b", ram=2048)
        results = pf.check_many([a, b], source, None, LIVE, hosts=hosts)
        self.assertFalse(pf.has_blockers(results["a"]))
        blocker = the(results["b"], "no-valid-host")
        self.assertIn("cmp2: RAM", blocker.message)
        self.assertIn("after earlier moves", blocker.details[0])

    def test_spread_over_hosts_like_the_ram_weigher(self):
        source = host("cmp1")
        hosts = [source, host("cmp2", free_ram_mb=3072),
                 host("cmp3", free_ram_mb=3072)]
        insts = [instance(i, ram=2048) for i in "abc"]
        results = pf.check_many(insts, source, None, LIVE, hosts=hosts)
        self.assertFalse(pf.has_blockers(results["a"]))
        self.assertFalse(pf.has_blockers(results["b"]))
        self.assertIn("no-valid-host", codes(results["c"]))

    def test_anti_affinity_members_moving_together(self):
        group = pf.ServerGroup("g", "anti-affinity", members=("a", "b"))
        source = host("cmp1", instance_ids=frozenset({"a", "b"}))
        hosts = [source, host("cmp2")]
        a = instance("a", groups=[group])
        b = instance("b", groups=[group])
        results = pf.check_many([a, b], source, None, LIVE, hosts=hosts)
        self.assertFalse(pf.has_blockers(results["a"]))
        self.assertIn("cmp2: anti-affinity peer a there",
                      the(results["b"], "no-valid-host").message)


class MemoryOversubscription(unittest.TestCase):
    def test_warning_with_the_numbers(self):
        source = host("cmp1")
        # Placement (ram_allocation_ratio 1.5) says 6144 MiB free, the
        # hypervisor has 1024 MiB of physical RAM free.
        dst = host("cmp2", free_ram_mb=6144, physical_free_ram_mb=1024)
        findings = pf.check(instance("x", ram=2048), source, dst, LIVE)
        warning = the(findings, "ram-oversubscribed")
        self.assertIs(warning.severity, pf.WARNING)
        self.assertIn("1024 MiB", warning.message)
        self.assertIn("2048 MiB", warning.message)
        self.assertIn("6144 MiB", warning.message)

    def test_no_warning_when_physical_ram_suffices(self):
        source = host("cmp1")
        dst = host("cmp2", free_ram_mb=6144, physical_free_ram_mb=4096)
        findings = pf.check(instance("x", ram=2048), source, dst, LIVE)
        self.assertNotIn("ram-oversubscribed", codes(findings))

    def test_scheduler_note_becomes_a_warning_when_every_host_is(self):
        source = host("cmp1")
        dst = host("cmp2", free_ram_mb=6144, physical_free_ram_mb=1024)
        findings = pf.check(instance("x", ram=2048), source, None, LIVE,
                            hosts=[source, dst])
        note = the(findings, "scheduler-candidates")
        self.assertIs(note.severity, pf.WARNING)
        self.assertIn("memory oversubscribed", note.details[0])


class Shared(unittest.TestCase):
    def test_shared_storage_keeps_the_evacuated_disk(self):
        source = host("cmp1", state="down", shared_storage=True)
        dst = host("cmp2", shared_storage=True)
        inst = instance("x", volume_backed=False)
        findings = pf.check(inst, source, dst, EVACUATE)
        self.assertIn("evacuate-disk-kept", codes(findings))
        local = host("cmp3", shared_storage=False)
        findings = pf.check(inst, source, local, EVACUATE)
        self.assertIn("evacuate-local-data-lost", codes(findings))


class SaidOnce(unittest.TestCase):
    def test_same_finding_on_every_row_is_said_once(self):
        source = host("cmp1")
        hosts = [source, host("cmp2"), host("cmp3", status="disabled")]
        insts = [instance("a"), instance("b")]
        results = pf.check_many(insts, source, None, LIVE, hosts=hosts)
        page, rows = summary.said_once(results, {"a": "a", "b": "b"})
        self.assertEqual(codes(page).count("scheduler-candidates"), 1)
        for findings in rows.values():
            self.assertNotIn("scheduler-candidates", codes(findings))

    def test_unknown_notes_become_one_line_naming_the_instances(self):
        source = host("cmp1")
        insts = [instance("a", image_properties=None),
                 instance("b", image_properties=None), instance("c")]
        results = pf.check_many(insts, source, None, LIVE)
        page, rows = summary.said_once(
            results, {"a": "web-1", "b": "web-2", "c": "db-1"})
        line = the(page, "image-properties-unknown")
        self.assertIn("web-1, web-2", line.message)
        self.assertNotIn("db-1", line.message)
        for findings in rows.values():
            self.assertNotIn("image-properties-unknown", codes(findings))

    def test_a_single_row_keeps_its_own_findings(self):
        source = host("cmp1")
        results = pf.check_many([instance("a")], source, None, LIVE,
                                hosts=[source, host("cmp2")])
        page, rows = summary.said_once(results, {"a": "a"})
        self.assertIn("scheduler-candidates", codes(rows["a"]))


class ReleaseNames(unittest.TestCase):
    def test_release_to_service_version(self):
        self.assertEqual(pf.service_version_for_release("2025.1"), 68)
        self.assertEqual(pf.service_version_for_release("Epoxy"), 68)
        self.assertEqual(pf.service_version_for_release("epoxy"), 68)
        self.assertIsNone(pf.service_version_for_release("2099.1"))


if __name__ == "__main__":
    unittest.main()


# ---------------------------------------------------------------------------
# The headline, the details and the pick, word for word
# ---------------------------------------------------------------------------


@pytest.fixture
def rules_chosen_afresh(monkeypatch):
    # The destination rules of each kind are chosen once per process; the
    # tests that depend on that choice make it again, as a fresh process.
    from migration_dashboard.core.preflight import scheduler
    monkeypatch.setattr(scheduler, "_rules", {})


def scheduled(inst, hosts, request=LIVE):
    src = host("cmp1", instance_ids=frozenset({inst.id}))
    return pf.check(inst, src, None, request, hosts=[src] + hosts)


def test_no_valid_host_names_eight_hosts_then_how_many_more():
    hosts = [host("cmp%02d" % i, status="disabled") for i in range(2, 12)]
    f = the(scheduled(instance("web-1"), hosts), "no-valid-host")
    assert f.severity is pf.BLOCKER
    assert f.message == (
        "No host can take it, so Nova's scheduler would answer 'No valid"
        " host was found': cmp02: disabled; cmp03: disabled; cmp04:"
        " disabled; cmp05: disabled; cmp06: disabled; cmp07: disabled;"
        " cmp08: disabled; cmp09: disabled; and 2 more.")
    assert f.remedy == ("Enable a host, free room on one, or change what"
                        " blocks the others (see the reasons).")
    assert f.reason == ("no host can take it (Nova's scheduler would answer"
                        " 'No valid host was found')")
    assert len(f.details) == 10
    assert f.details[-1] == "cmp11: disabled"


def test_no_valid_host_with_eight_hosts_names_them_all():
    hosts = [host("cmp%02d" % i, state="down") for i in range(2, 10)]
    f = the(scheduled(instance("web-1"), hosts), "no-valid-host")
    assert f.message.endswith("cmp08: down; cmp09: down.")
    assert "more" not in f.message
    hosts.append(host("cmp10", state="down"))
    f = the(scheduled(instance("web-1"), hosts), "no-valid-host")
    assert f.message.endswith("cmp09: down; and 1 more.")


def test_no_other_host_at_all():
    f = the(scheduled(instance("web-1"), []), "no-valid-host")
    assert f.message == ("There is no other compute host, so Nova's"
                         " scheduler would answer 'No valid host was"
                         " found'.")
    assert f.details == ()


def test_every_reason_of_a_host_in_its_detail():
    # Too little RAM and too few vCPUs: both said, in the rules' order
    # (RAM first), one after the other.
    small = host("cmp2", free_ram_mb=256, free_vcpus=0)
    f = the(scheduled(instance("web-1"), [small, host("cmp3")]),
            "scheduler-candidates")
    assert [str(d) for d in f.details] == [
        "cmp2: RAM: 256 MiB (0.2 GiB) free, needs 512 MiB (0.5 GiB);"
        " shared vCPUs: 0 free, needs 1"]


def test_some_hosts_cannot_take_it():
    hosts = [host("cmp2"), host("cmp3", status="disabled"), host("cmp4"),
             host("cmp5", state="down")]
    f = the(scheduled(instance("web-1"), hosts), "scheduler-candidates")
    assert f.severity is pf.NOTE
    assert f.message == ("The scheduler will choose among cmp2, cmp4 (2 of"
                         " 4 hosts); the other 2 cannot take it.")
    assert f.remedy == "Choose a destination to check one host in detail."
    assert f.details == ("cmp3: disabled", "cmp5: down")


def test_many_usable_hosts_are_named_eight_then_how_many_more():
    hosts = [host("cmp%02d" % i) for i in range(2, 13)]
    f = the(scheduled(instance("web-1"), hosts), "scheduler-candidates")
    assert f.message == (
        "The scheduler will choose among cmp02, cmp03, cmp04, cmp05, cmp06,"
        " cmp07, cmp08, cmp09 and 3 more (every other host).")
    hosts.append(host("cmp99", status="disabled"))
    f = the(scheduled(instance("web-1"), hosts), "scheduler-candidates")
    assert f.message == (
        "The scheduler will choose among cmp02, cmp03, cmp04, cmp05, cmp06,"
        " cmp07, cmp08, cmp09 and 3 more (11 of 12 hosts); the other 1"
        " cannot take it.")


@pytest.mark.parametrize("unknown", [dict(state=None), dict(status=None)])
def test_a_host_whose_service_state_is_unknown_is_a_caution(unknown):
    f = the(scheduled(instance("web-1"), [host("cmp2", **unknown)]),
            "scheduler-candidates")
    # The only host may be picked, but its service may be down: warned.
    assert f.severity is pf.WARNING
    assert f.details == ("cmp2: compute service state unknown",)
    assert f.message.endswith(
        "Every one of them has a caution: see the details.")


def test_only_some_hosts_cautioned_is_a_note():
    f = the(scheduled(instance("web-1"), [host("cmp2", state=None),
                                          host("cmp3")]),
            "scheduler-candidates")
    assert f.severity is pf.NOTE
    assert f.details == ("cmp2: compute service state unknown",)


@pytest.mark.usefixtures("rules_chosen_afresh")
def test_each_host_is_judged_by_the_rules_of_the_kind_of_move():
    # Nova refuses to live migrate to an older hypervisor; a cold
    # migration does not care.
    old = host("cmp2", hypervisor_version=6000000)
    f = the(scheduled(instance("web-1"), [old, host("cmp3")]),
            "scheduler-candidates")
    assert f.message.startswith("The scheduler will choose among cmp3 (1")
    f = the(scheduled(instance("web-1"), [old, host("cmp3")],
                      pf.Request(kind="cold", microversion="2.96")),
            "scheduler-candidates")
    assert f.message.startswith("The scheduler will choose among cmp2, cmp3")


@pytest.mark.usefixtures("rules_chosen_afresh")
def test_the_instances_own_blockers_are_not_repeated_for_each_host():
    findings = scheduled(instance("web-1", status="ERROR"),
                         [host("cmp2"), host("cmp3")])
    assert "no-valid-host" not in codes(findings)
    assert the(findings, "scheduler-candidates").details == ()


@pytest.mark.usefixtures("rules_chosen_afresh")
def test_a_scheduled_move_is_never_forced():
    # At 2.25 a live migration to a chosen host is forced past the
    # scheduler; with none chosen the scheduler still applies the pinned
    # availability zone.
    old = pf.Request(kind="live", microversion="2.25")
    inst = instance("web-1", pinned_availability_zone="az1")
    f = the(scheduled(inst, [host("cmp2", zone="az2"),
                             host("cmp3", zone="az1")], old),
            "scheduler-candidates")
    assert f.message.startswith("The scheduler will choose among cmp3 (1")


def _pick(hosts, usage=None, ram=1024):
    src = host("cmp1")
    cands = pf.Candidates(src, [src] + hosts)
    p = pf.Profile(instance("web-1", ram=ram))
    return cands.finding(p, LIVE, usage)[1]


def test_the_pick_is_the_host_with_most_free_ram_first_by_name_on_a_tie():
    # Nova's default RAM weigher.
    assert _pick([host("cmp3", free_ram_mb=4096),
                  host("cmp2", free_ram_mb=4096)]).name == "cmp2"
    assert _pick([host("cmp2", free_ram_mb=4096),
                  host("cmp3", free_ram_mb=6144)]).name == "cmp3"
    assert _pick([host("cmp2", status="disabled")]) is None


def test_the_pick_counts_what_the_plan_already_put_there():
    from migration_dashboard.core.preflight.context import Usage
    used = Usage()
    used.ram = 3072
    assert _pick([host("cmp2", free_ram_mb=6144),
                  host("cmp3", free_ram_mb=4096)],
                 {"cmp2": used}).name == "cmp3"
    # 3 GiB left on each: a tie, the first by name.
    assert _pick([host("cmp2", free_ram_mb=3072),
                  host("cmp3", free_ram_mb=6144)],
                 {"cmp3": used}).name == "cmp2"


def test_a_plan_fills_the_roomiest_host_first():
    src = host("cmp1", instance_ids=frozenset({"a", "b"}))
    hosts = [src, host("cmp2", free_ram_mb=2048),
             host("cmp3", free_ram_mb=3072)]
    # a (2 GiB) goes to cmp3, the roomiest, which keeps 1 GiB: b (3 GiB)
    # then fits nowhere.
    plan = pf.check_many([instance("a", ram=2048), instance("b", ram=3072)],
                         src, None, LIVE, hosts=hosts)
    assert not pf.has_blockers(plan["a"])
    f = the(plan["b"], "no-valid-host")
    assert [str(d) for d in f.details] == [
        "cmp2: RAM: 2048 MiB (2 GiB) free, needs 3072 MiB (3 GiB)",
        "cmp3: RAM: 1024 MiB (1 GiB) free, needs 3072 MiB (3 GiB) after"
        " earlier moves of this plan"]


def _a_anywhere_b_on_cmp3_only(instances, src, hosts):
    plan = pf.check_many(instances, src, None, LIVE, hosts=hosts)
    assert the(plan["a"], "scheduler-candidates").message.startswith(
        "The scheduler will choose among cmp2, cmp3")
    assert the(plan["b"], "scheduler-candidates").message.startswith(
        "The scheduler will choose among cmp3 (1 of 2")


def test_verdicts_are_not_shared_with_an_instance_whose_group_is_elsewhere():
    # Same flavor; the second is in an anti-affinity group whose other
    # member runs on cmp2, so cmp2 cannot take it.
    group = pf.ServerGroup("g1", "anti-affinity", members=("peer",))
    src = host("cmp1", instance_ids=frozenset({"a", "b"}))
    hosts = [src, host("cmp2", instance_ids=frozenset({"peer"})),
             host("cmp3")]
    _a_anywhere_b_on_cmp3_only(
        [instance("a"), instance("b", groups=[group])], src, hosts)


def test_verdicts_are_not_shared_between_flavors():
    src = host("cmp1", instance_ids=frozenset({"a", "b"}))
    hosts = [src, host("cmp2", free_ram_mb=1024), host("cmp3")]
    _a_anywhere_b_on_cmp3_only(
        [instance("a", ram=512), instance("b", ram=4096)], src, hosts)


def test_an_unhashable_image_property_is_judged_all_the_same():
    inst = instance("web-1", image_properties={"tags": ["a", "b"]})
    f = the(scheduled(inst, [host("cmp2", free_ram_mb=256), host("cmp3")]),
            "scheduler-candidates")
    assert f.message.startswith("The scheduler will choose among cmp3 (1")
