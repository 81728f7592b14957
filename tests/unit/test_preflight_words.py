"""How pre-flight findings word sizes, versions, lists and NUMA needs
(``preflight.wording``), what a page says once instead of on every row
(``preflight.summary``), how Nova's records become pre-flight input
(``preflight.model``) and the device, NUMA and CPU findings word for word
(message, remedy, reason): what an operator reads."""

import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import (
    BLOCKER, NOTE, WARNING, CpuInfo, Finding, Flavor, NumaCell,
    service_version_for_release, summary, wording)
from tests.unit.test_preflight import find, live, make_host, make_instance


@pytest.mark.parametrize("version, text", [
    (8002000, "8.2.0"), (6002001, "6.2.1"), (10001012, "10.1.12"),
    ("9000000", "9.0.0"), (1002003, "1.2.3"),
])
def test_hypervisor_version_as_major_minor_micro(version, text):
    assert wording.hv_version(version) == text


def test_unknown_hypervisor_version():
    assert str(wording.hv_version(None)) == "unknown"


@pytest.mark.parametrize("mb, text", [
    (2048, "2048 MiB (2 GiB)"), (1536, "1536 MiB (1.5 GiB)"),
    (512, "512 MiB (0.5 GiB)"), ("4096", "4096 MiB (4 GiB)"),
])
def test_memory_in_mib_and_gib(mb, text):
    assert str(wording.mib(mb)) == text


@pytest.mark.parametrize("count, text", [
    (7, "h1, h2, h3, h4, h5, h6, h7"),
    (8, "h1, h2, h3, h4, h5, h6, h7, h8"),
    (9, "h1, h2, h3, h4, h5, h6, h7, h8 and 1 more"),
    (12, "h1, h2, h3, h4, h5, h6, h7, h8 and 4 more"),
])
def test_eight_names_then_how_many_more(count, text):
    names = ["h%d" % i for i in range(1, count + 1)]
    assert str(wording.first_names(names)) == text
    if count < 10:
        # short_list sorts first: the same names given backwards.
        assert str(wording.short_list(reversed(names))) == text


def test_short_list_sorts_and_keeps_its_limit():
    assert str(wording.short_list(["c", "a", "b"], limit=2)) == \
        "a, b and 1 more"
    assert str(wording.first_names(["c", "a", "b"], limit=2)) == \
        "c, a and 1 more"


def test_either_and_both():
    assert str(wording.either(["ACTIVE", "SHUTOFF"])) == "ACTIVE or SHUTOFF"
    assert str(wording.both(["COMPUTE_X", "COMPUTE_Y"])) == \
        "COMPUTE_X and COMPUTE_Y"


def _profile(specs):
    return pf.Profile(make_instance(specs))


@pytest.mark.parametrize("specs, text", [
    ({"hw:cpu_policy": "dedicated"}, "CPU pinning (dedicated)"),
    ({"hw:cpu_policy": "mixed"}, "CPU pinning (mixed)"),
    ({"hw:mem_page_size": "1GB"}, "huge pages (1gb)"),
    ({"hw:numa_nodes": "2"}, "2 NUMA nodes"),
    ({"hw:numa_nodes": "1"}, "a NUMA topology"),
    ({"hw:cpu_policy": "shared", "hw:mem_page_size": "small"},
     "a NUMA topology"),
    ({"hw:cpu_policy": "dedicated", "hw:mem_page_size": "large",
      "hw:numa_nodes": "2"},
     "CPU pinning (dedicated), huge pages (large), 2 NUMA nodes"),
])
def test_what_gives_an_instance_a_numa_topology(specs, text):
    assert str(wording.numa_what(_profile(specs))) == text


def test_local_disks_block_migration_copies():
    fl = pf.Flavor(vcpus=1, ram_mb=512, disk_gb=20, swap_mb=1024)
    p = pf.Profile(make_instance(flavor=fl, volume_backed=False))
    assert str(wording.local_disks(p)) == "21 GiB of local disk"
    fl = pf.Flavor(vcpus=1, ram_mb=512, disk_gb=20)
    p = pf.Profile(make_instance(flavor=fl, config_drive=True))
    assert str(wording.local_disks(p)) == "a local config drive"


