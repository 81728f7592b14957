"""The facts the pre-flight rules and the planner derive from an instance's
flavor extra specs and image properties (``preflight.profile``), each
written from Nova's documented meaning of the spec, not from the code.

Gathering (which hosts' instance lists to read), pre-flight and planning
all ask these questions; a wrong answer is a wrong finding or plan.
"""

import pytest

from migration_dashboard.core import preflight as pf
from migration_dashboard.core.preflight import profile
from migration_dashboard.core.preflight import Flavor, Host, NumaCell
from tests.unit.test_preflight import make_host, make_instance


def facts(extra_specs=None, image=None, vcpus=4, derived=None, **flavor):
    """The profile of a 4-vCPU, 4 GiB instance with these specs."""
    fl = Flavor(vcpus=vcpus, ram_mb=flavor.pop("ram_mb", 4096),
                disk_gb=flavor.pop("disk_gb", 20),
                extra_specs=extra_specs, **flavor)
    return pf.Profile(make_instance(flavor=fl, image_properties=image),
                      derived)


# ---------------------------------------------------------------------------
# Pinned CPUs, huge pages, an empty host (what gathering asks)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("specs, image, pinned", [
    ({"hw:cpu_policy": "dedicated"}, None, True),
    ({"hw:cpu_policy": "MIXED"}, None, True),
    ({"hw:cpu_policy": "shared"}, None, False),
    ({}, {"hw_cpu_policy": "dedicated"}, True),
    # The flavor's policy is the one Nova applies when both say.
    ({"hw:cpu_policy": "shared"}, {"hw_cpu_policy": "dedicated"}, False),
    ({profile.PINNED_AGGREGATE_SPEC: "yes"}, None, True),
    ({profile.PINNED_AGGREGATE_SPEC: " On "}, None, True),
    ({profile.PINNED_AGGREGATE_SPEC: "1"}, None, True),
    ({profile.PINNED_AGGREGATE_SPEC: "false"}, None, False),
    ({profile.PINNED_AGGREGATE_SPEC: None}, None, False),
    (None, None, False),
    ({}, {}, False),
])
def test_pinned_cpus(specs, image, pinned):
    assert pf.is_pinned(specs, image) is pinned
    assert pf.wants_empty_host(specs, image) is pinned
    assert facts(specs, image).pinned is pinned


@pytest.mark.parametrize("specs, image, huge", [
    ({"hw:mem_page_size": "large"}, None, True),
    ({"hw:mem_page_size": "1GB"}, None, True),
    ({"hw:mem_page_size": "2048"}, None, True),
    ({"hw:mem_page_size": "small"}, None, False),
    ({"hw:mem_page_size": "SMALL"}, None, False),
    ({"hw:mem_page_size": "any"}, None, False),
    ({"hw:mem_page_size": "Any"}, None, False),
    ({}, {"hw_mem_page_size": "large"}, True),
    ({}, {"hw_mem_page_size": "small"}, False),
    ({"hw:mem_page_size": "small"}, {"hw_mem_page_size": "large"}, False),
    (None, None, False),
])
def test_huge_pages(specs, image, huge):
    assert pf.uses_huge_pages(specs, image) is huge
    assert pf.wants_empty_host(specs, image) is huge
    assert facts(specs, image).hugepages is huge


def test_page_size_is_the_flavors_else_the_images_in_lower_case():
    assert profile.page_size({"hw:mem_page_size": "1GB"}) == "1gb"
    assert profile.page_size({}, {"hw_mem_page_size": "LARGE"}) == "large"
    assert profile.page_size({}, None) is None
    assert profile.page_size({}, {}) is None
    assert facts({}, {"hw_mem_page_size": "2MB"}).page_size == "2mb"


def test_cpu_policy_unset_is_empty():
    assert profile.cpu_policy({}) == ""
    assert profile.cpu_policy({}, {"hw_cpu_policy": "Dedicated"}) == \
        "dedicated"
    assert facts({"hw:mem_page_size": "large"}).cpu_policy == ""


def test_both_pinned_and_huge_want_an_empty_host():
    assert pf.wants_empty_host({"hw:cpu_policy": "dedicated",
                                "hw:mem_page_size": "large"})
    assert not pf.wants_empty_host({"hw:cpu_policy": "shared",
                                    "hw:mem_page_size": "small"})


