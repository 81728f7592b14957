"""Unit tests for migration_dashboard.core.preflight (no Django, no HTTP).

Each test starts from a healthy pair of hosts and a plain volume-backed
instance (which move cleanly) and changes one fact.
"""

import re
from pathlib import Path

import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import scheduler
from migration_dashboard.core.preflight import (
    BLOCKER,
    NOTE,
    WARNING,
    CpuInfo,
    Flavor,
    Host,
    Instance,
    Kind,
    NumaCell,
    Request,
    ServerGroup,
)

# Every finding a test makes is also checked for its words (severity,
# code, catalogue): see finding_checks.
pytestmark = pytest.mark.usefixtures("findings_are_well_said")

ICELAKE = CpuInfo(
    "x86_64",
    "Intel",
    "Icelake-Server",
    frozenset({"sse4_2", "avx2", "avx512f", "aes"}),
)


# ---------------------------------------------------------------------------
# Factories
# ---------------------------------------------------------------------------


def make_instance(extra_specs=None, flavor=None, **kw):
    """A plain, volume-backed ACTIVE instance on cmp1 with everything known."""
    values = dict(
        id="i-web1",
        name="web-1",
        status="ACTIVE",
        task_state=None,
        host="cmp1",
        flavor=flavor
        or Flavor(
            vcpus=2,
            ram_mb=2048,
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


def make_host(name="cmp2", **kw):
    """A healthy, empty QEMU 8.2.0 compute with plenty of room."""
    values = dict(
        name=name,
        status="enabled",
        state="up",
        forced_down=False,
        hypervisor_type="QEMU",
        hypervisor_version=8002000,
        cpu_info=ICELAKE,
        traits=frozenset({"HW_CPU_X86_AVX2", "COMPUTE_SECURITY_TPM_2_0"}),
        free_vcpus=64,
        free_pcpus=32,
        free_ram_mb=65536,
        free_disk_gb=1000,
        numa_cells=[
            NumaCell(0, 16, 32768, 16384),
            NumaCell(1, 16, 32768, 16384),
        ],
        instance_ids=frozenset(),
        shared_storage=False,
    )
    values.update(kw)
    return Host(**values)


@pytest.fixture
def src():
    return make_host("cmp1", instance_ids=frozenset({"i-web1"}))


@pytest.fixture
def dst():
    return make_host("cmp2")


def live(**kw):
    return Request(Kind.LIVE, **kw)


def cold(**kw):
    return Request(Kind.COLD, **kw)


def evacuate(**kw):
    return Request(Kind.EVACUATE, **kw)


def down(host):
    host.state = "down"
    return host


def codes(findings, severity=None):
    return {
        f.code for f in findings if severity is None or f.severity is severity
    }


def find(findings, code):
    matches = [f for f in findings if f.code == code]
    assert matches, "no %r in %s" % (
        code,
        [(f.severity.label, f.code) for f in findings],
    )
    return matches[0]


# ---------------------------------------------------------------------------
# Baseline, helpers, severity
# ---------------------------------------------------------------------------


def test_clean_live_migration_has_only_the_machine_type_note(src, dst):
    findings = pf.check(make_instance(), src, dst, live())
    assert codes(findings) == {"machine-type"}
    assert not pf.has_blockers(findings)
    assert pf.worst(findings) is NOTE


def test_severity_ordering_and_labels():
    assert NOTE < WARNING < BLOCKER
    assert str(BLOCKER) == "blocker" and WARNING.label == "warning"
    assert pf.worst([]) is None
    fs = [
        pf.Finding(NOTE, "a", "m"),
        pf.Finding(BLOCKER, "b", "m"),
        pf.Finding(WARNING, "c", "m"),
    ]
    assert pf.worst(fs) is BLOCKER
    assert pf.has_blockers(fs) and not pf.has_blockers(fs[:1])
    assert [f.code for f in pf.sort_findings(fs)] == ["b", "c", "a"]


def test_findings_are_sorted_worst_first(src, dst):
    dst.free_ram_mb = 1
    findings = pf.check(make_instance(status=None), src, dst, live())
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, reverse=True)


def test_parse_microversion():
    assert pf.parse_microversion("2.96") == (2, 96)
    assert pf.parse_microversion("2.5") < pf.parse_microversion("2.25")
    assert pf.parse_microversion("latest") > pf.parse_microversion("2.104")


def test_request_accepts_kind_as_string():
    assert Request("evacuate").kind is Kind.EVACUATE


def test_every_code_a_rule_can_emit_is_listed():
    source = "".join(
        f.read_text() for f in sorted(Path(pf.__file__).parent.rglob("*.py"))
    )
    # Literal codes in c.add(...) and c.block_if_computes_older(...) calls,
    # plus the capacity codes built as code + "-unknown" / "-insufficient".
    emitted = {
        code
        for code in re.findall(
            r'c\.(?:add|block_if_computes_older)\([^"]*?"([^"]+)"', source
        )
        if not code.startswith("-")
    }
    for code in re.findall(
        r'_capacity\(\s*c,\s*c\.p\.\w+,.*?"(\w+)",?\s*\)', source, re.S
    ):
        emitted |= {code + "-unknown", code + "-insufficient"}
    # What the engine says about the scheduler's candidates.
    emitted |= scheduler.CODES
    assert emitted and emitted <= pf.FINDING_CODES
    assert pf.FINDING_CODES - emitted == set()


def test_flavor_and_cpu_info_from_nova():
    flavor = Flavor.from_nova(
        {
            "vcpus": 4,
            "ram": 8192,
            "disk": 40,
            "ephemeral": 0,
            "swap": "",
            "extra_specs": {"hw:cpu_policy": "dedicated"},
        }
    )
    assert (flavor.vcpus, flavor.ram_mb, flavor.disk_gb, flavor.swap_mb) == (
        4,
        8192,
        40,
        0,
    )
    assert flavor.extra_specs == {"hw:cpu_policy": "dedicated"}
    assert (
        Flavor.from_nova({"vcpus": 1, "ram": 512, "disk": 1}).extra_specs
        is None
    )
    info = CpuInfo.from_nova(
        '{"arch": "x86_64", "vendor": "AMD", "model": "EPYC", '
        '"features": ["sse", "avx"]}'
    )
    assert info.vendor == "AMD" and info.features == frozenset({"sse", "avx"})
    assert (
        CpuInfo.from_nova({}) is None and CpuInfo.from_nova("not json") is None
    )


# ---------------------------------------------------------------------------
# Instance state
# ---------------------------------------------------------------------------


def test_live_migration_needs_active_or_paused(src, dst):
    f = find(
        pf.check(make_instance(status="SHUTOFF"), src, dst, live()),
        "state-not-allowed",
    )
    assert f.severity is BLOCKER
    assert "SHUTOFF" in f.message and "ACTIVE or PAUSED" in f.message
    assert "cold migration" in f.remedy
    assert "state-not-allowed" not in codes(
        pf.check(make_instance(status="PAUSED"), src, dst, live())
    )


def test_cold_migration_accepts_shutoff_but_not_paused(src, dst):
    assert "state-not-allowed" not in codes(
        pf.check(make_instance(status="SHUTOFF"), src, dst, cold())
    )
    f = find(
        pf.check(make_instance(status="PAUSED"), src, dst, cold()),
        "state-not-allowed",
    )
    assert "ACTIVE or SHUTOFF" in f.message


def test_evacuation_accepts_error(src, dst):
    findings = pf.check(
        make_instance(status="ERROR"), down(src), dst, evacuate()
    )
    assert "state-not-allowed" not in codes(findings)


@pytest.mark.parametrize("kind", list(Kind))
def test_verify_resize_must_be_confirmed_first(src, dst, kind):
    if kind is Kind.EVACUATE:
        down(src)
    f = find(
        pf.check(
            make_instance(status="VERIFY_RESIZE"), src, dst, Request(kind)
        ),
        "verify-resize",
    )
    assert f.severity is BLOCKER and "Confirm" in f.remedy


def test_running_task_blocks(src, dst):
    f = find(
        pf.check(make_instance(task_state="migrating"), src, dst, live()),
        "task-in-progress",
    )
    assert f.severity is BLOCKER and "'migrating'" in f.message


def test_busy_status_remedy_says_wait(src, dst):
    f = find(
        pf.check(make_instance(status="RESIZE"), src, dst, live()),
        "state-not-allowed",
    )
    assert "Wait" in f.remedy


def test_unknown_status_gives_note(src, dst):
    f = find(
        pf.check(make_instance(status=None), src, dst, live()), "state-unknown"
    )
    assert f.severity is NOTE


# ---------------------------------------------------------------------------
# Source and destination services
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.LIVE, Kind.COLD])
def test_live_and_cold_need_a_running_source(src, dst, kind):
    src.forced_down = True
    f = find(pf.check(make_instance(), src, dst, Request(kind)), "source-down")
    assert (
        f.severity is BLOCKER
        and "cmp1" in f.message
        and "evacuate" in f.remedy
    )