# ---------------------------------------------------------------------------
# Said once above the table
# ---------------------------------------------------------------------------

def _f(severity, code, message="m"):
    return Finding(severity, code, message)


def test_what_every_row_says_is_said_once_worst_first():
    rows = {
        "a": [_f(NOTE, "scheduler-chooses", "pick"), _f(WARNING, "w", "same"),
              _f(BLOCKER, "x", "only a"), _f(WARNING, "w", "same")],
        "b": [_f(WARNING, "w", "same"), _f(NOTE, "scheduler-chooses", "pick")],
        "c": [_f(NOTE, "scheduler-chooses", "pick"), _f(WARNING, "w", "same"),
              _f(WARNING, "w", "same")],
    }
    page, left = summary.said_once(rows, {})
    assert [(f.code, f.message) for f in page] == [
        ("w", "same"), ("scheduler-chooses", "pick")]
    assert left == {"a": [_f(BLOCKER, "x", "only a")], "b": [], "c": []}


def test_nothing_common_when_one_row_differs():
    rows = {"a": [_f(WARNING, "w", "same")], "b": [],
            "c": [_f(WARNING, "w", "same")]}
    page, left = summary.said_once(rows, {})
    assert page == []
    assert left == rows


def test_only_what_every_row_says_leaves_the_rows():
    rows = {"a": [_f(WARNING, "w", "same")],
            "b": [_f(WARNING, "w", "same"), _f(WARNING, "x", "b only")]}
    page, left = summary.said_once(rows, {})
    assert page == [_f(WARNING, "w", "same")]
    assert left == {"a": [], "b": [_f(WARNING, "x", "b only")]}


def test_a_single_row_keeps_its_findings():
    rows = {"a": [_f(WARNING, "w", "same")]}
    assert summary.said_once(rows, {}) == ([], rows)


def test_could_not_check_notes_name_the_instances_they_concern():
    rows = {
        "i1": [_f(NOTE, "groups-unknown", "x"), _f(BLOCKER, "b", "own")],
        "i2": [_f(WARNING, "groups-unknown", "a warning stays")],
        "i3": [_f(NOTE, "groups-unknown", "y"),
               _f(NOTE, "shares-unknown", "z")],
    }
    page, left = summary.said_once(rows, {"i1": "web-1", "i3": ""})
    assert [(f.severity, f.code, str(f.message)) for f in page] == [
        (NOTE, "shares-unknown",
         "Could not check for Manila shares (on i3); they block every"
         " move."),
        (NOTE, "groups-unknown",
         "Could not check the server groups (of web-1, i3)."),
    ]
    assert left == {"i1": [_f(BLOCKER, "b", "own")],
                    "i2": [_f(WARNING, "groups-unknown", "a warning stays")],
                    "i3": []}


# ---------------------------------------------------------------------------
# Nova's records as pre-flight input
# ---------------------------------------------------------------------------

def test_flavor_from_the_servers_embedded_flavor():
    fl = Flavor.from_nova({"vcpus": 4, "ram": 8192, "disk": 40,
                           "ephemeral": 10, "swap": 2048,
                           "extra_specs": {"hw:cpu_policy": "dedicated"}})
    assert fl == Flavor(vcpus=4, ram_mb=8192, disk_gb=40, ephemeral_gb=10,
                        swap_mb=2048,
                        extra_specs={"hw:cpu_policy": "dedicated"})


def test_flavor_with_the_extension_ephemeral_key_and_empty_swap():
    # Older records name ephemeral OS-FLV-EXT-DATA:ephemeral; an empty
    # swap is "" in Nova's answer.
    fl = Flavor.from_nova({"vcpus": 1, "ram": 512, "disk": 1,
                           "OS-FLV-EXT-DATA:ephemeral": 5, "swap": ""})
    assert (fl.ephemeral_gb, fl.swap_mb, fl.extra_specs) == (5, 0, None)


