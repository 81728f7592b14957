"""The pre-flight rules themselves: their order, and behaviour a user
sees in a finding (severity, code, parameters, a blocked host) that the
scenario tests of test_preflight.py leave open.
"""

import contextlib

import pytest

from migration_dashboard.core import i18n
from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import BLOCKER, NOTE, WARNING, Flavor
from migration_dashboard.core.preflight import Kind, NumaCell
from migration_dashboard.core.preflight.context import Usage
from migration_dashboard.core.preflight.profile import Profile
from migration_dashboard.core.preflight.rules.capacity import room_left
from tests.unit.test_i18n import upper
from tests.unit.test_preflight import find, make_host, make_instance

# Every finding a test makes is also checked for its words (severity,
# code, catalogue): see finding_checks.
pytestmark = pytest.mark.usefixtures("findings_are_well_said")

# The rules as main declared them on 2026-12-03 (before they moved from
# decorators to each module's RULES tuple), in their order: name, kinds,
# needs a destination, also runs on the source.  The order is the order
# of the findings within a severity on every page, so two rules swapping
# is a visible change.
RULES_ON_MAIN = """
rule_instance_state            LIVE COLD EVACUATE  no  no
rule_source_service            LIVE COLD EVACUATE  no  no
rule_request_microversion      LIVE COLD EVACUATE  no  no
rule_cold_confirm              COLD                no  no
rule_specs_known               LIVE COLD EVACUATE  no  no
rule_scheduler_chooses         LIVE COLD EVACUATE  no  no
rule_destination_service       LIVE COLD EVACUATE  yes yes
rule_availability_zone         LIVE COLD EVACUATE  yes no
rule_hypervisor                LIVE COLD EVACUATE  yes no
rule_cpu_compatibility         LIVE COLD EVACUATE  yes no
rule_cpu_passthrough           LIVE                yes no
rule_placement_room            LIVE COLD EVACUATE  yes no
rule_ram                       LIVE COLD EVACUATE  yes no
rule_ram_oversubscribed        LIVE COLD EVACUATE  yes no
rule_vcpus                     LIVE COLD EVACUATE  yes no
rule_pcpus                     LIVE COLD EVACUATE  yes no
rule_disk                      LIVE COLD EVACUATE  yes no
rule_block_migration           LIVE                no  no
rule_config_drive              LIVE                no  no
rule_numa_live_support         LIVE COLD EVACUATE  no  no
rule_numa_room                 LIVE COLD EVACUATE  yes no
rule_pinned_empty_destination  LIVE COLD           yes no
rule_ports                     LIVE COLD EVACUATE  no  no
rule_pci_passthrough           LIVE                no  no
rule_vgpu                      LIVE                no  no
rule_vtpm                      LIVE EVACUATE       no  no
rule_sev                       LIVE                no  no
rule_accelerator_profile       LIVE COLD EVACUATE  no  no
rule_vpmem                     LIVE                no  no
rule_shares                    LIVE COLD EVACUATE  no  no
rule_machine_type              LIVE COLD EVACUATE  no  no
rule_server_groups             LIVE COLD EVACUATE  no  no
rule_evacuation_outcome        EVACUATE            no  no
rule_traits                    LIVE COLD EVACUATE  yes no
"""
EXPECTED = [
    (name, set(rest[:-2]), rest[-2] == "yes", rest[-1] == "yes")
    for name, *rest in (line.split() for line in RULES_ON_MAIN.split("\n")
                        if line)
]


def test_the_rules_run_in_their_fixed_order():
    assert len(EXPECTED) == 34
    assert [r.fn.__name__ for r in pf.RULES] == [e[0] for e in EXPECTED]


def test_each_rule_keeps_its_kinds_and_destination_flags():
    declared = [
        (
            r.fn.__name__,
            {k.name for k in r.kinds},
            r.needs_destination,
            r.on_source,
        )
        for r in pf.RULES
    ]
    assert declared == EXPECTED
    assert all(isinstance(k, Kind) for r in pf.RULES for k in r.kinds)


# ---------------------------------------------------------------------------
# room_left: whether what a plan already put on a host still leaves the
# room an instance needs.  Answering True wrongly would let a plan put an
# instance on a host the scheduler cannot place it on; the rules then run
# with the plan's usage (Candidates.verdicts).
# ---------------------------------------------------------------------------


def _profile(vcpus=2, ram_mb=2048, extra_specs=None):
    return Profile(pf.Instance(
        id="i-1", name="one", status="ACTIVE", task_state=None, host="cmp1",
        flavor=pf.Flavor(vcpus=vcpus, ram_mb=ram_mb, disk_gb=20,
                         extra_specs=dict(extra_specs or {})),
        image_properties={}, volume_backed=True, config_drive=False,
        server_groups=[], vnic_types=["normal"], shares=False))


def _usage(ram=0, vcpus=0, pcpus=0, disk=0, numa=None):
    u = Usage()
    u.ram, u.vcpus, u.pcpus, u.disk = ram, vcpus, pcpus, disk
    u.numa = dict(numa or {})
    return u


def _room_host(**kw):
    values = dict(free_vcpus=8, free_pcpus=0, free_ram_mb=8192,
                  free_disk_gb=100)
    values.update(kw)
    return pf.Host("cmp2", **values)