def test_evacuation_refused_while_source_is_up(src, dst):
    f = find(
        pf.check(make_instance(), src, dst, evacuate()), "source-still-up"
    )
    assert f.severity is BLOCKER
    assert "Compute service of cmp1 is still in use" in f.message
    assert "forced down" in f.message and "force" in f.remedy


@pytest.mark.parametrize("change", [{"forced_down": True}, {"state": "down"}])
def test_evacuation_from_down_or_forced_down_source(src, dst, change):
    for key, value in change.items():
        setattr(src, key, value)
    assert "source-still-up" not in codes(
        pf.check(make_instance(), src, dst, evacuate())
    )


def test_unknown_source_state_gives_note(src, dst):
    src.state = None
    findings = pf.check(make_instance(), src, dst, evacuate())
    assert "source-state-unknown" in codes(findings)
    assert "source-still-up" not in codes(findings)


def test_instance_elsewhere_than_source_warns(src, dst):
    f = find(
        pf.check(make_instance(host="cmp9"), src, dst, live()), "host-mismatch"
    )
    assert f.severity is WARNING and "cmp9" in f.message


def test_destination_equal_to_source_says_only_that(src):
    src.free_ram_mb = 0
    findings = pf.check(make_instance(), src, src, live())
    assert find(findings, "dest-is-source").severity is BLOCKER
    assert "ram-insufficient" not in codes(findings)


@pytest.mark.parametrize("change", [{"state": "down"}, {"forced_down": True}])
def test_destination_must_be_up(src, dst, change):
    for key, value in change.items():
        setattr(dst, key, value)
    f = find(pf.check(make_instance(), src, dst, live()), "dest-down")
    assert f.severity is BLOCKER and "cmp2" in f.message


def test_disabled_destination_is_refused_by_the_scheduler(src, dst):
    dst.status, dst.disabled_reason = "disabled", "maintenance"
    f = find(pf.check(make_instance(), src, dst, live()), "dest-disabled")
    assert f.severity is BLOCKER
    assert "'maintenance'" in f.message and "No valid host" in f.message


def test_disabled_destination_is_accepted_when_forced(src, dst):
    dst.status = "disabled"
    findings = pf.check(
        make_instance(), src, dst, live(microversion="2.67", force=True)
    )
    assert "dest-disabled" not in codes(findings)
    assert {"dest-disabled-forced", "forced-move"} <= codes(findings, NOTE)


def test_unknown_destination_service_gives_notes(src, dst):
    dst.state = dst.status = None
    assert {"dest-state-unknown", "dest-status-unknown"} <= codes(
        pf.check(make_instance(), src, dst, live()), NOTE
    )


# ---------------------------------------------------------------------------
# Scheduler-chosen destination
# ---------------------------------------------------------------------------


def test_scheduler_destination_runs_only_destination_independent_rules(src):
    findings = pf.check(make_instance(status="SHUTOFF"), src, None, live())
    assert "scheduler-chooses" in codes(findings, NOTE)
    assert "state-not-allowed" in codes(findings, BLOCKER)
    assert not {
        "ram-unknown",
        "hypervisor-unknown",
        "unknown-cpu-info",
    } & codes(findings)


# ---------------------------------------------------------------------------
# Microversion gating
# ---------------------------------------------------------------------------


def test_block_migration_auto_needs_2_25(src, dst):
    f = find(
        pf.check(
            make_instance(),
            src,
            dst,
            live(block_migration="auto", microversion="2.24"),
        ),
        "block-auto-unsupported",
    )
    assert (
        f.severity is BLOCKER and "2.24" in f.message and "2.25" in f.message
    )
    assert "block-auto-unsupported" not in codes(
        pf.check(
            make_instance(),
            src,
            dst,
            live(block_migration="auto", microversion="2.25"),
        )
    )


def test_default_block_migration_follows_the_microversion(src, dst):
    inst = make_instance(volume_backed=False)
    # 2.25+: "auto" by default, Nova decides.
    assert "needs-block-migration" not in codes(
        pf.check(inst, src, dst, live())
    )
    # Before 2.25 the default is False: a local disk needs block migration.
    f = find(
        pf.check(inst, src, dst, live(microversion="2.24")),
        "needs-block-migration",
    )
    assert "true" in f.remedy and "auto" not in f.remedy.split("(")[0]


