"""The pre-flight's data: findings and their severities, and the plain
description of an instance, its hosts and the request that the rules read.

Every field that may be unknown is Optional, None meaning "unknown": the
rules then say "could not check" instead of passing silently.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Optional, Sequence, Union

from migration_dashboard.core.i18n import N_
from migration_dashboard.core.states import Kind

# ---------------------------------------------------------------------------
# Severity, findings
# ---------------------------------------------------------------------------


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst: NOTE < WARNING < BLOCKER."""

    NOTE = 1
    WARNING = 2
    BLOCKER = 3

    @property
    def label(self):
        """Lower-case name, as used in templates and CSS classes."""
        return self.name.lower()

    @property
    def text(self):
        """The label as a person reads it (translatable)."""
        return _SEVERITY_TEXT[self]

    def __str__(self):
        return self.label


BLOCKER = Severity.BLOCKER
WARNING = Severity.WARNING
NOTE = Severity.NOTE

_SEVERITY_TEXT = {BLOCKER: N_("blocker"), WARNING: N_("warning"),
                  NOTE: N_("note")}


class Finding(NamedTuple):
    """One result of a rule.  Immutable (a named tuple: cheap to create)."""

    severity: Severity
    code: str  # short and stable, e.g. "ram-insufficient"
    message: str  # plain language, naming the numbers and names involved
    remedy: str = ""  # what to do about it
    # Why a destination is refused (or risky) in a few words without the
    # instance's name, for the list of hosts when the scheduler chooses.
    reason: str = ""
    # Lines a page shows collapsed under the message (one per host).
    details: tuple = ()

    @property
    def severity_text(self):
        return self.severity.text


def has_blockers(findings: Iterable[Finding]) -> bool:
    return any(f.severity is BLOCKER for f in findings)


def worst(findings: Iterable[Finding]) -> Optional[Severity]:
    """The highest severity among ``findings``, None when there are none."""
    return max((f.severity for f in findings), default=None)


def sort_findings(findings: Iterable[Finding]) -> list:
    """Blockers first, then warnings, then notes; stable within a severity."""
    return sorted(findings, key=lambda f: -f.severity)


# ---------------------------------------------------------------------------
# Request values, service versions
# ---------------------------------------------------------------------------

AUTO = "auto"  # block_migration value accepted from microversion 2.25

# What the plugin's client speaks (python-novaclient 18.x); see
# api/microversions.py.
DEFAULT_MICROVERSION = "2.96"

# Newest nova-compute service version of each release, from
# nova/objects/service.py SERVICE_VERSION_ALIASES (Train: 40, the version
# that added NUMA-aware live migration).
SERVICE_VERSION_BY_RELEASE = {
    "Train": 40,
    "Victoria": 52,
    "Wallaby": 54,
    "Xena": 57,
    "Yoga": 61,
    "Zed": 64,
    "Antelope": 66,
    "Bobcat": 66,
    "Caracal": 66,
    "Dalmatian": 67,
    "Epoxy": 68,
    "Flamingo": 70,
    "Gazpacho": 72,
}

# Release numbers since 2023.1, as operators write them.
_RELEASE_BY_NUMBER = {
    "2023.1": "Antelope",
    "2023.2": "Bobcat",
    "2024.1": "Caracal",
    "2024.2": "Dalmatian",
    "2025.1": "Epoxy",
    "2025.2": "Flamingo",
    "2026.1": "Gazpacho",
}


def service_version_for_release(release) -> Optional[int]:
    """The compute service version of a release named "Epoxy" or "2025.1"
    (any case), None when unknown."""
    text = str(release or "").strip()
    name = _RELEASE_BY_NUMBER.get(text, text).capitalize()
    return SERVICE_VERSION_BY_RELEASE.get(name)

# Compute service versions that gate move operations (nova/compute/api.py,
# nova/conductor/tasks/live_migrate.py,
# nova/api/openstack/compute/evacuate.py).
SVC_NUMA_LIVE_MIGRATION = 40  # Train: NUMA-aware live migration
SVC_VPMEM_LIVE_MIGRATION = 51  # Victoria: live migration with vPMEM
SVC_ACCEL_EVACUATE = 53  # Wallaby: evacuate with accel device profile
SVC_EVACUATE_STOPPED = 62  # microversion 2.95 needs this everywhere
SVC_VDPA_LIVE_MIGRATION = 63  # Zed: vDPA hot-unplug live migration
SVC_VGPU_LIVE_MIGRATION = 66  # 2024.1 Caracal (shares 66 with Antelope)
SVC_SHARES = 67  # 2024.2 Dalmatian: Manila shares (2.97)
SVC_PCI_LIVE_MIGRATABLE = 68  # 2025.1 Epoxy: live_migratable PCI aliases
SVC_VTPM_LIVE_MIGRATION = 72  # 2026.1 Gazpacho: vTPM live migration

# libvirt driver: mdev (vGPU) live migration needs QEMU >= 8.1.0 on both ends
# (and libvirt >= 8.6.0); Nova reports the QEMU version as hypervisor_version.
QEMU_MIN_VGPU_LIVE_MIGRATION = 8001000

# ---------------------------------------------------------------------------
# Input data
# ---------------------------------------------------------------------------