def test_room_left_when_the_instance_fits_exactly_what_is_left():
    # 8192 MiB free, the plan took 6144: 2048 left, the instance needs 2048.
    assert room_left(_profile(), _room_host(), _usage(ram=6144)) is True
    assert room_left(_profile(), _room_host(), _usage(ram=6145)) is False
    # 8 VCPUs free, 6 taken: 2 left for 2 vCPUs; 7 taken: 1 left.
    assert room_left(_profile(), _room_host(), _usage(vcpus=6)) is True
    assert room_left(_profile(), _room_host(), _usage(vcpus=7)) is False


def test_room_left_ignores_unknown_and_unneeded_resources():
    # Free RAM not known: the capacity rules say so, not room_left.
    host = _room_host(free_ram_mb=None)
    assert room_left(_profile(), host, _usage(ram=10 ** 6)) is True
    # No dedicated CPU needed: a plan that took more PCPUs than are free
    # (pinned instances counted against an old inventory) does not matter.
    assert room_left(_profile(), _room_host(free_pcpus=2),
                     _usage(pcpus=4)) is True


def test_room_left_counts_physical_ram_behind_the_allocation_ratio():
    # Placement has 8192 MiB, the host only 3072 physically: after a plan
    # took 2048 there is 1024 physical left for 2048.
    host = _room_host(physical_free_ram_mb=3072)
    assert room_left(_profile(), host, _usage(ram=1024)) is True
    assert room_left(_profile(), host, _usage(ram=2048)) is False


PINNED_ONE_NODE = {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "1"}


def test_room_left_on_numa_nodes_the_plan_filled():
    # Two nodes of 4 dedicated CPUs and 4096 MiB; the instance wants 4
    # pinned CPUs and 2048 MiB on one node.
    p = _profile(vcpus=4, extra_specs=PINNED_ONE_NODE)
    cells = [NumaCell(0, 4, 4096, 0), NumaCell(1, 4, 4096, 0)]
    host = _room_host(free_pcpus=8, numa_cells=cells)
    # The plan pinned 4 CPUs on node 0: node 1 still takes it.
    assert room_left(p, host, _usage(pcpus=4, numa={0: [4, 2048]})) is True
    # ... and 1 more on node 1: no node has 4 free CPUs left.
    assert room_left(
        p, host, _usage(pcpus=4, numa={0: [3, 2048], 1: [1, 0]})) is False
    # A node's free CPUs unknown: the NUMA rule says so, room is assumed.
    unknown = _room_host(free_pcpus=8, numa_cells=[NumaCell(0, None, 4096)])
    assert room_left(p, unknown, _usage(pcpus=4, numa={0: [1, 0]})) is True


def test_room_left_without_numa_needs_ignores_the_hosts_nodes():
    cells = [NumaCell(0, 0, 0, 0)]
    host = _room_host(numa_cells=cells)
    assert room_left(_profile(), host, _usage(ram=1024, numa={0: [0, 0]}))


# ---------------------------------------------------------------------------
# Evacuation: what happens to the disks and the instance's power state.
# ---------------------------------------------------------------------------


def _evacuate(inst, src_shared=False, dst_shared=False, mv="2.96"):
    src = make_host("cmp1", state="down", shared_storage=src_shared,
                    instance_ids=frozenset({inst.id}))
    dst = make_host("cmp2", shared_storage=dst_shared)
    return pf.check(inst, src, dst, pf.Request(Kind.EVACUATE, microversion=mv))


@contextlib.contextmanager
def translated_by(gettext):
    """Messages said by ``gettext`` (one msgid in, its text out) meanwhile;
    a parameter that is not a message stays as it is."""
    saved = i18n._translator
    i18n.use(gettext, lambda s, p, n: gettext(s if n == 1 else p))
    try:
        yield
    finally:
        i18n._translator = saved


def _codes(findings):
    return [f.code for f in findings]


def _is(finding, severity, message, remedy=None, reason=None):
    """The finding has this severity and message (and remedy, reason)."""
    assert (finding.severity, finding.message) == (severity, message)
    if remedy is not None:
        assert finding.remedy == remedy
    if reason is not None:
        assert finding.reason == reason


def _starts_as(finding, severity, start, remedy):
    """The finding has this severity and remedy, its message this start."""
    assert finding.severity is severity
    assert finding.message.startswith(start), finding.message
    assert finding.remedy == remedy


def test_evacuation_says_when_shared_storage_is_only_unconfirmed():
    image_backed = make_instance(volume_backed=False)
    # Known not shared: the loss is certain.
    f = find(_evacuate(image_backed), "evacuate-local-data-lost")
    assert f.message == (
        "web-1 is image-backed: evacuation rebuilds its 20 GiB root disk"
        " from the image, so data written to the local disk is lost.")
    # Not known either way: the same warning says why it is only a risk.
    f = find(_evacuate(image_backed, src_shared=None, dst_shared=None),
             "evacuate-local-data-lost")
    assert f.severity is WARNING
    assert f.message.startswith(
        "web-1 is image-backed and shared storage is not confirmed:")
    # Said in the reader's language, that part too.
    with translated_by(upper):
        assert str(f.message).startswith(
            "web-1 IS IMAGE-BACKED AND SHARED STORAGE IS NOT CONFIRMED:")