def test_force_was_removed_in_2_68(src, dst):
    f = find(
        pf.check(
            make_instance(), src, dst, live(force=True, microversion="2.68")
        ),
        "force-removed",
    )
    assert f.severity is BLOCKER and "2.68" in f.message


def test_force_needs_a_destination(src):
    assert "force-needs-destination" in codes(
        pf.check(
            make_instance(), src, None, live(force=True, microversion="2.30")
        ),
        BLOCKER,
    )


def test_cold_migration_has_no_force(src, dst):
    assert "force-unsupported" in codes(
        pf.check(
            make_instance(), src, dst, cold(force=True, microversion="2.60")
        ),
        BLOCKER,
    )


def test_before_2_30_a_live_destination_is_forced(src, dst):
    findings = pf.check(make_instance(), src, dst, live(microversion="2.29"))
    assert "forced-move" in codes(findings, NOTE)
    findings = pf.check(
        make_instance(), src, dst, live(microversion="2.29", force=True)
    )
    assert "force-implicit" in codes(findings, NOTE)


def test_cold_migration_to_a_chosen_host_needs_2_56(src, dst):
    f = find(
        pf.check(make_instance(), src, dst, cold(microversion="2.55")),
        "cold-host-needs-2.56",
    )
    assert f.severity is BLOCKER and "2.55" in f.message
    assert "cold-host-needs-2.56" not in codes(
        pf.check(make_instance(), src, dst, cold(microversion="2.56"))
    )
    assert "cold-host-needs-2.56" not in codes(
        pf.check(make_instance(), src, None, cold(microversion="2.1"))
    )


def test_cold_migration_reminds_to_confirm(src, dst):
    assert "cold-needs-confirm" in codes(
        pf.check(make_instance(), src, dst, cold()), NOTE
    )


def test_pinned_availability_zone_must_match(src, dst):
    dst.zone = "az2"
    inst = make_instance(pinned_availability_zone="az1")
    f = find(pf.check(inst, src, dst, cold()), "zone-mismatch")
    assert f.severity is BLOCKER and "az1" in f.message and "az2" in f.message
    dst.zone = "az1"
    assert "zone-mismatch" not in codes(pf.check(inst, src, dst, cold()))
    dst.zone = None
    assert "zone-unknown" in codes(pf.check(inst, src, dst, cold()), NOTE)


# ---------------------------------------------------------------------------
# Hypervisor and CPU
# ---------------------------------------------------------------------------


def test_hypervisor_type_must_match(src, dst):
    dst.hypervisor_type = "VMware vCenter Server"
    f = find(
        pf.check(make_instance(), src, dst, live()), "hypervisor-type-mismatch"
    )
    assert (
        f.severity is BLOCKER and "QEMU" in f.message and "VMware" in f.message
    )
    assert (
        find(
            pf.check(make_instance(), src, dst, cold()),
            "hypervisor-type-mismatch",
        ).severity
        is WARNING
    )


def test_destination_hypervisor_must_not_be_older_for_live(src, dst):
    dst.hypervisor_version = 8001000
    f = find(pf.check(make_instance(), src, dst, live()), "hypervisor-too-old")
    assert (
        f.severity is BLOCKER and "8.1.0" in f.message and "8.2.0" in f.message
    )
    assert "hypervisor-too-old" not in codes(
        pf.check(make_instance(), src, dst, cold())
    )


def test_unknown_hypervisor_gives_note(src, dst):
    dst.hypervisor_version = None
    assert "hypervisor-unknown" in codes(
        pf.check(make_instance(), src, dst, live()), NOTE
    )


@pytest.mark.parametrize("kind", [Kind.LIVE, Kind.COLD])
def test_cpu_architecture_must_match(src, dst, kind):
    dst.cpu_info = CpuInfo("aarch64", "ARM", "Neoverse-N1", frozenset())
    f = find(
        pf.check(make_instance(), src, dst, Request(kind)), "cpu-arch-mismatch"
    )
    assert (
        f.severity is BLOCKER
        and "x86_64" in f.message
        and "aarch64" in f.message
    )


def test_cpu_vendor_must_match_for_live_only(src, dst):
    dst.cpu_info = CpuInfo("x86_64", "AMD", "EPYC", ICELAKE.features)
    f = find(
        pf.check(make_instance(), src, dst, live()), "cpu-vendor-mismatch"
    )
    assert "Intel" in f.message and "AMD" in f.message
    assert "cpu-vendor-mismatch" not in codes(
        pf.check(make_instance(), src, dst, cold())
    )


def test_destination_cpu_features_must_be_a_superset(src, dst):
    dst.cpu_info = CpuInfo(
        "x86_64", "Intel", "Skylake", frozenset({"sse4_2", "aes"})
    )
    f = find(
        pf.check(make_instance(), src, dst, live()), "cpu-features-missing"
    )
    assert f.severity is WARNING  # source cpu_mode unknown
    assert "2 CPU features" in f.message and "avx2, avx512f" in f.message
    src.cpu_mode = "host-model"
    assert (
        find(
            pf.check(make_instance(), src, dst, live()), "cpu-features-missing"
        ).severity
        is BLOCKER
    )


def test_unknown_cpu_info_is_never_a_silent_pass(src, dst):
    dst.cpu_info = None
    f = find(pf.check(make_instance(), src, dst, live()), "unknown-cpu-info")
    assert f.severity is NOTE and "cmp2" in f.message and "2.87" in f.remedy


def test_unknown_cpu_info_falls_back_to_cpu_traits(src, dst):
    src.cpu_info = dst.cpu_info = None
    src.traits = frozenset({"HW_CPU_X86_AVX2", "HW_CPU_X86_AVX512F"})
    f = find(pf.check(make_instance(), src, dst, live()), "cpu-traits-missing")
    assert f.severity is WARNING and "HW_CPU_X86_AVX512F" in f.message


def test_host_passthrough_needs_identical_cpus(src, dst):
    src.cpu_mode = "host-passthrough"
    assert (
        find(
            pf.check(make_instance(), src, dst, live()), "cpu-passthrough"
        ).severity
        is WARNING
    )
    dst.cpu_info = CpuInfo(
        "x86_64", "Intel", "Sapphire Rapids", ICELAKE.features
    )
    f = find(
        pf.check(make_instance(), src, dst, live()),
        "cpu-model-mismatch-passthrough",
    )
    assert f.severity is BLOCKER and "Icelake-Server" in f.message


# ---------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------


def test_ram_must_fit(src, dst):
    dst.free_ram_mb = 2048
    inst = make_instance(flavor=Flavor(2, 4096, 20, extra_specs={}))
    f = find(pf.check(inst, src, dst, live()), "ram-insufficient")
    assert f.severity is BLOCKER
    assert (
        "web-1 needs 4096 MiB" in f.message
        and "cmp2 has 2048 MiB" in f.message
    )
    assert "4 GiB" in f.remedy