def test_cpu_info_from_a_hypervisor():
    info = CpuInfo.from_nova('{"arch": "x86_64", "vendor": "Intel",'
                             ' "model": "Icelake-Server",'
                             ' "features": ["avx2", "aes"]}')
    assert info == CpuInfo("x86_64", "Intel", "Icelake-Server",
                           frozenset({"avx2", "aes"}))
    info = CpuInfo.from_nova({"arch": "aarch64", "model": "neoverse-n1"})
    assert info == CpuInfo("aarch64", None, "neoverse-n1", None)
    assert CpuInfo.from_nova("not json") is None
    assert CpuInfo.from_nova({}) is None


def test_service_version_of_an_unknown_release():
    assert service_version_for_release(None) is None
    assert service_version_for_release("") is None


# ---------------------------------------------------------------------------
# Device findings word for word (vGPU, ports): what the operator reads
# ---------------------------------------------------------------------------

def _vgpu_check(vgpus, dst=None, **request):
    inst = make_instance({"resources:VGPU": str(vgpus)})
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    return pf.check(inst, src, dst, live(**request))


def _words(finding):
    return str(finding.message), str(finding.remedy)


def test_vgpu_live_migration_words_when_the_scheduler_chooses():
    assert _words(find(_vgpu_check(1), "vgpu-live")) == (
        "web-1 has 1 vGPU. Live migration works from Nova 2024.1 only with"
        " QEMU >= 8.1 and libvirt >= 8.6 on both hosts and a free vGPU of"
        " the same mdev type on the destination.",
        "Make sure the destination offers the same vGPU type, or use cold"
        " migration.")
    message, _ = _words(find(_vgpu_check(2, make_host("cmp2")), "vgpu-live"))
    assert message.startswith("web-1 has 2 vGPUs. Live migration")
    assert message.endswith("the same mdev type on cmp2.")


def test_vgpu_on_an_old_qemu_names_each_old_host():
    inst = make_instance({"resources:VGPU": "2"})
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}),
                    hypervisor_version=8000000)
    dst = make_host("cmp2", hypervisor_version=8000001)
    assert _words(find(pf.check(inst, src, dst, live()),
                       "vgpu-live-qemu-too-old")) == (
        "web-1 has 2 vGPUs; vGPU live migration needs QEMU 8.1.0 or newer,"
        " but cmp1 runs 8.0.0, cmp2 runs 8.0.1.",
        "Use cold migration (section 5.5), or upgrade QEMU/libvirt.")


def test_vgpu_with_computes_older_than_2024_1():
    assert _words(find(_vgpu_check(2, compute_service_version=65),
                       "vgpu-live-old-compute")) == (
        "web-1 has 2 vGPUs; vGPU live migration needs Nova 2024.1 (service"
        " version 66), the oldest compute here is 65.",
        "Use cold migration (section 5.5).")


def _ports_check(vnic_types, dst=None):
    inst = make_instance(vnic_types=vnic_types)
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    return pf.check(inst, src, dst, live())


def test_ports_not_read():
    assert _words(find(_ports_check(None), "ports-unknown")) == (
        "Could not check the ports of web-1 (SR-IOV, vDPA, accelerator).",
        "Read the Neutron ports (binding:vnic_type) of the instance.")


def test_accelerator_ports_words():
    findings = _ports_check(["accelerator-direct", "accelerator-direct",
                             "normal"])
    assert _words(find(findings, "port-accelerator")) == (
        "web-1 has 2 accelerator ports (accelerator-direct); Nova refuses to"
        " move an instance with accelerator ports.",
        "Detach the accelerator ports, or delete and recreate the instance"
        " on the target host.")


def test_sriov_live_words_when_the_scheduler_chooses():
    assert _words(find(_ports_check(["direct"]), "sriov-live")) == (
        "web-1 has 1 SR-IOV/vDPA port(s) (direct). Nova (Train and later)"
        " unplugs them before the live migration and plugs new ones after"
        " it: expect a short network interruption, and the destination"
        " needs free VFs on the same physical network.",
        "Accept the interruption, or use cold migration (section 5.5).")


def _said(inst, request, source_down=False):
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    if source_down:
        src.state = "down"
    return pf.check(inst, src, None, request)