def test_evacuation_of_a_flavor_without_root_disk_says_0_gib():
    inst = make_instance(volume_backed=False,
                         flavor=Flavor(2, 2048, 0, extra_specs={}))
    f = find(_evacuate(inst), "evacuate-local-data-lost")
    assert "its 0 GiB root disk" in f.message


def test_evacuation_says_why_the_root_disk_is_kept():
    f = find(_evacuate(make_instance()), "evacuate-disk-kept")
    assert f.severity is NOTE
    assert f.message == "web-1 keeps its root disk (volume-backed)."
    f = find(_evacuate(make_instance(volume_backed=False), True, True),
             "evacuate-disk-kept")
    assert f.message == "web-1 keeps its root disk (shared storage)."


@pytest.mark.parametrize("volume_backed, ephemeral_gb, shared, lost", [
    (True, 10, False, True),   # local ephemeral disk, recreated empty
    (True, 10, True, False),   # ephemeral disk on shared storage: kept
    (True, 0, False, False),   # no ephemeral disk
    (True, None, False, False),
    (False, 0, True, False),   # image-backed on shared storage, no eph
    (False, 10, True, False),
])
def test_evacuation_warns_of_a_lost_ephemeral_disk(
        volume_backed, ephemeral_gb, shared, lost):
    inst = make_instance(volume_backed=volume_backed, flavor=Flavor(
        2, 2048, 20, ephemeral_gb=ephemeral_gb, extra_specs={}))
    findings = _evacuate(inst, shared, shared)
    assert ("evacuate-ephemeral-lost" in _codes(findings)) is lost


def test_evacuation_says_the_microversion_decides_the_power_state():
    inst = make_instance()
    f = find(_evacuate(inst, mv="2.94"), "evacuate-starts")
    assert f.message == (
        "With microversion 2.94 an evacuated instance is started on the new"
        " host (2.95 and later leave it SHUTOFF).")
    f = find(_evacuate(inst, mv="2.95"), "evacuate-lands-shutoff")
    assert f.message == ("With microversion 2.95 an evacuated instance"
                         " stays SHUTOFF on the new host.")
    assert "evacuate-starts" not in _codes(_evacuate(inst, mv="2.95"))


# ---------------------------------------------------------------------------
# Block migration: the remedy follows the microversion (block migration
# 'auto' exists from 2.25 on), the message names the destination.
# ---------------------------------------------------------------------------

AUTO_OR_FALSE = {"2.24": "Set block migration to false.",
                 "2.25": "Use block migration 'auto'."}


def _live(inst, mv, block, src_shared=False, dst_shared=False, dst=True):
    src = make_host("cmp1", shared_storage=src_shared,
                    instance_ids=frozenset({inst.id}))
    dst = make_host("cmp2", shared_storage=dst_shared) if dst else None
    return pf.check(inst, src, dst, pf.Request(
        Kind.LIVE, block_migration=block, microversion=mv))


@pytest.mark.parametrize("mv", ["2.24", "2.25"])
def test_block_migration_on_shared_storage_remedy_from_2_25(mv):
    inst = make_instance(volume_backed=False)
    f = find(_live(inst, mv, True, True, True),
             "block-migration-shared-storage")
    assert f.severity is BLOCKER
    assert f.remedy == AUTO_OR_FALSE[mv]
    assert f.message.startswith(
        "Block migration was requested for web-1 but its storage is shared"
        " with cmp2; Nova refuses")
    # Volume-backed with no local disk: the other reason.
    f = find(_live(make_instance(), mv, True),
             "block-migration-shared-storage")
    assert f.message.startswith(
        "Block migration was requested for web-1 but it is volume-backed"
        " with no local disk; Nova refuses")


@pytest.mark.parametrize("mv, remedy", [
    ("2.24", "Set block migration to true unless the storage is shared."),
    ("2.25", "Use block migration 'auto' so Nova decides."),
])
def test_storage_not_known_shared_remedy_from_2_25(mv, remedy):
    inst = make_instance(volume_backed=False)
    f = find(_live(inst, mv, False, None, None), "needs-block-migration")
    assert f.severity is WARNING and f.remedy == remedy
    f = find(_live(inst, mv, True, None, None),
             "block-migration-storage-unknown")
    assert f.severity is WARNING
    assert f.remedy == (remedy if mv == "2.25"
                        else "Confirm the storage is not shared.")


@pytest.mark.parametrize("mv, remedy", [
    ("2.24", "Check the server's boot source and config drive."),
    ("2.25", "Use block migration 'auto' (microversion 2.25+) and let Nova"
             " decide."),
])
def test_unknown_local_disks_remedy_from_2_25(mv, remedy):
    f = find(_live(make_instance(volume_backed=None), mv, False),
             "storage-unknown")
    assert f.severity is NOTE and f.remedy == remedy


def test_block_migration_names_the_destination_or_says_the_destination():
    inst = make_instance(volume_backed=False)
    f = find(_live(inst, "2.24", False), "needs-block-migration")
    assert f.severity is BLOCKER
    assert "cmp1 does not share storage with cmp2;" in f.message
    assert f.remedy == ("Set block migration to true (or 'auto' from"
                        " microversion 2.25).")
    # No destination chosen: the scheduler's, whichever it is.
    f = find(_live(inst, "2.24", False, dst=False), "needs-block-migration")
    assert "cmp1 does not share storage with the destination;" in f.message