# ---------------------------------------------------------------------------
# NUMA topology
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("specs, image, nodes, numa", [
    ({"hw:numa_nodes": "2"}, None, 2, True),
    ({}, {"hw_numa_nodes": "2"}, 2, True),
    ({"hw:numa_nodes": "0"}, None, 1, True),
    # Nova rejects such a flavor; one node is the safe reading.
    ({"hw:numa_nodes": "two"}, None, 1, True),
    ({"hw:cpu_realtime": "yes", "hw:cpu_realtime_mask": "^0"}, None, 1,
     True),
    ({"hw:pmem": "2GB"}, None, 1, True),
    ({"hw:mem_page_size": "small"}, None, 1, True),
    ({"hw:cpu_policy": "shared"}, None, 1, False),
    ({}, {"hw_machine_type": "q35"}, 1, False),
])
def test_numa_topology(specs, image, nodes, numa):
    p = facts(specs, image)
    assert (p.numa_nodes, p.numa) == (nodes, numa)


def test_plain_flavor_has_one_numa_node_and_no_special_needs():
    p = facts({}, {})
    assert (p.numa_nodes, p.numa, p.pinned, p.hugepages, p.sev) == \
        (1, False, False, False, False)
    assert (p.vcpu_need, p.pcpu_need, p.vgpus, p.pci_aliases) == \
        (4, 0, 0, ())
    assert p.tpm_security == "user"
    assert (p.cpu_policy, p.page_size, p.pmem, p.vtpm, p.accel,
            p.machine_type) == (None,) * 6
    assert p.required_traits == p.forbidden_traits == frozenset()


# ---------------------------------------------------------------------------
# Placement: VCPU and PCPU
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("specs, vcpu, pcpu", [
    ({"hw:cpu_policy": "dedicated"}, 0, 4),
    ({"hw:cpu_policy": "dedicated",
      "hw:emulator_threads_policy": "isolate"}, 0, 5),
    ({"hw:cpu_policy": "dedicated",
      "hw:emulator_threads_policy": "ISOLATE"}, 0, 5),
    ({"hw:cpu_policy": "dedicated",
      "hw:emulator_threads_policy": "share"}, 0, 4),
    # Shared vCPUs take no PCPU, isolated emulator thread or not.
    ({"hw:emulator_threads_policy": "isolate"}, 4, 0),
    # mixed: the dedicated mask names the pinned vCPUs.
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "2-3"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0"}, 1, 3),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0-1"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "0, 2"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "0,,3"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "1-3,^2"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "1-3, ^2"}, 2, 2),
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "3"}, 3, 1),
    # The older way: the real-time mask (vCPUs not excluded are pinned).
    ({"hw:cpu_policy": "mixed", "hw:cpu_realtime_mask": "^0-2"}, 3, 1),
    # A mask Nova would not accept, or none: every vCPU counted pinned
    # (the most PCPU the move could need).
    ({"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "a-b"}, 0, 4),
    ({"hw:cpu_policy": "mixed"}, 0, 4),
])
def test_vcpu_and_pcpu_need(specs, vcpu, pcpu):
    p = facts(specs)
    assert (p.vcpu_need, p.pcpu_need) == (vcpu, pcpu)


# ---------------------------------------------------------------------------
# Devices and traits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alias, wanted", [
    ("gpu:2", (("gpu", 2),)),
    ("gpu", (("gpu", 1),)),
    ("gpu:2, nic:1", (("gpu", 2), ("nic", 1))),
    ("gpu:two", (("gpu", 1),)),
    (":2", ()),
])
def test_pci_aliases(alias, wanted):
    assert facts({"pci_passthrough:alias": alias}).pci_aliases == wanted


def test_vgpus_add_up_over_request_groups():
    p = facts({"resources:VGPU": "1", "resources1:VGPU": "2",
               "resources:PCPU": "4", "resources2:VGPU": "many"})
    assert p.vgpus == 4
    assert facts({"resources:PCPU": "4"}).vgpus == 0