_MACHINE_TYPE_LIVE = (
    "web-1 uses machine type q35; live migration keeps it, so the QEMU on"
    " the destination must support it. Nova does not check this in"
    " advance.",
    "Choose a destination on the same or a newer OS/QEMU release.")


@pytest.mark.parametrize("specs, kw, kind, code, words", [
    ({"hw:tpm_version": "2.0"}, {}, "evacuate", "vtpm-evacuate", (
        "web-1 has a vTPM (2.0); Nova refuses to evacuate instances with a"
        " vTPM.",
        "Bring the source host back and migrate it, or rebuild the"
        " instance.")),
    ({"hw:tpm_version": "2.0", "hw:tpm_secret_security": "host"}, {},
     "live", "vtpm-live-needs-2026.1", (
         "web-1 has a vTPM (secret security 'host'); live migration needs"
         " every nova-compute at 2026.1 (service version 72), which could"
         " not be checked.",
         "Confirm all computes run 2026.1, or use cold migration.")),
    ({"hw:tpm_version": "2.0", "hw:tpm_secret_security": "host"},
     {"compute_service_version": 71}, "live", "vtpm-live-old-compute", (
         "web-1 has a vTPM; live migration needs every nova-compute at"
         " service version 72 (2026.1), the oldest here is 71.",
         "Use cold migration (section 5.5), or upgrade the computes.")),
    ({"hw:mem_encryption": "true"}, {}, "live", "sev-live", (
        "web-1 uses AMD SEV memory encryption; Nova refuses to live migrate"
        " SEV instances.",
        "Use cold migration (section 5.5).")),
    ({"accel:device_profile": "fpga"}, {}, "cold", "accel-device-profile", (
        "web-1 uses accelerator device profile 'fpga'; Nova refuses cold"
        " migration of instances with accelerators.",
        "Evacuate it if its host is down, or recreate it on the target"
        " host.")),
    ({"pci_passthrough:alias": "gpu:2,nic"}, {}, "live",
     "pci-passthrough-live", (
         "web-1 has PCI passthrough devices (gpu x2, nic x1). Nova live"
         " migrates them only if the alias is marked live_migratable (Nova"
         " 2025.1 and later); otherwise it refuses: 'This request does not"
         " explicitly request live-migratable devices'.",
         "Check [pci]alias live_migratable in nova.conf, or use cold"
         " migration (section 5.5).")),
    ({"hw:pmem": "4GB"}, {}, "live", "vpmem-live", (
        "web-1 uses persistent memory (4GB); its content is copied during"
        " live migration, and the destination needs free namespaces of the"
        " same size.",
        "Expect a longer migration.")),
    ({}, {"shares": True}, "cold", "shares", (
        "web-1 has Manila shares attached; Nova refuses cold migration of"
        " instances with shares.",
        "Detach the shares (with the instance stopped), move it, and attach"
        " them again.")),
    ({}, {"shares": None}, "cold", "shares-unknown", (
        "Could not check whether web-1 has Manila shares attached (they"
        " block every move).",
        "List its shares with microversion 2.97.")),
    ({}, {}, "live", "machine-type", _MACHINE_TYPE_LIVE),
    ({}, {}, "cold", "machine-type", (
        "web-1 uses machine type q35; Nova keeps it on cold migration (since"
        " Wallaby), so the QEMU on the destination must support it. Nova"
        " does not check this in advance.",
        _MACHINE_TYPE_LIVE[1])),
])
def test_device_findings_word_for_word(specs, kw, kind, code, words):
    kw = dict(kw)
    request = pf.Request(kind, compute_service_version=kw.pop(
        "compute_service_version", None))
    inst = make_instance(specs, **kw)
    findings = _said(inst, request, source_down=(kind == "evacuate"))
    assert _words(find(findings, code)) == words


def test_machine_type_not_in_the_image_properties():
    findings = _said(make_instance(image_properties={}), live())
    assert _words(find(findings, "machine-type-unknown")) == (
        "Could not check the machine type of web-1; the destination's QEMU"
        " must support the one it runs with.",
        "Prefer a destination on the same or a newer OS release.")