# ---------------------------------------------------------------------------
# The destination's compute service.
# ---------------------------------------------------------------------------


def _to(dst, mv="2.96", inst=None):
    inst = inst or make_instance()
    src = make_host("cmp1", instance_ids=frozenset({inst.id}))
    return pf.check(inst, src, dst, pf.Request(Kind.LIVE, microversion=mv))


def test_a_destination_that_is_the_source_is_refused():
    f = find(_to(make_host("cmp1")), "dest-is-source")
    assert f.severity is BLOCKER
    assert f.message == ("web-1 is already on cmp1; the destination must be"
                         " another host.")
    assert f.remedy == "Choose a different destination."


@pytest.mark.parametrize("change, said", [
    (dict(state="down"), "down"),
    (dict(forced_down=True), "forced down"),
])
def test_a_down_destination_says_how_it_is_down(change, said):
    f = find(_to(make_host("cmp2", **change)), "dest-down")
    assert f.severity is BLOCKER
    assert f.message == ("The compute service of cmp2 (the destination) is"
                         " %s." % said)
    assert f.remedy == "Choose a destination whose compute service is up."


def test_a_disabled_destination_says_the_reason_when_there_is_one():
    f = find(_to(make_host("cmp2", status="disabled",
                           disabled_reason="kernel update")),
             "dest-disabled")
    _starts_as(f, BLOCKER,
               "cmp2 is disabled (reason: 'kernel update'); the scheduler"
               " never picks a disabled compute",
               "Enable cmp2 for the move, or choose an enabled host.")
    f = find(_to(make_host("cmp2", status="disabled")), "dest-disabled")
    assert f.message.startswith("cmp2 is disabled; the scheduler never")


def test_a_forced_move_to_a_disabled_destination_is_only_a_note():
    # Before 2.30 a live migration to a named host skips the scheduler.
    f = find(_to(make_host("cmp2", status="disabled",
                           disabled_reason="kernel update"), mv="2.29"),
             "dest-disabled-forced")
    assert f.severity is NOTE
    assert f.message == (
        "cmp2 is disabled (reason: 'kernel update'); the forced move"
        " bypasses the scheduler, so Nova accepts it.")


# ---------------------------------------------------------------------------
# The request's microversion: what each one accepts (Nova's API reference:
# block_migration 'auto' from 2.25, force on live migration 2.30-2.67 and
# on evacuation 2.29-2.67, a host for cold migration from 2.56).
# ---------------------------------------------------------------------------


def _request(kind, mv, dst=True, **kw):
    inst = make_instance()
    src = make_host("cmp1", instance_ids=frozenset({inst.id}))
    if kind == "evacuate":
        src.state = "down"
    dst = make_host("cmp2") if dst else None
    return pf.check(inst, src, dst,
                    pf.Request(kind, microversion=mv, **kw))


def test_force_on_a_cold_migration_or_without_destination_is_refused():
    f = find(_request("cold", "2.96", force=True), "force-unsupported")
    assert f.severity is BLOCKER and f.remedy == "Drop force."
    f = find(_request("live", "2.40", dst=False, force=True),
             "force-needs-destination")
    assert f.severity is BLOCKER
    assert f.remedy == "Choose a destination or drop force."


@pytest.mark.parametrize("kind, mv, code", [
    ("live", "2.68", "force-removed"),
    ("evacuate", "2.68", "force-removed"),
    ("live", "2.67", "forced-move"),
    ("live", "2.30", "forced-move"),
    ("live", "2.29", "force-implicit"),
    ("evacuate", "2.29", "forced-move"),
    ("evacuate", "2.28", "force-implicit"),
])
def test_what_force_does_at_each_microversion(kind, mv, code):
    findings = _request(kind, mv, force=True)
    codes = _codes(findings)
    assert code in codes
    force_codes = {"force-removed", "force-implicit"} & set(codes)
    assert force_codes <= {code}
    if code == "force-removed":
        assert find(findings, code).severity is BLOCKER
        assert "forced-move" not in codes
    else:
        # Forced either way: the scheduler is bypassed.
        f = find(findings, "forced-move")
        assert f.severity is NOTE
        assert f.message.startswith("Forced move to cmp2: the scheduler is"
                                    " bypassed")
    if code == "force-implicit":
        assert find(findings, code).message == (
            "At microversion %s a chosen destination is always forced; the"
            " force flag is not sent." % mv)


@pytest.mark.parametrize("kind, mv, forced", [
    ("live", "2.29", True), ("live", "2.30", False),
    ("evacuate", "2.28", True), ("evacuate", "2.29", False),
    ("cold", "2.56", False),
])
def test_a_chosen_destination_is_forced_before_the_force_flag(kind, mv,
                                                              forced):
    codes = _codes(_request(kind, mv))
    assert ("forced-move" in codes) is forced
    assert "force-implicit" not in codes


AUTO_REFUSED = ("block_migration 'auto' needs microversion 2.25; this"
                " request uses 2.24.")
COLD_HOST_REFUSED = ("Cold migration to a chosen host needs microversion"
                     " 2.56; this request uses 2.55.")