def test_vcpus_must_fit(src, dst):
    dst.free_vcpus = 1
    f = find(pf.check(make_instance(), src, dst, cold()), "vcpu-insufficient")
    assert "needs 2 shared vCPUs" in f.message and "has 1 shared" in f.message


def test_pinned_vcpus_count_as_pcpus(src, dst):
    dst.free_vcpus, dst.free_pcpus = 0, 3
    inst = make_instance(
        {
            "hw:cpu_policy": "dedicated",
            "hw:emulator_threads_policy": "isolate",
        },
        flavor=None,
    )
    inst.flavor.vcpus = 4
    findings = pf.check(inst, src, dst, live())
    assert "vcpu-insufficient" not in codes(findings)
    f = find(findings, "pcpu-insufficient")
    # 4 pinned vCPUs + 1 for the isolated emulator thread.
    assert "needs 5 dedicated CPUs" in f.message and "has 3" in f.message


def test_mixed_policy_splits_shared_and_dedicated(src, dst):
    dst.free_vcpus, dst.free_pcpus = 1, 2
    inst = make_instance(
        {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0-1"},
        flavor=None,
    )
    inst.flavor.vcpus = 4
    findings = pf.check(inst, src, dst, live())
    assert (
        "needs 2 shared vCPUs" in find(findings, "vcpu-insufficient").message
    )
    assert "pcpu-insufficient" not in codes(findings)


def test_disk_counts_root_only_when_image_backed(src, dst):
    dst.free_disk_gb = 10
    inst = make_instance(flavor=Flavor(2, 2048, 40, extra_specs={}))
    assert "disk-insufficient" not in codes(pf.check(inst, src, dst, cold()))
    inst.volume_backed = False
    f = find(pf.check(inst, src, dst, cold()), "disk-insufficient")
    assert "needs 40 GiB" in f.message and "has 10 GiB" in f.message


def test_disk_counts_ephemeral_and_swap_rounded_up(src, dst):
    dst.free_disk_gb = 6
    inst = make_instance(
        flavor=Flavor(
            2, 2048, 40, ephemeral_gb=5, swap_mb=1536, extra_specs={}
        )
    )
    f = find(pf.check(inst, src, dst, evacuate()), "disk-insufficient")
    assert "needs 7 GiB" in f.message


@pytest.mark.parametrize(
    "attr,code",
    [
        ("free_ram_mb", "ram-unknown"),
        ("free_vcpus", "vcpu-unknown"),
        ("free_disk_gb", "disk-unknown"),
    ],
)
def test_unknown_capacity_gives_note(src, dst, attr, code):
    setattr(dst, attr, None)
    inst = make_instance(volume_backed=False)
    f = find(pf.check(inst, src, dst, cold()), code)
    assert f.severity is NOTE and "cmp2" in f.message


def test_unknown_pcpus_gives_note_for_pinned(src, dst):
    dst.free_pcpus = None
    inst = make_instance({"hw:cpu_policy": "dedicated"})
    assert "pcpu-unknown" in codes(pf.check(inst, src, dst, live()), NOTE)
    assert "pcpu-unknown" not in codes(
        pf.check(make_instance(), src, dst, live())
    )


# ---------------------------------------------------------------------------
# Block migration and storage
# ---------------------------------------------------------------------------


def test_local_disk_without_shared_storage_needs_block_migration(src, dst):
    inst = make_instance(volume_backed=False)
    f = find(
        pf.check(inst, src, dst, live(block_migration=False)),
        "needs-block-migration",
    )
    assert f.severity is BLOCKER
    assert "20 GiB of local disk" in f.message and "auto" in f.remedy


def test_unknown_shared_storage_makes_it_a_warning(src, dst):
    src.shared_storage = dst.shared_storage = None
    inst = make_instance(volume_backed=False)
    f = find(
        pf.check(inst, src, dst, live(block_migration=False)),
        "needs-block-migration",
    )
    assert f.severity is WARNING


def test_shared_storage_needs_no_block_migration(src, dst):
    src.shared_storage = dst.shared_storage = True
    inst = make_instance(volume_backed=False)
    assert "needs-block-migration" not in codes(
        pf.check(inst, src, dst, live(block_migration=False))
    )
    f = find(
        pf.check(inst, src, dst, live(block_migration=True)),
        "block-migration-shared-storage",
    )
    assert f.severity is BLOCKER and "shared" in f.message


def test_block_migration_of_volume_only_instance_is_refused(src, dst):
    f = find(
        pf.check(make_instance(), src, dst, live(block_migration=True)),
        "block-migration-shared-storage",
    )
    assert "volume-backed" in f.message and "auto" in f.remedy
    assert not pf.has_blockers(
        pf.check(make_instance(), src, dst, live(block_migration=False))
    )


def test_config_drive_is_a_local_disk_for_volume_backed(src, dst):
    inst = make_instance(config_drive=True)
    findings = pf.check(inst, src, dst, live(block_migration=False))
    f = find(findings, "needs-block-migration")
    assert f.severity is BLOCKER and "a local config drive" in f.message


def test_unknown_boot_source_gives_storage_note(src, dst):
    f = find(
        pf.check(make_instance(volume_backed=None), src, dst, live()),
        "storage-unknown",
    )
    assert f.severity is NOTE


def test_block_migration_copy_is_announced(src, dst):
    inst = make_instance(
        volume_backed=False, flavor=Flavor(2, 4096, 40, extra_specs={})
    )
    f = find(
        pf.check(inst, src, dst, live(block_migration="auto")),
        "block-migration-copy",
    )
    assert "40 GiB" in f.message and "4096 MiB" in f.message


def test_config_drive_is_only_a_note_and_explains_the_old_warning(src, dst):
    inst = make_instance(volume_backed=False, config_drive=True)
    findings = pf.check(inst, src, dst, live())
    f = find(findings, "config-drive")
    assert (
        f.severity is NOTE
        and "iso9660" in f.message
        and "obsolete" in f.message
    )
    assert not pf.has_blockers(findings)


# ---------------------------------------------------------------------------
# NUMA, pinning, huge pages, DPDK
# ---------------------------------------------------------------------------

PINNED = {"hw:cpu_policy": "dedicated"}


def test_pinned_instance_is_live_migratable_to_an_empty_host(src, dst):
    findings = pf.check(make_instance(PINNED), src, dst, live())
    assert not pf.has_blockers(findings)
    assert "pinned-dest-not-empty" not in codes(findings)


def test_pinned_instance_wants_an_empty_destination(src, dst):
    dst.instance_ids = frozenset({"other-1", "other-2"})
    f = find(
        pf.check(make_instance(PINNED), src, dst, live()),
        "pinned-dest-not-empty",
    )
    assert f.severity is WARNING
    assert "2 other instances" in f.message and "section 5.4" in f.remedy


@pytest.mark.parametrize(
    "specs,image",
    [
        ({"hw:mem_page_size": "1GB"}, {}),  # DPDK-style huge pages
        ({}, {"hw_cpu_policy": "dedicated"}),  # pinning from the image
        ({"aggregate_instance_extra_specs:pinned": "true"}, {}),
    ],
)
def test_huge_pages_and_image_pinning_count_as_pinned(src, dst, specs, image):
    dst.instance_ids = frozenset({"other-1"})
    inst = make_instance(
        specs, image_properties=dict(image, hw_machine_type="q35")
    )
    assert "pinned-dest-not-empty" in codes(
        pf.check(inst, src, dst, live()), WARNING
    )


def test_unknown_destination_instances_for_pinned_gives_note(src, dst):
    dst.instance_ids = None
    assert "pinned-dest-unknown" in codes(
        pf.check(make_instance(PINNED), src, dst, live()), NOTE
    )


def test_numa_room_must_exist_on_the_destination(src, dst):
    dst.numa_cells = [NumaCell(0, 1, 32768), NumaCell(1, 1, 32768)]
    f = find(
        pf.check(make_instance(PINNED), src, dst, live()), "numa-insufficient"
    )
    assert f.severity is BLOCKER
    assert "2 pinned CPUs" in f.message and "0 such node(s) of 2" in f.message


def test_numa_nodes_split_the_guest(src, dst):
    inst = make_instance(
        {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "2"}, flavor=None
    )
    inst.flavor.vcpus, inst.flavor.ram_mb = 4, 8192
    dst.numa_cells = [NumaCell(0, 2, 4096), NumaCell(1, 2, 4096)]
    assert "numa-insufficient" not in codes(pf.check(inst, src, dst, live()))
    dst.numa_cells = [NumaCell(0, 4, 8192), NumaCell(1, 1, 8192)]
    f = find(pf.check(inst, src, dst, live()), "numa-insufficient")
    assert "2 NUMA node(s) with 2 pinned CPUs and 4096 MiB" in f.message


def test_huge_pages_are_checked_against_free_huge_pages(src, dst):
    inst = make_instance({"hw:mem_page_size": "large"})
    dst.numa_cells = [NumaCell(0, 16, 65536, 1024)]
    f = find(pf.check(inst, src, dst, live()), "numa-insufficient")
    assert "of huge pages" in f.message


@pytest.mark.parametrize("cells", [None, [NumaCell(0)]])
def test_unknown_numa_room_gives_note(src, dst, cells):
    dst.numa_cells = cells
    f = find(pf.check(make_instance(PINNED), src, dst, live()), "numa-unknown")
    assert f.severity is NOTE and "cmp2" in f.message


def test_numa_layout_difference_warns(src, dst):
    dst.numa_cells = [NumaCell(0, 32, 65536, 32768)]
    f = find(
        pf.check(make_instance(PINNED), src, dst, live()),
        "numa-layout-differs",
    )
    assert "2 NUMA nodes" in f.message and "has 1" in f.message


def test_numa_live_migration_before_train_is_refused(src, dst):
    f = find(
        pf.check(
            make_instance(PINNED), src, dst, live(compute_service_version=39)
        ),
        "numa-live-old-compute",
    )
    assert f.severity is BLOCKER and "39" in f.message


# ---------------------------------------------------------------------------
# Ports, PCI, vGPU, vTPM, SEV, accelerators, vPMEM, shares
# ---------------------------------------------------------------------------


def test_sriov_ports_live_migrate_with_a_short_interruption(src, dst):
    inst = make_instance(vnic_types=["normal", "direct", "direct-physical"])
    f = find(pf.check(inst, src, dst, live()), "sriov-live")
    assert (
        f.severity is WARNING
        and "2 SR-IOV" in f.message
        and "cmp2" in f.message
    )
    assert "sriov-live" not in codes(pf.check(inst, src, dst, cold()))


def test_macvtap_is_transparent(src, dst):
    findings = pf.check(
        make_instance(vnic_types=["macvtap"]), src, dst, live()
    )
    assert "macvtap-live" in codes(findings, NOTE)
    assert not pf.has_blockers(findings)


@pytest.mark.parametrize("kind", list(Kind))
def test_accelerator_ports_block_every_move(src, dst, kind):
    if kind is Kind.EVACUATE:
        down(src)
    inst = make_instance(vnic_types=["accelerator-direct"])
    f = find(pf.check(inst, src, dst, Request(kind)), "port-accelerator")
    assert f.severity is BLOCKER and "1 accelerator port" in f.message


def test_vdpa_live_migration_needs_service_version_63(src, dst):
    inst = make_instance(vnic_types=["vdpa"])
    f = find(
        pf.check(inst, src, dst, live(compute_service_version=62)),
        "vdpa-live-old-compute",
    )
    assert "62" in f.message and "63" in f.message
    assert "sriov-live" in codes(
        pf.check(inst, src, dst, live(compute_service_version=63))
    )


def test_unknown_ports_give_note(src, dst):
    assert "ports-unknown" in codes(
        pf.check(make_instance(vnic_types=None), src, dst, cold()), NOTE
    )


def test_pci_passthrough_live_depends_on_live_migratable_alias(src, dst):
    inst = make_instance({"pci_passthrough:alias": "gpu-a:2"})
    f = find(pf.check(inst, src, dst, live()), "pci-passthrough-live")
    assert (
        f.severity is WARNING
        and "gpu-a x2" in f.message
        and "live_migratable" in f.message
    )
    assert (
        find(
            pf.check(inst, src, dst, live(compute_service_version=67)),
            "pci-live-old-compute",
        ).severity
        is BLOCKER
    )
    assert not pf.has_blockers(pf.check(inst, src, dst, cold()))


def test_vgpu_live_migration_is_conditional(src, dst):
    inst = make_instance({"resources:VGPU": "1"})
    assert (
        find(pf.check(inst, src, dst, live()), "vgpu-live").severity is WARNING
    )
    dst.hypervisor_version = src.hypervisor_version = 8000000
    f = find(pf.check(inst, src, dst, live()), "vgpu-live-qemu-too-old")
    assert f.severity is BLOCKER and "8.0.0" in f.message
    assert "vgpu-live-old-compute" in codes(
        pf.check(inst, src, dst, live(compute_service_version=61)), BLOCKER
    )
    assert not {"vgpu-live", "vgpu-live-qemu-too-old"} & codes(
        pf.check(inst, src, dst, cold())
    )


def test_vtpm_live_needs_host_secret_security(src, dst):
    inst = make_instance({"hw:tpm_version": "2.0", "hw:tpm_model": "tpm-crb"})
    f = find(pf.check(inst, src, dst, live()), "vtpm-live")
    assert (
        f.severity is BLOCKER and "'user'" in f.message and "cold" in f.remedy
    )
    assert "vtpm-live" not in codes(pf.check(inst, src, dst, cold()))


def test_vtpm_live_with_host_security_needs_2026_1(src, dst):
    dst.traits = dst.traits | {"COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST",
                               "COMPUTE_SECURITY_TPM_TIS"}
    inst = make_instance(
        {"hw:tpm_version": "2.0", "hw:tpm_secret_security": "host"}
    )
    assert "vtpm-live-needs-2026.1" in codes(
        pf.check(inst, src, dst, live()), WARNING
    )
    assert "vtpm-live-old-compute" in codes(
        pf.check(inst, src, dst, live(compute_service_version=71)), BLOCKER
    )
    assert not pf.has_blockers(
        pf.check(inst, src, dst, live(compute_service_version=72))
    )


def test_vtpm_model_trait_missing_on_the_destination_blocks(src, dst):
    # A host reporting TPM 2.0 with the TIS model only: Nova's scheduler
    # asks a tpm-crb guest for COMPUTE_SECURITY_TPM_CRB and finds no host.
    dst.traits = frozenset({"COMPUTE_SECURITY_TPM_2_0",
                            "COMPUTE_SECURITY_TPM_TIS",
                            "COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER"})
    crb = make_instance({"hw:tpm_version": "2.0", "hw:tpm_model": "tpm-crb"})
    blockers = [f for f in pf.check(crb, src, dst, cold())
                if f.severity is BLOCKER]
    assert any("COMPUTE_SECURITY_TPM_CRB" in f.message for f in blockers), \
        [(f.code, f.message) for f in blockers]
    tis = make_instance({"hw:tpm_version": "2.0"})
    assert not pf.has_blockers(pf.check(tis, src, dst, cold()))


def test_vtpm_from_image_blocks_evacuation(src, dst):
    inst = make_instance(
        image_properties={"hw_tpm_version": "2.0", "hw_machine_type": "q35"}
    )
    f = find(pf.check(inst, down(src), dst, evacuate()), "vtpm-evacuate")
    assert f.severity is BLOCKER


def test_sev_blocks_live_only(src, dst):
    inst = make_instance({"hw:mem_encryption": "True"})
    assert "sev-live" in codes(pf.check(inst, src, dst, live()), BLOCKER)
    assert "sev-live" not in codes(pf.check(inst, src, dst, cold()))


def test_accelerator_device_profile_blocks_live_and_cold(src, dst):
    dst.traits = dst.traits | {"COMPUTE_ACCELERATORS"}
    inst = make_instance({"accel:device_profile": "fpga-1"})
    for req in (live(), cold()):
        f = find(pf.check(inst, src, dst, req), "accel-device-profile")
        assert f.severity is BLOCKER and "fpga-1" in f.message
    assert "accel-device-profile" not in codes(
        pf.check(inst, down(src), dst, evacuate())
    )


def test_vpmem_live_migration_since_victoria(src, dst):
    inst = make_instance({"hw:pmem": "4GB"})
    assert (
        find(pf.check(inst, src, dst, live()), "vpmem-live").severity
        is WARNING
    )
    assert "vpmem-live-old-compute" in codes(
        pf.check(inst, src, dst, live(compute_service_version=50)), BLOCKER
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_shares_block_every_move(src, dst, kind):
    if kind is Kind.EVACUATE:
        down(src)
    assert "shares" in codes(
        pf.check(make_instance(shares=True), src, dst, Request(kind)), BLOCKER
    )


def test_unknown_shares_give_note_unless_the_cloud_predates_them(src, dst):
    inst = make_instance(shares=None)
    assert "shares-unknown" in codes(pf.check(inst, src, dst, live()), NOTE)
    assert "shares-unknown" not in codes(
        pf.check(inst, src, dst, live(compute_service_version=66))
    )


# ---------------------------------------------------------------------------
# Machine type, unknown specs
# ---------------------------------------------------------------------------


def test_versioned_machine_type_warns(src, dst):
    inst = make_instance(
        image_properties={"hw_machine_type": "pc-q35-rhel9.4.0"}
    )
    f = find(pf.check(inst, src, dst, live()), "machine-type")
    assert (
        f.severity is WARNING
        and "pc-q35-rhel9.4.0" in f.message
        and "cmp2" in f.message
    )


def test_machine_type_is_kept_on_evacuation(src, dst):
    inst = make_instance(
        image_properties={"hw_machine_type": "pc-q35-rhel9.4.0"}
    )
    f = find(pf.check(inst, down(src), dst, evacuate()), "machine-type")
    assert "keeps it on evacuation" in f.message


def test_unknown_machine_type_gives_note_for_live(src, dst):
    inst = make_instance(image_properties={})
    assert "machine-type-unknown" in codes(
        pf.check(inst, src, dst, live()), NOTE
    )


def test_unknown_image_properties_and_extra_specs_give_notes(src, dst):
    inst = make_instance(
        image_properties=None, flavor=Flavor(2, 2048, 20, extra_specs=None)
    )
    assert {"image-properties-unknown", "extra-specs-unknown"} <= codes(
        pf.check(inst, src, dst, live()), NOTE
    )


# ---------------------------------------------------------------------------
# Server groups
# ---------------------------------------------------------------------------


def group(policy, members=("i-web1", "i-web2"), **kw):
    return ServerGroup("g1", policy, list(members), name="web", **kw)


def test_anti_affinity_member_on_destination_blocks(src, dst):
    dst.instance_ids = frozenset({"i-web2"})
    inst = make_instance(server_groups=[group("anti-affinity")])
    f = find(pf.check(inst, src, dst, live()), "anti-affinity-conflict")
    assert (
        f.severity is BLOCKER and "i-web2" in f.message and "cmp2" in f.message
    )


def test_soft_anti_affinity_only_warns(src, dst):
    dst.instance_ids = frozenset({"i-web2"})
    inst = make_instance(server_groups=[group("soft-anti-affinity")])
    assert (
        find(
            pf.check(inst, src, dst, live()), "anti-affinity-conflict"
        ).severity
        is WARNING
    )


def test_anti_affinity_max_server_per_host(src, dst):
    dst.instance_ids = frozenset({"i-web2"})
    inst = make_instance(
        server_groups=[
            group(
                "anti-affinity",
                ("i-web1", "i-web2", "i-web3"),
                max_server_per_host=2,
            )
        ]
    )
    assert "anti-affinity-conflict" not in codes(
        pf.check(inst, src, dst, live())
    )


def test_affinity_member_cannot_leave_its_peers(src, dst):
    inst = make_instance(server_groups=[group("affinity")])
    f = find(pf.check(inst, src, dst, live()), "affinity-conflict")
    assert f.severity is BLOCKER and "none of its other 1 member" in f.message
    dst.instance_ids = frozenset({"i-web2"})
    assert "affinity-conflict" not in codes(pf.check(inst, src, dst, live()))


def test_soft_affinity_only_warns(src, dst):
    inst = make_instance(
        server_groups=[("g2", "soft-affinity", ["i-web1", "i-web2"])]
    )
    assert (
        find(pf.check(inst, src, dst, live()), "affinity-conflict").severity
        is WARNING
    )


def test_scheduler_honours_groups(src):
    inst = make_instance(server_groups=[group("anti-affinity")])
    assert "group-scheduler" in codes(pf.check(inst, src, None, live()), NOTE)


def test_hard_affinity_with_all_peers_on_source_cannot_be_scheduled(src):
    src.instance_ids = frozenset({"i-web1", "i-web2"})
    inst = make_instance(server_groups=[group("affinity")])
    f = find(pf.check(inst, src, None, live()), "affinity-conflict")
    assert f.severity is BLOCKER and "cmp1" in f.message


def test_unknown_groups_give_notes(src, dst):
    assert "groups-unknown" in codes(
        pf.check(make_instance(server_groups=None), src, dst, live()), NOTE
    )
    dst.instance_ids = None
    inst = make_instance(server_groups=[group("anti-affinity")])
    assert "group-dest-unknown" in codes(
        pf.check(inst, src, dst, live()), NOTE
    )


# ---------------------------------------------------------------------------
# Evacuation
# ---------------------------------------------------------------------------


def test_evacuating_an_image_backed_instance_loses_local_data(src, dst):
    inst = make_instance(volume_backed=False)
    f = find(
        pf.check(inst, down(src), dst, evacuate()), "evacuate-local-data-lost"
    )
    assert (
        f.severity is WARNING and "20 GiB" in f.message and "lost" in f.message
    )


def test_evacuation_keeps_volume_and_shared_disks(src, dst):
    down(src)
    assert "evacuate-disk-kept" in codes(
        pf.check(make_instance(), src, dst, evacuate())
    )
    src.shared_storage = dst.shared_storage = True
    inst = make_instance(volume_backed=False)
    findings = pf.check(inst, src, dst, evacuate())
    assert "evacuate-disk-kept" in codes(findings, NOTE)
    assert "evacuate-local-data-lost" not in codes(findings)


def test_evacuation_recreates_local_ephemeral_disk(src, dst):
    inst = make_instance(
        flavor=Flavor(2, 2048, 20, ephemeral_gb=10, extra_specs={})
    )
    f = find(
        pf.check(inst, down(src), dst, evacuate()), "evacuate-ephemeral-lost"
    )
    assert "10 GiB" in f.message


def test_evacuation_with_unknown_boot_source_gives_note(src, dst):
    assert "evacuate-disk-unknown" in codes(
        pf.check(
            make_instance(volume_backed=None), down(src), dst, evacuate()
        ),
        NOTE,
    )


def test_evacuation_target_state_depends_on_microversion(src, dst):
    down(src)
    f = find(
        pf.check(make_instance(), src, dst, evacuate(microversion="2.95")),
        "evacuate-lands-shutoff",
    )
    assert "SHUTOFF" in f.message
    assert "evacuate-starts" in codes(
        pf.check(make_instance(), src, dst, evacuate(microversion="2.94"))
    )
    assert "evacuate-stopped-old-compute" in codes(
        pf.check(
            make_instance(),
            src,
            dst,
            evacuate(microversion="2.95", compute_service_version=61),
        ),
        BLOCKER,
    )


# ---------------------------------------------------------------------------
# Traits
# ---------------------------------------------------------------------------


def test_required_trait_missing_on_destination(src, dst):
    inst = make_instance({"trait:CUSTOM_FAST_NIC": "required"})
    f = find(pf.check(inst, src, dst, cold()), "dest-missing-traits")
    assert f.severity is BLOCKER and "CUSTOM_FAST_NIC" in f.message
    # A forced move bypasses the scheduler's trait filter.
    forced = pf.check(inst, src, dst, live(microversion="2.67", force=True))
    assert find(forced, "dest-missing-traits").severity is WARNING


def test_forbidden_trait_present_on_destination(src, dst):
    inst = make_instance(
        image_properties={
            "trait:HW_CPU_X86_AVX2": "forbidden",
            "hw_machine_type": "q35",
        }
    )
    assert "dest-forbidden-traits" in codes(
        pf.check(inst, src, dst, cold()), BLOCKER
    )


def test_unknown_destination_traits_give_note(src, dst):
    dst.traits = None
    inst = make_instance({"trait:CUSTOM_FAST_NIC": "required"})
    assert "traits-unknown" in codes(pf.check(inst, src, dst, cold()), NOTE)


# ---------------------------------------------------------------------------
# check_many
# ---------------------------------------------------------------------------


def batch(n, ram_mb=2048, **kw):
    """n plain instances i-0 ... i-(n-1) on cmp1."""
    return [
        make_instance(
            id="i-%d" % i,
            name="vm-%d" % i,
            flavor=Flavor(2, ram_mb, 20, extra_specs={}),
            **kw
        )
        for i in range(n)
    ]


def test_check_many_accounts_for_capacity_consumed_together(src, dst):
    dst.free_ram_mb = 5000
    results = pf.check_many(batch(3), src, dst, live())
    assert list(results) == ["i-0", "i-1", "i-2"]
    assert not pf.has_blockers(results["i-0"]) and not pf.has_blockers(
        results["i-1"]
    )
    f = find(results["i-2"], "ram-insufficient")
    assert "needs 2048 MiB" in f.message and "has 904 MiB" in f.message
    assert "earlier moves of this plan take 4096 MiB" in f.message


def test_check_many_accounts_vcpus_and_disk_too(src, dst):
    dst.free_vcpus, dst.free_disk_gb = 3, 30
    instances = batch(2, volume_backed=False)
    results = pf.check_many(instances, src, dst, cold())
    assert {"vcpu-insufficient", "disk-insufficient"} <= codes(
        results["i-1"], BLOCKER
    )


def test_check_many_blocked_instances_consume_nothing(src, dst):
    dst.free_ram_mb = 4096
    instances = batch(2)
    instances[0].status = "SUSPENDED"
    results = pf.check_many(instances, src, dst, live())
    assert "state-not-allowed" in codes(results["i-0"])
    assert "ram-insufficient" not in codes(results["i-1"])


def test_check_many_per_instance_destinations(src, dst):
    dst.free_ram_mb = 2048
    other = make_host("cmp3", free_ram_mb=2048)
    results = pf.check_many(
        batch(3), src, {"i-0": dst, "i-1": other, "i-2": None}, live()
    )
    assert not any(pf.has_blockers(fs) for fs in results.values())
    assert "scheduler-chooses" in codes(results["i-2"])


def test_check_many_anti_affinity_among_moved_instances(src, dst):
    g = ServerGroup("g1", "anti-affinity", ["i-0", "i-1"], name="web")
    instances = batch(2, server_groups=[g])
    results = pf.check_many(instances, src, dst, live())
    assert "anti-affinity-conflict" not in codes(results["i-0"])
    f = find(results["i-1"], "anti-affinity-conflict")
    assert f.severity is BLOCKER and "i-0" in f.message
    spread = pf.check_many(
        instances, src, {"i-0": dst, "i-1": make_host("cmp3")}, live()
    )
    assert "anti-affinity-conflict" not in codes(spread["i-1"])


def test_check_many_affinity_member_follows_its_moved_peer(src, dst):
    # Soft affinity lets the first member go (with a warning); the second
    # then finds it on cmp2.
    g = ServerGroup("g1", "soft-affinity", ["i-0", "i-1"])
    results = pf.check_many(batch(2, server_groups=[g]), src, dst, live())
    assert find(results["i-0"], "affinity-conflict").severity is WARNING
    assert "affinity-conflict" not in codes(results["i-1"])


def test_check_many_pinned_destination_may_hold_instances_of_the_plan(
    src, dst
):
    instances = batch(2)
    for inst in instances:
        inst.flavor.extra_specs = dict(PINNED)
    results = pf.check_many(instances, src, dst, live())
    assert "pinned-dest-not-empty" not in codes(results["i-1"])


def test_check_many_consumes_numa_room(src, dst):
    dst.numa_cells = [NumaCell(0, 2, 65536)]
    instances = batch(2)
    for inst in instances:
        inst.flavor.extra_specs = dict(PINNED)
    results = pf.check_many(instances, src, dst, live())
    assert "numa-insufficient" not in codes(results["i-0"])
    assert "numa-insufficient" in codes(results["i-1"], BLOCKER)


def test_check_many_derives_spec_facts_per_flavor(src, dst):
    # check_many derives a flavor's spec facts once and reuses them for the
    # next instances of the same flavor: instances of flavors that differ
    # in their extra specs, or only in their vCPUs, must each keep their
    # own findings, whatever the order they come in.
    dst.free_pcpus = 1

    def inst(n, vcpus, specs):
        # Each server read from Nova carries its own copy of its flavor.
        return make_instance(
            id="i-%d" % n,
            flavor=Flavor(vcpus, 2048, 20, extra_specs=dict(specs)),
        )

    shared = {"hw:cpu_policy": "shared"}
    instances = [
        inst(0, 2, PINNED),
        inst(1, 2, shared),
        inst(2, 1, PINNED),  # 1 PCPU: fits, and takes the only one
        inst(3, 2, PINNED),
        inst(4, 2, shared),
    ]
    results = pf.check_many(instances, src, dst, live())
    for blocked in ("i-0", "i-3"):
        f = find(results[blocked], "pcpu-insufficient")
        assert f.severity is BLOCKER and "needs 2 dedicated CPUs" in f.message
    for plain in ("i-1", "i-4"):
        assert not {"pcpu-insufficient"} & codes(results[plain])
        assert not pf.has_blockers(results[plain])
    assert not pf.has_blockers(results["i-2"])
    # The same plan, instance by instance, gives the same findings.
    for one in instances[:2]:
        assert results[one.id] == pf.check(one, src, dst, live())


def test_profile_from_the_flavor_cache_equals_a_fresh_one():
    # Every fact derived from specs and image properties must be part of
    # what the cache copies; a fact left out would be missing (or another
    # flavor's) on the second instance of a flavor.
    specs = {
        "hw:cpu_policy": "mixed",
        "hw:cpu_dedicated_mask": "^0",
        "hw:mem_page_size": "1GB",
        "hw:numa_nodes": "2",
        "hw:emulator_threads_policy": "isolate",
        "hw:tpm_version": "2.0",
        "hw:tpm_model": "tpm-crb",
        "hw:mem_encryption": "true",
        "hw:pmem": "2GB",
        "accel:device_profile": "fpga",
        "pci_passthrough:alias": "a1:2,b1",
        "resources:VGPU": "1",
        "trait:CUSTOM_X": "required",
        "trait:CUSTOM_Y": "forbidden",
    }
    image = {"hw_machine_type": "pc", "trait:CUSTOM_Z": "required"}
    cache = {}
    fresh, first, second = (
        pf.Profile(
            make_instance(
                id="i-%d" % n,
                flavor=Flavor(4, 4096, 20, extra_specs=dict(specs)),
                image_properties=dict(image),
            ),
            cache if n else None,
        )
        for n in range(3)
    )
    assert len(cache) == 1  # the second profile came from the cache
    for name in pf.Profile.__slots__:
        if name in ("inst", "label"):
            continue
        assert getattr(second, name) == getattr(fresh, name), name
        assert getattr(first, name) == getattr(fresh, name), name
    # vCPUs 1-3 dedicated ("^0") plus the isolated emulator thread.
    assert fresh.pcpu_need == 4 and fresh.vcpu_need == 1
    assert fresh.pinned and fresh.vgpus == 1


def test_block_migration_requested_with_unknown_shared_storage_warns():
    inst = pf.Instance(id="i1", name="web-1", host="cmp1",
                       volume_backed=False, config_drive=False,
                       server_groups=[], vnic_types=[], shares=False,
                       image_properties={})
    src = pf.Host(name="cmp1", shared_storage=None)
    dst = pf.Host(name="cmp2", shared_storage=None, free_vcpus=8,
                  free_ram_mb=8192, free_disk_gb=100)
    findings = pf.check(inst, src, dst,
                        pf.Request(pf.Kind.LIVE, block_migration=True))
    codes = {f.code: f for f in findings}
    assert "block-migration-storage-unknown" in codes
    assert codes["block-migration-storage-unknown"].severity == pf.WARNING
    assert "cmp1" in codes["block-migration-storage-unknown"].message