def test_server_groups_not_read():
    findings = _said(make_instance(server_groups=None), live())
    assert _words(find(findings, "groups-unknown")) == (
        "Could not check the server groups of web-1.",
        "Read the server groups (all projects).")


def test_vpmem_names_the_chosen_destination():
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    findings = pf.check(make_instance({"hw:pmem": "4GB"}), src,
                        make_host("cmp2"), live())
    assert str(find(findings, "vpmem-live").message) == (
        "web-1 uses persistent memory (4GB); its content is copied during"
        " live migration, and cmp2 needs free namespaces of the same size.")


def test_cold_migration_says_nothing_of_live_only_checks():
    # NUMA-aware live migration (Train computes) and the machine type a
    # live migration keeps: neither concerns a cold migration.
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}))
    pinned = make_instance({"hw:cpu_policy": "dedicated"})
    old = pf.Request("cold", compute_service_version=30)
    assert "numa-live-old-compute" not in {
        f.code for f in pf.check(pinned, src, make_host("cmp2"), old)}
    assert find(pf.check(pinned, src, make_host("cmp2"),
                         live(compute_service_version=30)),
                "numa-live-old-compute").severity is pf.BLOCKER
    no_type = make_instance(image_properties={})
    assert "machine-type-unknown" not in {
        f.code for f in _said(no_type, pf.Request("cold"))}


# ---------------------------------------------------------------------------
# NUMA and CPU findings word for word
# ---------------------------------------------------------------------------

def _moved_to(dst, specs=None, src_kw=None, request=None):
    src = make_host("cmp1", instance_ids=frozenset({"i-web1"}),
                    **(src_kw or {}))
    inst = make_instance(dict(specs or {"hw:cpu_policy": "dedicated"}))
    return pf.check(inst, src, dst, request or live())


def _all_words(finding):
    return str(finding.message), str(finding.remedy), str(finding.reason)


def test_numa_room_unknown_words():
    f = find(_moved_to(make_host("cmp2", numa_cells=None)), "numa-unknown")
    assert _words(f) == (
        "Could not check NUMA room on cmp2 for web-1, which uses CPU pinning"
        " (dedicated).",
        "Check `numactl --hardware` and `virsh capabilities` on cmp2"
        " (section 5.4).")
    cells = [NumaCell(0, None, None, None), NumaCell(1, None, None, None)]
    f = find(_moved_to(make_host("cmp2", numa_cells=cells)), "numa-unknown")
    assert _words(f) == (
        "Could not check NUMA room on cmp2: free CPUs or memory of its NUMA"
        " nodes are unknown.",
        "Check `numactl --hardware` on cmp2 (section 5.4).")


def test_numa_room_insufficient_words():
    cells = [NumaCell(0, 0, 32768, 0), NumaCell(1, 16, 32768, 0)]
    f = find(_moved_to(make_host("cmp2", numa_cells=cells),
                       {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "2"}),
             "numa-insufficient")
    assert f.severity is pf.BLOCKER
    assert str(f.remedy) == ("Choose a host with room on enough NUMA nodes,"
                             " or free it first (section 5.4).")
    assert str(f.reason).startswith("NUMA: 1 of 2 nodes with ")


def test_numa_layout_differs_words():
    cells = [NumaCell(0, 16, 32768, 0), NumaCell(1, 16, 32768, 0)]
    f = find(_moved_to(make_host("cmp2", numa_cells=cells[:1]),
                       src_kw=dict(numa_cells=cells)), "numa-layout-differs")
    assert _all_words(f) == (
        "cmp1 has 2 NUMA nodes but cmp2 has 1; the move can succeed while"
        " web-1 performs worse (section 5.10.3).",
        "Prefer a destination with identical hardware.",
        "1 NUMA nodes, the source has 2")


def test_pinned_guest_and_its_destinations_other_instances():
    f = find(_moved_to(make_host("cmp2", instance_ids=None)),
             "pinned-dest-unknown")
    assert _words(f) == (
        "Could not check whether cmp2 is empty; web-1 uses CPU pinning"
        " (dedicated) and wants an empty destination (section 5.4).",
        "Check `openstack server list --host cmp2 --all-projects`.")
    f = find(_moved_to(make_host("cmp2", instance_ids=frozenset({"x"}))),
             "pinned-dest-not-empty")
    assert str(f.reason) == ("runs 1 other instance; pinned guests want an"
                             " empty host")
    f = find(_moved_to(make_host("cmp2", instance_ids=frozenset({"x", "y"}))),
             "pinned-dest-not-empty")
    assert str(f.reason) == ("runs 2 other instances; pinned guests want an"
                             " empty host")