@pytest.mark.parametrize("kind, mv, kw, code, refused", [
    ("live", "2.24", dict(block_migration="auto"), "block-auto-unsupported",
     AUTO_REFUSED),
    ("live", "2.25", dict(block_migration="auto"), "block-auto-unsupported",
     None),
    ("cold", "2.55", {}, "cold-host-needs-2.56", COLD_HOST_REFUSED),
    ("cold", "2.56", {}, "cold-host-needs-2.56", None),
    # No host chosen: nothing to refuse.
    ("cold", "2.55", dict(dst=False), "cold-host-needs-2.56", None),
])
def test_a_parameter_older_microversions_refuse(kind, mv, kw, code, refused):
    findings = _request(kind, mv, **kw)
    if refused is None:
        assert code not in _codes(findings)
    else:
        f = find(findings, code)
        assert f.severity is BLOCKER and f.message == refused


# ---------------------------------------------------------------------------
# The instance and its source compute.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("change, said", [
    (dict(state="down"), "down"), (dict(forced_down=True), "forced down"),
])
def test_a_down_source_blocks_live_and_cold_and_says_how(change, said):
    inst = make_instance()
    src = make_host("cmp1", instance_ids=frozenset({inst.id}), **change)
    for kind, text in (("live", "live migration"),
                       ("cold", "cold migration")):
        f = find(pf.check(inst, src, make_host("cmp2"), pf.Request(kind)),
                 "source-down")
        assert f.severity is BLOCKER
        assert f.message == (
            "The compute service of cmp1 (the source) is %s; %s needs a"
            " running source compute." % (said, text))
        assert f.remedy.startswith("If cmp1 has failed, evacuate")
    findings = pf.check(inst, src, make_host("cmp2"), pf.Request("evacuate"))
    assert "source-down" not in _codes(findings)
    assert "source-still-up" not in _codes(findings)


def test_an_instance_read_on_another_host_is_a_warning():
    inst = make_instance(host="cmp9")
    f = find(_to(make_host("cmp2"), inst=inst), "host-mismatch")
    assert f.severity is WARNING
    assert f.message == "web-1 is on cmp9 according to Nova, not on cmp1."


def test_a_source_of_unknown_state_is_a_note_and_nothing_more():
    inst = make_instance()
    src = make_host("cmp1", state=None, forced_down=None,
                    instance_ids=frozenset({inst.id}))
    for kind in ("live", "evacuate"):
        findings = pf.check(inst, src, make_host("cmp2"), pf.Request(kind))
        f = find(findings, "source-state-unknown")
        assert f.severity is NOTE
        assert f.remedy == ("Check `openstack compute service list --host"
                            " cmp1`.")
        assert not {"source-down", "source-still-up"} & set(_codes(findings))


# ---------------------------------------------------------------------------
# Server groups (Nova's ServerGroup(Anti)AffinityFilter and weighers).
# ---------------------------------------------------------------------------


def _grouped(policy, on_dst=(), name="web", max_per_host=1, dst=True,
             dst_ids=True):
    group = pf.ServerGroup(
        "g-1", policy, members=["i-web1", "i-web2", "i-web3"], name=name,
        max_server_per_host=max_per_host,
        names={"i-web2": "web-2", "i-web3": "web-3"})
    inst = make_instance(server_groups=[group])
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    if dst:
        dst = make_host("cmp2", instance_ids=(
            frozenset(on_dst) if dst_ids else None))
    else:
        dst = None
        src.instance_ids = frozenset({"i-web1", "i-web2", "i-web3"})
    return pf.check(inst, src, dst, pf.Request(Kind.LIVE))


def test_hard_anti_affinity_counts_up_to_max_server_per_host():
    assert "anti-affinity-conflict" not in _codes(
        _grouped("anti-affinity", ["i-web2"], max_per_host=2))
    _is(find(_grouped("anti-affinity", ["i-web2", "i-web3"],
                      max_per_host=2), "anti-affinity-conflict"),
        BLOCKER,
        "web-1 is in anti-affinity group web; cmp2 already holds 2 members"
        " of it (web-2, web-3), so the scheduler refuses.",
        remedy="Choose a host without members of web.",
        reason="anti-affinity peers web-2, web-3 there")


def test_soft_anti_affinity_warns_from_the_first_member():
    # max_server_per_host is the hard policy's rule only.
    _is(find(_grouped("soft-anti-affinity", ["i-web2"], max_per_host=2),
             "anti-affinity-conflict"),
        WARNING,
        "web-1 is in soft-anti-affinity group web; cmp2 already holds 1"
        " member of it (web-2).",
        reason="soft-anti-affinity peer web-2 there")


@pytest.mark.parametrize("policy, severity, refusal", [
    ("affinity", BLOCKER, "; the scheduler refuses"),
    ("soft-affinity", WARNING, ""),
])
def test_affinity_needs_a_member_on_the_destination(policy, severity,
                                                    refusal):
    _is(find(_grouped(policy), "affinity-conflict"), severity,
        "web-1 is in %s group web, but cmp2 holds none of its other 2"
        " members%s." % (policy, refusal),
        remedy="Choose a host that already holds a member of web.",
        reason="holds no member of %s group web" % policy)
    assert "affinity-conflict" not in _codes(_grouped(policy, ["i-web3"]))


def test_a_group_without_name_is_named_by_its_id():
    f = find(_grouped("affinity", name=""), "affinity-conflict")
    assert f.message.startswith("web-1 is in affinity group g-1, but")