@pytest.mark.parametrize("specs, image, vtpm, traits", [
    # Nova's scheduler (scheduler.utils._translate_vtpm_request) asks for
    # the version's trait and the model's, TIS when no model is given.
    ({"hw:tpm_version": "2.0", "hw:tpm_model": "tpm-crb"}, None,
     "2.0 (tpm-crb)", {"COMPUTE_SECURITY_TPM_2_0",
                       "COMPUTE_SECURITY_TPM_CRB",
                       "COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER"}),
    ({}, {"hw_tpm_version": "1.2", "hw_tpm_model": "tpm-tis"},
     "1.2 (tpm-tis)", {"COMPUTE_SECURITY_TPM_1_2",
                       "COMPUTE_SECURITY_TPM_TIS",
                       "COMPUTE_SECURITY_TPM_SECRET_SECURITY_USER"}),
    ({"hw:tpm_version": "2.0", "hw:tpm_secret_security": "host"}, None,
     "2.0", {"COMPUTE_SECURITY_TPM_2_0", "COMPUTE_SECURITY_TPM_TIS",
             "COMPUTE_SECURITY_TPM_SECRET_SECURITY_HOST"}),
])
def test_vtpm_and_the_traits_it_needs(specs, image, vtpm, traits):
    p = facts(specs, image)
    assert p.vtpm == vtpm
    assert p.required_traits == traits


def test_traits_required_and_forbidden_by_flavor_and_image():
    p = facts({"trait:HW_CPU_X86_AVX2": "required",
               "trait1:CUSTOM_A:B": "Required",
               "trait:COMPUTE_STATUS_DISABLED": "forbidden",
               "trait:CUSTOM_IGNORED": "maybe",
               "resources:VGPU": "1"},
              {"trait:CUSTOM_FROM_IMAGE": "required",
               "traitless": "required"})
    assert p.required_traits == {"HW_CPU_X86_AVX2", "CUSTOM_A:B",
                                 "CUSTOM_FROM_IMAGE"}
    assert p.forbidden_traits == {"COMPUTE_STATUS_DISABLED"}


def test_accelerator_profile_needs_the_accelerators_trait():
    p = facts({"accel:device_profile": "fpga1"})
    assert p.accel == "fpga1"
    assert p.required_traits == {"COMPUTE_ACCELERATORS"}


@pytest.mark.parametrize("specs, image", [
    ({"hw:mem_encryption": "True"}, None),
    ({}, {"hw_mem_encryption": "yes"}),
    ({"resources:MEM_ENCRYPTION_CONTEXT": "1"}, None),
])
def test_sev_memory_encryption(specs, image):
    assert facts(specs, image).sev is True


def test_no_sev_when_encryption_is_off():
    assert facts({"hw:mem_encryption": "false"},
                 {"hw_mem_encryption": "no"}).sev is False


# ---------------------------------------------------------------------------
# Sizes and local disks
# ---------------------------------------------------------------------------


def test_disk_need_counts_root_ephemeral_and_swap_rounded_up_to_gib():
    fl = Flavor(vcpus=1, ram_mb=512, disk_gb=10, ephemeral_gb=5,
                swap_mb=1025)
    assert profile.disk_need(fl, volume_backed=False) == 17
    assert profile.disk_need(fl, volume_backed=True) == 7
    fl = Flavor(vcpus=1, ram_mb=512, disk_gb=None, swap_mb=1024)
    assert profile.disk_need(fl, volume_backed=False) == 1


def test_unknown_flavor_sizes_count_as_zero():
    p = pf.Profile(make_instance(flavor=Flavor(vcpus=None, ram_mb=None,
                                               disk_gb=None)))
    assert (p.vcpus, p.ram, p.disk_need) == (0, 0, 0)


@pytest.mark.parametrize("flavor, volume_backed, config_drive, local", [
    ({}, False, False, True),
    ({"ephemeral_gb": 1}, True, False, True),
    ({"swap_mb": 512}, True, False, True),
    ({}, True, True, True),
    ({}, True, False, False),
    ({}, True, None, None),
    ({}, None, False, None),
])
def test_local_disk_that_live_migration_would_copy(flavor, volume_backed,
                                                   config_drive, local):
    fl = Flavor(vcpus=1, ram_mb=512, disk_gb=10, **flavor)
    p = pf.Profile(make_instance(flavor=fl, volume_backed=volume_backed,
                                 config_drive=config_drive))
    assert p.has_local_disk is local


# ---------------------------------------------------------------------------
# One batch derives each flavor once, and still right
# ---------------------------------------------------------------------------