@dataclass
class Flavor:
    """The flavor embedded in the server (microversion 2.47+)."""

    vcpus: int = 1
    ram_mb: int = 512
    disk_gb: int = 1
    ephemeral_gb: int = 0
    swap_mb: int = 0
    # None = unknown (servers read below microversion 2.47 carry no specs).
    extra_specs: Optional[dict] = field(default_factory=dict)

    @classmethod
    def from_nova(cls, data: Mapping) -> "Flavor":
        """From the server's embedded flavor dict (ram, disk, swap ...)."""

        def num(key):
            value = data.get(key)
            return int(value) if value not in (None, "") else 0

        specs = data.get("extra_specs")
        return cls(
            vcpus=num("vcpus"),
            ram_mb=num("ram"),
            disk_gb=num("disk"),
            ephemeral_gb=num("ephemeral") or num("OS-FLV-EXT-DATA:ephemeral"),
            swap_mb=num("swap"),
            extra_specs=dict(specs) if specs is not None else None,
        )


@dataclass
class ServerGroup:
    id: str
    policy: (
        str  # affinity | anti-affinity | soft-affinity | soft-anti-affinity
    )
    members: Sequence[str] = ()
    name: str = ""
    max_server_per_host: int = 1  # anti-affinity rule (microversion 2.64)
    # Names of members the caller knows ({id: name}); others show their id.
    names: Mapping = field(default_factory=dict)

    def name_of(self, member):
        return self.names.get(member) or member


@dataclass
class Instance:
    id: str
    name: str = ""
    status: Optional[str] = "ACTIVE"  # API status: ACTIVE, SHUTOFF, PAUSED ...
    task_state: Optional[str] = None
    host: Optional[str] = None
    flavor: Flavor = field(default_factory=Flavor)
    # Image properties (server show at 2.98, or Glance); None = unknown.
    image_properties: Optional[dict] = None
    volume_backed: Optional[bool] = None  # root disk is a Cinder volume
    config_drive: Optional[bool] = None
    # Groups this instance belongs to; [] = none, None = unknown.  Tuples
    # (id, policy, members) are accepted too.
    server_groups: Optional[list] = None
    # binding:vnic_type of each Neutron port; None = unknown.
    vnic_types: Optional[list] = None
    shares: Optional[bool] = None  # Manila shares attached (2.97)
    # pinned_availability_zone (2.96): the zone asked for at boot, which
    # the scheduler keeps for every move; None = not pinned or unknown.
    pinned_availability_zone: Optional[str] = None

    @property
    def label(self):
        return self.name or self.id


@dataclass
class CpuInfo:
    arch: Optional[str] = None
    vendor: Optional[str] = None
    model: Optional[str] = None
    features: Optional[frozenset] = None

    @classmethod
    def from_nova(cls, data) -> Optional["CpuInfo"]:
        """From a hypervisor's cpu_info (dict or JSON text); None if empty."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return None
        if not isinstance(data, Mapping) or not data:
            return None
        feats = data.get("features")
        return cls(
            arch=data.get("arch"),
            vendor=data.get("vendor"),
            model=data.get("model"),
            features=frozenset(feats) if feats is not None else None,
        )


@dataclass
class NumaCell:
    """Free resources of one host NUMA node; None = unknown."""

    id: int
    free_pcpus: Optional[int] = None
    free_ram_mb: Optional[int] = None
    free_hugepages_mb: Optional[int] = None


@dataclass
class Host:
    name: str
    status: Optional[str] = "enabled"  # os-services status
    state: Optional[str] = "up"  # os-services state
    forced_down: Optional[bool] = False
    disabled_reason: Optional[str] = None
    hypervisor_type: Optional[str] = None
    hypervisor_version: Optional[int] = None  # as Nova reports: 8002000
    cpu_info: Optional[CpuInfo] = None  # None: unknown (hidden >= 2.88)
    # [libvirt]cpu_mode of this compute if the operator knows it:
    # host-model | host-passthrough | custom | none.
    cpu_mode: Optional[str] = None
    traits: Optional[frozenset] = None  # Placement traits of the node
    # Free capacity, computed by the caller from Placement inventories
    # ((total - reserved) * allocation_ratio - used) or the hypervisor record.
    free_vcpus: Optional[int] = None
    free_pcpus: Optional[int] = None  # PCPU, for pinned instances
    free_ram_mb: Optional[int] = None
    free_disk_gb: Optional[int] = None
    # Physical RAM not used by instances (hypervisor memory_mb minus
    # memory_mb_used): below free_ram_mb when ram_allocation_ratio > 1.
    physical_free_ram_mb: Optional[int] = None
    # Placement offered no allocation candidate on this host for what the
    # instances ask (the text says what was asked); None: not known.
    placement_no_room: Optional[str] = None
    numa_cells: Optional[list] = None  # [NumaCell]
    instance_ids: Optional[frozenset] = None  # instances on the host now
    zone: Optional[str] = None  # availability zone of the compute
    # Instance storage is shared with the other computes (RBD image backend,
    # NFS instances path).  Two hosts share storage when both say True.
    shared_storage: Optional[bool] = None

    @property
    def is_down(self):
        """True when down or forced down, False when up, None if unknown."""
        if self.forced_down or self.state == "down":
            return True
        if self.state == "up":
            return False
        return None


@dataclass
class Request:
    kind: Kind
    # Live migration only: True, False or "auto" (microversion >= 2.25).
    # None means what the plugin sends by default: "auto" from 2.25, else
    # False.
    block_migration: Union[bool, str, None] = None
    microversion: str = DEFAULT_MICROVERSION
    # Bypass the scheduler for a chosen destination: live 2.30-2.67,
    # evacuate 2.29-2.67 (removed in 2.68).
    force: bool = False
    # Minimum nova-compute service version across the cloud, if known.
    compute_service_version: Optional[int] = None

    def __post_init__(self):
        self.kind = Kind(self.kind)