def test_unknown_instances_on_the_destination_are_a_note():
    f = find(_grouped("anti-affinity", dst_ids=False), "group-dest-unknown")
    assert f.severity is NOTE
    assert f.message == ("Could not check anti-affinity group web on cmp2:"
                         " its instances are unknown.")
    assert f.remedy == "List the instances on cmp2."


def test_hard_affinity_with_every_member_on_the_source_cannot_move():
    f = find(_grouped("affinity", dst=False), "affinity-conflict")
    assert f.severity is BLOCKER
    assert f.remedy == (
        "A hard-affinity group cannot be moved one member at a time;"
        " choose a host that already holds a member.")
    f = find(_grouped("soft-affinity", dst=False), "group-scheduler")
    assert f.severity is NOTE
    assert f.message == ("web-1 is in soft-affinity group web; the scheduler"
                         " will honour the policy.")


# ---------------------------------------------------------------------------
# What the reader is told to do.
# ---------------------------------------------------------------------------


def test_evacuation_findings_say_what_to_do():
    f = find(_evacuate(make_instance(volume_backed=None)),
             "evacuate-disk-unknown")
    assert f.severity is NOTE
    assert f.remedy == "Check the boot source before evacuating."
    f = find(_evacuate(make_instance(volume_backed=False)),
             "evacuate-local-data-lost")
    assert f.remedy == ("Accept the loss, or recover the host instead of"
                        " evacuating.")
    inst = make_instance(flavor=Flavor(2, 2048, 20, ephemeral_gb=10,
                                       extra_specs={}))
    f = find(_evacuate(inst), "evacuate-ephemeral-lost")
    assert f.severity is WARNING
    assert f.message == ("web-1 has a 10 GiB local ephemeral disk;"
                         " evacuation recreates it empty.")
    assert f.remedy == "Accept the loss of the ephemeral data."
    f = find(_evacuate(make_instance(), mv="2.95"), "evacuate-lands-shutoff")
    assert f.remedy == "Start it after checking it."


def test_cold_migration_and_scheduler_notes_say_what_to_do():
    f = find(_request("cold", "2.96"), "cold-needs-confirm")
    assert f.severity is NOTE
    assert f.remedy == "Confirm it once it works (section 5.5)."
    f = find(_request("live", "2.96", dst=False), "scheduler-chooses")
    assert f.severity is NOTE
    assert f.remedy == "Choose a destination to check it in advance."


def test_storage_counts_as_shared_only_when_both_hosts_say_so():
    # The source says shared, the destination says not: block migration
    # is needed, as without shared storage.
    inst = make_instance(volume_backed=False)
    f = find(_live(inst, "2.24", False, True, False), "needs-block-migration")
    assert f.severity is BLOCKER
    f = find(_live(inst, "2.24", True, True, False), "block-migration-copy")
    assert f.remedy == "Migrate a few instances at a time."


# ---------------------------------------------------------------------------
# Capacity on the destination (Placement's free amounts, physical RAM).
# ---------------------------------------------------------------------------


def test_placement_without_room_blocks_and_says_for_what():
    dst = make_host("cmp2", placement_no_room="2 VCPU, 2048 MiB RAM",
                    free_ram_mb=None)
    findings = _to(dst)
    _starts_as(find(findings, "placement-no-room"), BLOCKER,
               "Placement has no room on cmp2 for 2 VCPU, 2048 MiB RAM"
               " (allocation candidates",
               "Choose another host, or free capacity on cmp2 first.")
    f = find(findings, "placement-no-room")
    assert f.reason == "Placement: no room for 2 VCPU, 2048 MiB RAM"
    # Placement has said it: no note that the free RAM is unknown.
    assert "ram-unknown" not in _codes(findings)


def test_unknown_free_capacity_is_a_note_saying_where_to_read_it():
    f = find(_to(make_host("cmp2", free_ram_mb=None)), "ram-unknown")
    assert f.severity is NOTE
    assert f.message == "Could not check free RAM on cmp2."
    assert f.remedy == ("Read Placement inventories and usages of cmp2 (or"
                        " the hypervisor with microversion 2.87).")


def test_an_overcommitted_resource_shows_zero_free_not_a_negative():
    f = find(_to(make_host("cmp2", free_vcpus=-2)), "vcpu-insufficient")
    assert f.severity is BLOCKER
    assert f.message == ("web-1 needs 2 shared vCPUs (VCPU); cmp2 has 0"
                         " shared vCPUs (VCPU) free.")
    assert f.remedy == ("Choose a host with at least 2 shared vCPUs (VCPU)"
                        " free.")
    assert f.reason == "shared vCPUs: 0 free, needs 2"


@pytest.mark.parametrize("room, physical, warned", [
    (8192, 2047, True),    # physical short by 1 MiB
    (8192, 2048, False),   # physical exactly enough
    (2048, 1024, True),    # Placement exactly enough, physical short
    (2047, 1024, False),   # Placement short: ram-insufficient instead
])
def test_physical_ram_behind_the_allocation_ratio(room, physical, warned):
    findings = _to(make_host("cmp2", free_ram_mb=room,
                             physical_free_ram_mb=physical))
    assert ("ram-oversubscribed" in _codes(findings)) is warned