def test_profiles_of_one_batch_share_what_their_specs_give():
    derived = {}
    specs = {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "2"}
    first = facts(dict(specs), derived=derived)
    again = facts(dict(specs), derived=derived)
    other = facts({"hw:cpu_policy": "shared"}, derived=derived)
    for p in (first, again):
        assert (p.pinned, p.pcpu_need, p.numa_nodes) == (True, 4, 2)
    assert (other.pinned, other.pcpu_need, other.numa_nodes) == \
        (False, 0, 1)
    # Another flavor size with the same specs pins its own vCPU count.
    assert facts(dict(specs), vcpus=8, derived=derived).pcpu_need == 8
    assert len(derived) == 3


def test_unhashable_image_property_is_derived_without_the_batch_cache():
    derived = {}
    p = facts({"hw:cpu_policy": "dedicated"},
              {"hw_mem_page_size": "large", "tags": ["a"]}, derived=derived)
    assert (p.pinned, p.hugepages, p.pcpu_need) == (True, True, 4)
    assert derived == {}


# ---------------------------------------------------------------------------
# Shared storage, block migration, NUMA fit
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("src_shared, dst_shared, shared", [
    (True, True, True),
    (True, None, None),
    (None, True, None),
    (True, False, False),
    (False, None, False),
    (None, None, None),
])
def test_two_hosts_share_storage_only_when_both_say_so(src_shared,
                                                       dst_shared, shared):
    src = make_host("cmp1", shared_storage=src_shared)
    dst = make_host("cmp2", shared_storage=dst_shared)
    assert profile.shared_storage(src, dst) is shared
    p = pf.Profile(make_instance(volume_backed=False))
    assert profile.needs_block_migration(p, src, dst) is (shared is not True)


def test_block_migration_judged_against_the_chosen_destination():
    src = make_host("cmp1", shared_storage=True)
    p = pf.Profile(make_instance(volume_backed=False))
    assert profile.needs_block_migration(
        p, src, make_host("cmp2", shared_storage=False))
    assert not profile.needs_block_migration(p, src, None)


def _numa(specs, vcpus=4, ram_mb=4096):
    return facts(specs, vcpus=vcpus, ram_mb=ram_mb)


def test_numa_fit_spreads_the_guest_evenly_over_distinct_nodes():
    p = _numa({"hw:cpu_policy": "dedicated", "hw:numa_nodes": "2"},
              vcpus=5, ram_mb=3000)
    cells = [NumaCell(0, 2, 8192, 0), NumaCell(1, 3, 8192, 0),
             NumaCell(2, 3, 8192, 0)]
    # ceil(5 / 2) = 3 PCPUs and ceil(3000 / 2) = 1500 MiB a node.
    assert profile.numa_fit(p, cells, {}) == (True, [1, 2], 3, 1500)


def test_numa_fit_counts_what_earlier_moves_took():
    p = _numa({"hw:cpu_policy": "dedicated"}, vcpus=2, ram_mb=2048)
    cells = [NumaCell(0, 4, 4096, 0), NumaCell(1, 4, 4096, 0)]
    assert profile.numa_fit(p, cells, {0: [3, 0]}) == (True, [1], 2, 2048)
    assert profile.numa_fit(p, cells, {0: [0, 3000]}) == (True, [1], 2,
                                                          2048)
    assert profile.numa_fit(p, cells, {0: [0, 2048]}) == (True, [0], 2,
                                                          2048)
    assert profile.numa_fit(p, cells, {0: [3, 0], 1: [3, 0]}) == \
        (False, [], 2, 2048)


def test_numa_fit_of_shared_cpus_needs_memory_only():
    p = _numa({"hw:numa_nodes": "1"}, vcpus=2, ram_mb=2048)
    cells = [NumaCell(0, 0, 1024, 0), NumaCell(1, None, 2048, 0)]
    assert profile.numa_fit(p, cells, {}) == (True, [1], 0, 2048)


def test_numa_fit_of_huge_pages_counts_free_huge_pages():
    p = _numa({"hw:mem_page_size": "large"}, vcpus=2, ram_mb=2048)
    cells = [NumaCell(0, 4, 65536, 1024), NumaCell(1, 4, 1024, 4096)]
    assert profile.numa_fit(p, cells, {}) == (True, [1], 0, 2048)
    assert profile.numa_fit(p, [NumaCell(0, 4, 4096, None)], {}) == \
        (None, [], 0, 2048)


def test_numa_fit_unknown_when_free_pcpus_are_unknown():
    p = _numa({"hw:cpu_policy": "dedicated"}, vcpus=2)
    assert profile.numa_fit(p, [NumaCell(0, None, 8192, 0)], {}) == \
        (None, [], 2, 4096)