def test_cpu_traits_missing_words_when_cpu_info_is_hidden():
    src_kw = dict(cpu_info=None, traits=frozenset(
        {"HW_CPU_X86_AVX512F", "HW_CPU_X86_AVX2", "COMPUTE_X"}))
    dst = make_host("cmp2", cpu_info=None,
                    traits=frozenset({"HW_CPU_X86_AVX2"}))
    f = find(_moved_to(dst, {}, src_kw), "cpu-traits-missing")
    assert _all_words(f) == (
        "cmp2 lacks 1 CPU trait that cmp1 has: HW_CPU_X86_AVX512F.",
        "Choose a host with the same CPU generation.",
        "lacks CPU trait(s) HW_CPU_X86_AVX512F")
    # The destination's traits unknown: nothing to compare.
    dst = make_host("cmp2", cpu_info=None, traits=None)
    assert "cpu-traits-missing" not in {
        f.code for f in _moved_to(dst, {}, src_kw)}


_OLD_CPU = pf.CpuInfo("x86_64", "Intel", "Icelake-Server",
                      frozenset({"sse4_2", "avx2"}))


@pytest.mark.parametrize("cpu_mode, severity, unless", [
    ("host-model", pf.BLOCKER, ""),
    ("Host-Passthrough", pf.BLOCKER, ""),
    ("custom", pf.WARNING,
     " unless the guest uses a CPU model without them"),
    (None, pf.WARNING, " unless the guest uses a CPU model without them"),
])
def test_cpu_features_missing_words(cpu_mode, severity, unless):
    dst = make_host("cmp2", cpu_info=_OLD_CPU)
    f = find(_moved_to(dst, {}, dict(cpu_mode=cpu_mode)),
             "cpu-features-missing")
    assert f.severity is severity
    assert _all_words(f) == (
        "cmp2 lacks 2 CPU features of cmp1: aes, avx512f. The destination's"
        " features must be a superset of the source's%s." % unless,
        "Choose a host whose CPU is the same or newer, or set a common"
        " [libvirt]cpu_models baseline on both.",
        "lacks CPU feature(s) aes, avx512f")


def test_cpu_passthrough_words():
    f = find(_moved_to(make_host("cmp2", cpu_mode="host-passthrough"), {}),
             "cpu-passthrough")
    assert _all_words(f) == (
        "CPU host-passthrough: the CPU models (and microcode) of cmp1 and"
        " cmp2 must match exactly.",
        "Migrate only between identical hardware.",
        "CPU host-passthrough: models must match exactly")


def test_cpu_traits_and_features_counted_in_words():
    # Two traits missing (plural), one feature missing (singular).
    src_kw = dict(cpu_info=None, traits=frozenset(
        {"HW_CPU_X86_AVX512F", "HW_CPU_X86_AVX2", "HW_CPU_X86_SHA"}))
    dst = make_host("cmp2", cpu_info=None,
                    traits=frozenset({"HW_CPU_X86_AVX2"}))
    assert str(find(_moved_to(dst, {}, src_kw),
                    "cpu-traits-missing").message) == (
        "cmp2 lacks 2 CPU traits that cmp1 has: HW_CPU_X86_AVX512F,"
        " HW_CPU_X86_SHA.")
    one_less = pf.CpuInfo("x86_64", "Intel", "Icelake-Server",
                          frozenset({"sse4_2", "avx2", "avx512f"}))
    f = find(_moved_to(make_host("cmp2", cpu_info=one_less), {},
                       dict(cpu_mode="host-model")), "cpu-features-missing")
    assert str(f.message) == (
        "cmp2 lacks 1 CPU feature of cmp1: aes. The destination's features"
        " must be a superset of the source's.")