def test_oversubscribed_ram_counts_what_the_plan_already_put_there():
    # Two instances of 2048 MiB; Placement has 8192, the host 3072 of
    # physical RAM.  The first fits physically, the second finds 1024.
    first = make_instance(id="i-1", name="one")
    second = make_instance(id="i-2", name="two")
    src = make_host("cmp1", instance_ids=frozenset({"i-1", "i-2"}))
    dst = make_host("cmp2", free_ram_mb=8192, physical_free_ram_mb=3072)
    results = pf.check_many([first, second], src, dst, pf.Request("live"))
    assert "ram-oversubscribed" not in _codes(results["i-1"])
    f = find(results["i-2"], "ram-oversubscribed")
    assert f.severity is WARNING
    assert f.message == (
        "two needs 2048 MiB (2 GiB); Placement counts 6144 MiB (6 GiB) free"
        " on cmp2 (RAM allocation ratio applied) but only 1024 MiB (1 GiB)"
        " of physical RAM is free there, so its memory would be"
        " oversubscribed.")
    assert f.remedy == ("Prefer a host with 2048 MiB (2 GiB) of physical RAM"
                        " free, or accept the overcommit.")
    assert f.reason == ("memory oversubscribed: 1024 MiB (1 GiB) physical"
                        " free, needs 2048 MiB (2 GiB)")


def test_physical_ram_already_overused_shows_zero_free():
    f = find(_to(make_host("cmp2", physical_free_ram_mb=-512)),
             "ram-oversubscribed")
    assert "but only 0 MiB (0 GiB) of physical RAM is free" in f.message
    assert f.reason == ("memory oversubscribed: 0 MiB (0 GiB) physical free,"
                        " needs 2048 MiB (2 GiB)")


def test_unknown_traits_name_every_required_and_forbidden_trait():
    inst = make_instance(extra_specs={
        "trait:HW_CPU_X86_AVX512F": "required",
        "trait:COMPUTE_STATUS_DISABLED": "forbidden"})
    f = find(_to(make_host("cmp2", traits=None), inst=inst), "traits-unknown")
    assert f.severity is NOTE
    assert f.message.startswith("Could not check the traits web-1 requires"
                                " on cmp2: ")
    assert "HW_CPU_X86_AVX512F" in f.message
    assert "COMPUTE_STATUS_DISABLED" in f.message
    assert f.remedy == ("Read the resource provider traits of cmp2 from"
                        " Placement.")


# ---------------------------------------------------------------------------
# The instance's state, and what could not be read.
# ---------------------------------------------------------------------------


def test_a_refused_state_names_the_allowed_ones_once_each():
    # Nova's API states (STOPPED is another name of SHUTOFF, not listed).
    inst = make_instance(status="SUSPENDED")
    f = find(pf.check(inst, make_host("cmp1", state="down"),
                      make_host("cmp2"), pf.Request("evacuate")),
             "state-not-allowed")
    assert f.severity is BLOCKER
    assert f.message == ("web-1 is SUSPENDED; evacuation needs it to be"
                         " ACTIVE or SHUTOFF or ERROR.")
    assert f.remedy == "Resume the instance first."


def test_state_findings_say_what_to_do():
    f = find(_to(make_host("cmp2"), inst=make_instance(status=None)),
             "state-unknown")
    assert f.severity is NOTE
    assert f.message == ("Could not check the state of web-1: its status is"
                         " unknown.")
    assert f.remedy == ("Reload the instance list; Nova refuses the move"
                        " unless the state allows it.")
    f = find(_to(make_host("cmp2"),
                 inst=make_instance(task_state="rebooting")),
             "task-in-progress")
    assert f.remedy == ("Wait until the current task finishes and the task"
                        " state is empty.")
    f = find(_to(make_host("cmp2"), inst=make_instance(host="cmp9")),
             "host-mismatch")
    assert f.remedy == ("Reload the data: the instance has moved since it"
                        " was read.")


def test_request_findings_say_what_to_do():
    f = find(_request("live", "2.24", block_migration="auto"),
             "block-auto-unsupported")
    assert f.remedy == ("Choose block migration true or false explicitly, or"
                        " use microversion 2.25 or later.")
    f = find(_request("live", "2.68", force=True), "force-removed")
    assert f.message == ("force was removed in microversion 2.68; this"
                         " request uses 2.68.")
    assert f.remedy == ("Drop force: the scheduler then verifies the chosen"
                        " destination.")
    f = find(_request("cold", "2.55"), "cold-host-needs-2.56")
    assert f.remedy == ("Let the scheduler choose, or use microversion 2.56"
                        " or later.")
    f = find(_request("live", "2.29"), "forced-move")
    assert f.remedy == "The checks below matter all the more."


def test_unread_extra_specs_and_image_properties_are_notes():
    inst = make_instance(image_properties=None, flavor=Flavor(
        vcpus=2, ram_mb=2048, disk_gb=20, extra_specs=None))
    findings = _to(make_host("cmp2"), inst=inst)
    _starts_as(find(findings, "extra-specs-unknown"), NOTE,
               "Could not read the flavor extra specs of web-1, so CPU"
               " pinning",
               "Read the servers with microversion 2.47 or later (embedded"
               " flavor).")
    _starts_as(find(findings, "image-properties-unknown"), NOTE,
               "Could not read the image properties of web-1, so"
               " image-defined NUMA",
               "Read the server with microversion 2.98 or the image from"
               " Glance.")


# ---------------------------------------------------------------------------
# Devices and CPUs.
# ---------------------------------------------------------------------------


def test_evacuating_an_accelerator_instance_needs_wallaby_computes():
    inst = make_instance(extra_specs={"accel:device_profile": "fpga-1"})
    src = make_host("cmp1", state="down", instance_ids=frozenset({inst.id}))
    for svc, blocked in ((52, True), (53, False), (None, False)):
        findings = pf.check(inst, src, make_host("cmp2"), pf.Request(
            "evacuate", compute_service_version=svc))
        assert ("accel-device-profile" in _codes(findings)) is blocked
    f = find(pf.check(inst, src, make_host("cmp2"), pf.Request(
        "evacuate", compute_service_version=52)), "accel-device-profile")
    assert f.severity is BLOCKER
    assert f.message == (
        "web-1 uses accelerator device profile 'fpga-1'; evacuating it needs"
        " every nova-compute at Wallaby (service version 53), the oldest"
        " here is 52.")
    assert f.remedy == "Upgrade the computes first."


@pytest.mark.parametrize("version, too_old", [
    (8000999, True), (8001000, False)])
def test_vgpu_live_migration_needs_qemu_8_1_0_on_both_hosts(version,
                                                            too_old):
    inst = make_instance(extra_specs={"resources:VGPU": "1"})
    findings = _to(make_host("cmp2", hypervisor_version=version), inst=inst)
    assert ("vgpu-live-qemu-too-old" in _codes(findings)) is too_old
    assert ("vgpu-live" in _codes(findings)) is not too_old


def test_unknown_cpu_info_names_the_host_it_is_unknown_on():
    f = find(_to(make_host("cmp2", cpu_info=None)), "unknown-cpu-info")
    assert f.severity is NOTE
    assert f.message.startswith(
        "Could not check CPU compatibility of cmp1 and cmp2: the CPU details"
        " of cmp2 are unknown")


def test_cpu_checks_skip_what_one_host_does_not_report():
    # Traits or CPU features known on one host only: nothing to compare,
    # no finding about them, no failure.
    findings = _to(make_host("cmp2", traits=None))
    assert "cpu-traits-missing" not in _codes(findings)
    dst = make_host("cmp2", cpu_info=pf.CpuInfo(
        "x86_64", "Intel", "Icelake-Server", None))
    assert "cpu-features-missing" not in _codes(_to(dst))


def test_host_passthrough_on_the_destination_is_read_in_any_case():
    findings = _to(make_host("cmp2", cpu_mode="HOST-PASSTHROUGH"))
    assert "cpu-passthrough" in _codes(findings)


# ---------------------------------------------------------------------------
# Availability zone and hypervisor of the destination.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mv, severity, refusal", [
    ("2.96", BLOCKER, "; the scheduler refuses"),
    ("2.29", WARNING, ""),   # forced: the scheduler's zone is bypassed
])
def test_a_destination_in_another_zone(mv, severity, refusal):
    inst = make_instance(pinned_availability_zone="az1")
    _is(find(_to(make_host("cmp2", zone="az2"), mv=mv, inst=inst),
             "zone-mismatch"),
        severity,
        "web-1 is pinned to availability zone az1 but cmp2 is in az2%s."
        % refusal,
        remedy="Choose a host in zone az1.", reason="in zone az2, not az1")
    _is(find(_to(make_host("cmp2", zone=None), inst=inst), "zone-unknown"),
        NOTE,
        "Could not check the availability zone of cmp2; web-1 is pinned to"
        " zone az1.",
        remedy="Read the zone of the compute service.")


@pytest.mark.parametrize("kind, severity, consequence", [
    ("live", BLOCKER,
     "; Nova refuses live migration between hypervisor types"),
    ("cold", WARNING, "; the instance may not start there"),
])
def test_a_destination_with_another_hypervisor(kind, severity, consequence):
    inst = make_instance()
    src = make_host("cmp1", instance_ids=frozenset({inst.id}))
    dst = make_host("cmp2", hypervisor_type="VMware vCenter Server")
    _is(find(pf.check(inst, src, dst, pf.Request(kind)),
             "hypervisor-type-mismatch"),
        severity,
        "cmp1 runs QEMU but cmp2 runs VMware vCenter Server%s." % consequence,
        remedy="Choose a QEMU host.",
        reason="runs VMware vCenter Server, not QEMU")


def test_a_hypervisor_type_unknown_on_one_host_only_is_a_note():
    f = find(_to(make_host("cmp2", hypervisor_type=None)),
             "hypervisor-unknown")
    assert f.severity is NOTE
    assert f.message == ("Could not compare the hypervisors of cmp1 and"
                         " cmp2.")


def test_an_older_hypervisor_names_both_versions():
    f = find(_to(make_host("cmp2", hypervisor_version=7002001)),
             "hypervisor-too-old")
    assert f.severity is BLOCKER
    assert f.message == (
        "cmp2 runs QEMU 7.2.1, older than 8.2.0 on cmp1; Nova refuses to"
        " live migrate to an older hypervisor.")
    assert f.remedy == ("Choose a host with QEMU 8.2.0 or newer, or upgrade"
                        " cmp2 first.")
    assert f.reason == ("older hypervisor (QEMU 7.2.1, the source runs"
                        " 8.2.0)")
