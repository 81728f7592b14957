"""Pre-flight checks for moving instances between compute hosts.

Given plain data about an instance, its source host, a destination (or none,
meaning "let the scheduler choose") and the request, :func:`check` returns a
list of :class:`Finding` objects, each one of:

* ``BLOCKER`` -- Nova will refuse the request, or the move will fail;
* ``WARNING`` -- the move may fail or degrade the instance;
* ``NOTE``    -- worth knowing, including "could not check X" whenever the
  data needed for a rule is unknown (a rule never passes silently).

The rules follow modern Nova (read from openstack/nova master, 2026-08), not
the old migration guide: several limits the guide lists were lifted (NUMA-
aware live migration in Train, SR-IOV live migration in Train, iso9660 config
drives in 2016, vGPU in 2024.1, PCI passthrough in 2025.1, vTPM in 2026.1).
Where a lift depends on every nova-compute being new enough, Nova gates it on
the minimum compute *service version*; pass it as
``Request.compute_service_version`` (see :data:`SERVICE_VERSION_BY_RELEASE`)
to turn "needs release X" warnings into definite answers.

Where modern Nova differs from what one might expect (each rule says why):

* A disabled destination is refused for every scheduled move (the
  COMPUTE_STATUS_DISABLED pre-filter, "No valid host was found"); only a
  forced move (live: below 2.30, or force at 2.30-2.67; evacuate: below
  2.29, or force at 2.29-2.67) bypasses it.  The guide's section 5.4 step
  "disable the destination" therefore only works with a forced move.
* Accelerator ports (accelerator-direct[-physical]) and Manila shares block
  cold migration and evacuation too, not only live migration; a Cyborg
  device profile blocks cold migration as well.
* vPMEM live migration works since Victoria (service version 51).
* The machine type is recorded at boot and kept on every move since
  Wallaby, so cold migration and evacuation do not adopt the destination's.
* Placement claims DISK_GB on the destination for every kind of move (root
  disk unless volume-backed, plus ephemeral and swap), so disk is checked
  for all kinds, whatever the storage.

Pure Python, standard library only: no Django, no HTTP.  Every rule is O(1)
in the number of instances and hosts, so a whole host drain is checked in
milliseconds.
"""

from __future__ import annotations

import enum
import functools
import json
import math
import re
from dataclasses import dataclass, field
from typing import (
    Callable,
    Iterable,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Union,
)

__all__ = [
    "Severity",
    "BLOCKER",
    "WARNING",
    "NOTE",
    "Kind",
    "AUTO",
    "Finding",
    "Flavor",
    "ServerGroup",
    "Instance",
    "CpuInfo",
    "NumaCell",
    "Host",
    "Request",
    "Candidate",
    "check",
    "check_many",
    "candidate_hosts",
    "has_blockers",
    "worst",
    "sort_findings",
    "parse_microversion",
    "FINDING_CODES",
    "SERVICE_VERSION_BY_RELEASE",
    "RULES",
]


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

    def __str__(self):
        return self.label


BLOCKER = Severity.BLOCKER
WARNING = Severity.WARNING
NOTE = Severity.NOTE


class Finding(NamedTuple):
    """One result of a rule.  Immutable (a named tuple: cheap to create)."""

    severity: Severity
    code: str  # short and stable, e.g. "ram-insufficient"
    message: str  # plain language, naming the numbers and names involved
    remedy: str = ""  # what to do about it


def has_blockers(findings: Iterable[Finding]) -> bool:
    return any(f.severity is BLOCKER for f in findings)


def worst(findings: Iterable[Finding]) -> Optional[Severity]:
    """The highest severity among ``findings``, None when there are none."""
    return max((f.severity for f in findings), default=None)


def sort_findings(findings: Iterable[Finding]) -> list:
    """Blockers first, then warnings, then notes; stable within a severity."""
    return sorted(findings, key=lambda f: -f.severity)


# ---------------------------------------------------------------------------
# Request kind, microversions, service versions
# ---------------------------------------------------------------------------


class Kind(str, enum.Enum):
    LIVE = "live"
    COLD = "cold"
    EVACUATE = "evacuate"


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


@functools.lru_cache(maxsize=64)
def parse_microversion(version) -> tuple:
    """ "2.96" -> (2, 96); "latest" -> a version above every real one."""
    if isinstance(version, tuple):
        return version
    text = str(version).strip().lower()
    if text == "latest":
        return (2, 10**6)
    major, _, minor = text.partition(".")
    return (int(major), int(minor or 0))


def _mv_str(mv):
    return "%d.%d" % mv


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


@dataclass
class Candidate:
    """A possible destination for one instance, for a host picker."""

    host: Host
    usable: bool
    findings: list

    @property
    def reasons(self):
        """Blocker messages: why the host is greyed out."""
        return [f.message for f in self.findings if f.severity is BLOCKER]


# ---------------------------------------------------------------------------
# Derived facts about an instance, computed once per instance
# ---------------------------------------------------------------------------

_SRIOV_LIVE = ("direct", "direct-physical", "remote-managed", "vdpa")
_ACCEL_PORTS = ("accelerator-direct", "accelerator-direct-physical")
_TRUE = ("true", "1", "yes", "on", "required")


def _truthy(value):
    return str(value).strip().lower() in _TRUE if value is not None else False


def _spec(es, img, key, img_key):
    value = es.get(key)
    if value is None:
        value = img.get(img_key)
    return value


def _trait(key, value, required, forbidden):
    if ":" not in key:
        return
    trait = key.split(":", 1)[1]
    value = str(value).lower()
    if value == "required":
        required.add(trait)
    elif value == "forbidden":
        forbidden.add(trait)


def _parse_cpuset(mask, vcpus):
    """Number of vCPUs selected by a Nova CPU set like "0-3,^2" or "^0-1"."""
    include, exclude = set(), set()
    for token in str(mask).replace(" ", "").split(","):
        if not token:
            continue
        target = exclude if token.startswith("^") else include
        token = token.lstrip("^")
        lo, _, hi = token.partition("-")
        try:
            target.update(range(int(lo), int(hi or lo) + 1))
        except ValueError:
            return None
    if not include:
        include = set(range(vcpus))
    return len(include - exclude)


def _mib(mb):
    mb = int(mb)
    gib = mb / 1024
    return "%d MiB (%s GiB)" % (
        mb,
        ("%d" % gib) if mb % 1024 == 0 else "%.1f" % gib,
    )


def _hv_version(v):
    """8002000 -> "8.2.0" (major*1e6 + minor*1e3 + micro)."""
    if v is None:
        return "unknown"
    v = int(v)
    return "%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000)


def _list(items, limit=8):
    items = sorted(items)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += " and %d more" % (len(items) - limit)
    return text


# What _Profile._derive_from_specs sets: shared by every profile with the
# same vCPUs, extra specs and image properties, so none may be mutable.
_DERIVED = (
    "cpu_policy",
    "page_size",
    "pmem",
    "numa_nodes",
    "hugepages",
    "pinned",
    "numa",
    "vcpu_need",
    "pcpu_need",
    "pci_aliases",
    "vgpus",
    "vtpm",
    "tpm_security",
    "sev",
    "accel",
    "machine_type",
    "required_traits",
    "forbidden_traits",
)


class _Profile:
    """What the rules need to know about an instance, derived once."""

    __slots__ = (
        "inst",
        "label",
        "es",
        "es_known",
        "img",
        "img_known",
        "vcpus",
        "ram",
        "disk_need",
        "local_disk_gb",
        "has_local_disk",
        "groups",
    ) + _DERIVED

    def __init__(self, inst: Instance, derived=None):
        """``derived``: a dict shared by the profiles of one batch, holding
        what the flavor's extra specs and the image's properties give (see
        ``_set_derived``)."""
        fl = inst.flavor
        es = fl.extra_specs
        self.inst = inst
        self.label = inst.label
        self.es_known = es is not None
        self.es = es = es or {}
        self.img_known = inst.image_properties is not None
        self.img = img = inst.image_properties or {}
        self.vcpus = int(fl.vcpus or 0)
        self.ram = int(fl.ram_mb or 0)

        # Placement DISK_GB: root (unless volume-backed) + ephemeral + swap.
        swap_gb = int(math.ceil((fl.swap_mb or 0) / 1024))
        root = 0 if inst.volume_backed else int(fl.disk_gb or 0)
        eph = int(fl.ephemeral_gb or 0)
        self.disk_need = root + eph + swap_gb
        self.local_disk_gb = self.disk_need
        # Local disks that live migration must copy without shared storage.
        # A config drive is a local file too (libvirt counts it).
        if inst.volume_backed is False:
            self.has_local_disk = True
        elif eph or swap_gb or inst.config_drive:
            self.has_local_disk = True
        elif inst.volume_backed and inst.config_drive is False:
            self.has_local_disk = False
        else:
            # Boot source or config drive unknown.
            self.has_local_disk = None

        if es or img:
            self._set_derived(es, img, derived)
        else:
            # Plain flavor, no image properties: the common case, kept fast.
            self.cpu_policy = self.page_size = self.pmem = self.vtpm = None
            self.accel = self.machine_type = None
            self.numa_nodes = 1
            self.numa = self.pinned = self.hugepages = self.sev = False
            self.vcpu_need, self.pcpu_need = self.vcpus, 0
            self.pci_aliases = ()
            self.vgpus = 0
            self.tpm_security = "user"
            self.required_traits = self.forbidden_traits = frozenset()

        groups = inst.server_groups
        if groups is not None:
            groups = [
                g if isinstance(g, ServerGroup) else ServerGroup(*g)
                for g in groups
            ]
        self.groups = groups

    def _set_derived(self, es, img, cache):
        # A plan moves many instances of few flavors (and images): deriving
        # the spec facts once per distinct (vCPUs, specs, properties) instead
        # of once per instance is what keeps a 1,000-instance check_many
        # fast.  The key is the values themselves, not the objects: every
        # server read from Nova carries its own copy of its flavor.
        if cache is None:
            self._derive_from_specs(es, img)
            return
        try:
            key = (self.vcpus, tuple(es.items()), tuple(img.items()))
            values = cache.get(key)
        except TypeError:
            # An unhashable value (e.g. a list among image properties):
            # derive without the cache.
            self._derive_from_specs(es, img)
            return
        if values is None:
            self._derive_from_specs(es, img)
            values = cache[key] = tuple(
                getattr(self, name) for name in _DERIVED)
        else:
            for name, value in zip(_DERIVED, values):
                setattr(self, name, value)

    def _derive_from_specs(self, es, img):
        """Facts from the extra specs and image properties; they depend on
        nothing else but the flavor's vCPUs (see ``_DERIVED``)."""
        # NUMA topology: any of these makes Nova build one for the guest.
        policy = str(
            _spec(es, img, "hw:cpu_policy", "hw_cpu_policy") or ""
        ).lower()
        self.cpu_policy = policy
        nodes = _spec(es, img, "hw:numa_nodes", "hw_numa_nodes")
        page = _spec(es, img, "hw:mem_page_size", "hw_mem_page_size")
        self.page_size = str(page).lower() if page is not None else None
        emulator = str(es.get("hw:emulator_threads_policy") or "").lower()
        self.pmem = es.get("hw:pmem")
        try:
            self.numa_nodes = max(1, int(nodes)) if nodes is not None else 1
        except (TypeError, ValueError):
            self.numa_nodes = 1
        # DPDK (vhost-user) guests need huge pages: treat them alike.
        self.hugepages = self.page_size not in (None, "small", "any")
        self.pinned = policy in ("dedicated", "mixed") or _truthy(
            es.get("aggregate_instance_extra_specs:pinned")
        )
        self.numa = bool(
            self.pinned
            or nodes is not None
            or page is not None
            or self.pmem
            or es.get("hw:cpu_realtime")
        )

        # Placement: pinned vCPUs are PCPU (Train+), the rest VCPU; an
        # isolated emulator thread takes one more PCPU.
        if policy == "dedicated":
            dedicated = self.vcpus
        elif policy == "mixed":
            mask = es.get("hw:cpu_dedicated_mask") or es.get(
                "hw:cpu_realtime_mask"
            )
            counted = _parse_cpuset(mask, self.vcpus) if mask else None
            dedicated = counted if counted is not None else self.vcpus
        else:
            dedicated = 0
        self.vcpu_need = self.vcpus - dedicated
        self.pcpu_need = dedicated + (
            1 if dedicated and emulator == "isolate" else 0
        )

        aliases = []
        alias = es.get("pci_passthrough:alias")
        if alias:
            for part in str(alias).split(","):
                name, _, count = part.strip().partition(":")
                if name:
                    aliases.append(
                        (name, int(count) if count.isdigit() else 1)
                    )
        self.pci_aliases = tuple(aliases)
        # One pass over the specs for vGPUs (resources[N]:VGPU) and traits
        # (trait[N]:NAME=required|forbidden, in flavor or image).
        vgpus = 0
        req, forb = set(), set()
        for key, value in es.items():
            head = key[:5]
            if head == "resou" and key.endswith(":VGPU"):
                try:
                    vgpus += int(value)
                except (TypeError, ValueError):
                    vgpus += 1
            elif head == "trait":
                _trait(key, value, req, forb)
        for key, value in img.items():
            if key[:5] == "trait":
                _trait(key, value, req, forb)
        self.vgpus = vgpus
        version = _spec(es, img, "hw:tpm_version", "hw_tpm_version")
        model = _spec(es, img, "hw:tpm_model", "hw_tpm_model")
        self.vtpm = (version or model) and "%s%s" % (
            version or "",
            " (%s)" % model if model else "",
        )
        # The secret-security mode comes from the flavor only; default 'user'.
        self.tpm_security = es.get("hw:tpm_secret_security") or "user"
        self.sev = (
            _truthy(es.get("hw:mem_encryption"))
            or _truthy(img.get("hw_mem_encryption"))
            or bool(es.get("resources:MEM_ENCRYPTION_CONTEXT"))
        )
        self.accel = es.get("accel:device_profile")
        self.machine_type = img.get("hw_machine_type")

        if self.vtpm and version:
            req.add(
                "COMPUTE_SECURITY_TPM_1_2"
                if str(version) == "1.2"
                else "COMPUTE_SECURITY_TPM_2_0"
            )
        if self.vtpm:
            req.add(
                "COMPUTE_SECURITY_TPM_SECRET_SECURITY_%s"
                % str(self.tpm_security).upper()
            )
        if self.accel:
            req.add("COMPUTE_ACCELERATORS")
        self.required_traits = frozenset(req)
        self.forbidden_traits = frozenset(forb)


# ---------------------------------------------------------------------------
# Rule machinery
# ---------------------------------------------------------------------------


class _Usage:
    """What earlier moves of a plan put on one destination (check_many)."""

    __slots__ = ("vcpus", "pcpus", "ram", "disk", "numa", "arrived")

    def __init__(self):
        self.vcpus = self.pcpus = self.ram = self.disk = 0
        self.numa = {}  # cell id -> [pcpus, ram_mb]
        self.arrived = set()  # instance ids moved here by the plan


_NO_USAGE = _Usage()


class _Ctx:
    __slots__ = (
        "p",
        "inst",
        "src",
        "dst",
        "req",
        "kind",
        "mv",
        "block",
        "forced",
        "used",
        "usage",
        "moved",
        "out",
    )

    def __init__(self, p, src, dst, req, usage=None, moved=frozenset()):
        self.p = p
        self.inst = p.inst
        self.src = src
        self.dst = dst
        self.req = req
        self.kind = req.kind
        self.mv = mv = parse_microversion(req.microversion)
        block = req.block_migration
        if block is None:
            block = AUTO if mv >= (2, 25) else False
        self.block = block
        # A forced move skips the scheduler (and its filters).
        if dst is None:
            self.forced = False
        elif self.kind is Kind.LIVE:
            self.forced = mv < (2, 30) or (req.force and mv < (2, 68))
        elif self.kind is Kind.EVACUATE:
            self.forced = mv < (2, 29) or (req.force and mv < (2, 68))
        else:
            self.forced = False
        self.usage = usage or {}
        self.used = self.usage.get(dst.name, _NO_USAGE) if dst else _NO_USAGE
        self.moved = moved
        self.out = []

    def add(self, severity, code, message, remedy=""):
        self.out.append(Finding(severity, code, message, remedy))

    def members_on(self, host, others):
        """Members of ``others`` on ``host`` once earlier moves are done."""
        ids = host.instance_ids
        if ids is None:
            return None
        arrived = (
            self.usage[host.name].arrived if host.name in self.usage else ()
        )
        return {
            m
            for m in others
            if (m in ids and m not in self.moved) or m in arrived
        }


@dataclass(frozen=True)
class Rule:
    fn: Callable
    kinds: frozenset
    needs_destination: bool


RULES: list = []
_ALL = frozenset(Kind)


def rule(kinds=_ALL, needs_destination=False):
    """Register a rule: it runs for ``kinds`` and, when
    ``needs_destination``, only when a destination was chosen."""

    def register(fn):
        RULES.append(Rule(fn, frozenset(kinds), needs_destination))
        return fn

    return register


_KIND_TEXT = {
    Kind.LIVE: "live migration",
    Kind.COLD: "cold migration",
    Kind.EVACUATE: "evacuation",
}


# ---------------------------------------------------------------------------
# Rules: the instance and the request
# ---------------------------------------------------------------------------

_ALLOWED_STATUS = {
    # nova/compute/api.py check_instance_state on each operation.
    Kind.LIVE: ("ACTIVE", "PAUSED"),
    Kind.COLD: ("ACTIVE", "SHUTOFF", "STOPPED"),
    Kind.EVACUATE: ("ACTIVE", "SHUTOFF", "STOPPED", "ERROR"),
}


@rule()
def rule_instance_state(c):
    """The instance's state must allow the move, with no task running."""
    status = (c.inst.status or "").upper()
    label = c.p.label
    if not status:
        c.add(
            NOTE,
            "state-unknown",
            "Could not check the state of %s: its status is unknown." % label,
            "Reload the instance list; Nova refuses the move unless the state"
            " allows it.",
        )
        return
    if status == "VERIFY_RESIZE":
        c.add(
            BLOCKER,
            "verify-resize",
            "%s is in VERIFY_RESIZE: an earlier resize or cold migration waits"
            " for confirmation, and Nova refuses any other move until then."
            % label,
            "Confirm (or revert) the pending migration first (section 5.5).",
        )
        return
    if c.inst.task_state:
        c.add(
            BLOCKER,
            "task-in-progress",
            "%s is busy (task state '%s'); Nova starts a move only when no"
            " task is running." % (label, c.inst.task_state),
            "Wait until the current task finishes and the task state is"
            " empty.",
        )
        return
    allowed = _ALLOWED_STATUS[c.kind]
    if status in allowed:
        return
    remedy = {
        **{
            busy: "Wait until the running operation finishes."
            for busy in (
                "BUILD",
                "MIGRATING",
                "RESIZE",
                "REBUILD",
                "REBOOT",
                "HARD_REBOOT",
                "PASSWORD",
                "REVERT_RESIZE",
            )
        },
        "SHUTOFF": (
            "Use cold migration for a stopped instance, or start it first."
        ),
        "SUSPENDED": "Resume the instance first.",
        "SHELVED": (
            "Unshelve it; a shelved instance is placed by the scheduler on"
            " unshelve."
        ),
        "SHELVED_OFFLOADED": (
            "Unshelve it; a shelved-offloaded instance has no host."
        ),
        "ERROR": (
            "Find out why it is in ERROR; if its host is down, evacuate it; "
            "otherwise reset its state to active once it is healthy."
        ),
        "RESCUE": "Unrescue it first.",
    }.get(status, "Bring it to %s first." % " or ".join(allowed))
    c.add(
        BLOCKER,
        "state-not-allowed",
        "%s is %s; %s needs it to be %s."
        % (
            label,
            status,
            _KIND_TEXT[c.kind],
            " or ".join(s for s in allowed if s != "STOPPED"),
        ),
        remedy,
    )


@rule()
def rule_source_service(c):
    """Live and cold migration need a running source compute; evacuation
    needs a dead one (nova/compute/api.py evacuate: ComputeServiceInUse)."""
    src = c.src
    if c.inst.host and c.inst.host != src.name:
        c.add(
            WARNING,
            "host-mismatch",
            "%s is on %s according to Nova, not on %s."
            % (c.p.label, c.inst.host, src.name),
            "Reload the data: the instance has moved since it was read.",
        )
    down = src.is_down
    if down is None:
        c.add(
            NOTE,
            "source-state-unknown",
            "Could not check whether the compute service of %s is up or down."
            % src.name,
            "Check `openstack compute service list --host %s`." % src.name,
        )
        return
    if c.kind is Kind.EVACUATE:
        if not down:
            c.add(
                BLOCKER,
                "source-still-up",
                "Compute service of %s is still in use: Nova evacuates only"
                " from a compute whose service is down or forced down."
                % src.name,
                "Make sure %s is really dead (fence or power it off), then"
                " force its service down (microversion 2.11+) or wait until"
                " Nova reports it down (service_down_time, 60 s by default)."
                % src.name,
            )
    elif down:
        c.add(
            BLOCKER,
            "source-down",
            "The compute service of %s (the source) is %s; %s needs a running "
            "source compute."
            % (
                src.name,
                "forced down" if src.forced_down else "down",
                _KIND_TEXT[c.kind],
            ),
            "If %s has failed, evacuate its instances instead (section 5.9)."
            % src.name,
        )


@rule()
def rule_request_microversion(c):
    """Parameters that only some microversions accept."""
    mv, req = c.mv, c.req
    if c.kind is Kind.LIVE and c.block == AUTO and mv < (2, 25):
        c.add(
            BLOCKER,
            "block-auto-unsupported",
            "block_migration 'auto' needs microversion 2.25; this request"
            " uses %s."
            % _mv_str(mv),
            "Choose block migration true or false explicitly, or use"
            " microversion 2.25 or later.",
        )
    if req.force:
        if c.kind is Kind.COLD:
            c.add(
                BLOCKER,
                "force-unsupported",
                "Cold migration has no force option; the scheduler always"
                " checks the destination.",
                "Drop force.",
            )
        elif c.dst is None:
            c.add(
                BLOCKER,
                "force-needs-destination",
                "Can't force to a non-provided destination: force needs a"
                " destination host.",
                "Choose a destination or drop force.",
            )
        elif mv >= (2, 68):
            c.add(
                BLOCKER,
                "force-removed",
                "force was removed in microversion 2.68; this request uses %s."
                % _mv_str(mv),
                "Drop force: the scheduler then verifies the chosen"
                " destination.",
            )
        elif (c.kind is Kind.LIVE and mv < (2, 30)) or mv < (2, 29):
            c.add(
                NOTE,
                "force-implicit",
                "At microversion %s a chosen destination is always forced; "
                "the force flag is not sent."
                % _mv_str(mv),
            )
    if c.kind is Kind.COLD and c.dst is not None and mv < (2, 56):
        c.add(
            BLOCKER,
            "cold-host-needs-2.56",
            "Cold migration to a chosen host needs microversion 2.56; this"
            " request uses %s."
            % _mv_str(mv),
            "Let the scheduler choose, or use microversion 2.56 or later.",
        )
    if c.forced:
        c.add(
            NOTE,
            "forced-move",
            "Forced move to %s: the scheduler is bypassed, so its filters"
            " (server groups, NUMA, traits, disabled hosts) are not applied by"
            " Nova; only the capacity claim and the hypervisor checks remain."
            % c.dst.name,
            "The checks below matter all the more.",
        )


@rule(kinds=(Kind.COLD,))
def rule_cold_confirm(c):
    c.add(
        NOTE,
        "cold-needs-confirm",
        "After the copy %s waits in VERIFY_RESIZE on the new host until the"
        " migration is confirmed (or reverted); Nova does not confirm on its"
        " own unless resize_confirm_window is set."
        % c.p.label,
        "Confirm it once it works (section 5.5).",
    )


@rule()
def rule_specs_known(c):
    """Flavor extra specs and image properties drive half of the rules."""
    if not c.p.es_known:
        c.add(
            NOTE,
            "extra-specs-unknown",
            "Could not read the flavor extra specs of %s, so CPU pinning,"
            " NUMA, PCI, vGPU, vTPM and SEV were not checked."
            % c.p.label,
            "Read the servers with microversion 2.47 or later (embedded"
            " flavor).",
        )
    if not c.p.img_known:
        c.add(
            NOTE,
            "image-properties-unknown",
            "Could not read the image properties of %s, so image-defined NUMA,"
            " pinning, vTPM, SEV and machine type were not checked."
            % c.p.label,
            "Read the server with microversion 2.98 or the image from Glance.",
        )


@rule()
def rule_scheduler_chooses(c):
    if c.dst is not None:
        return
    c.add(
        NOTE,
        "scheduler-chooses",
        "No destination chosen: the scheduler will pick an enabled, up host"
        " with room that honours the server-group and NUMA rules. Capacity,"
        " CPU, hypervisor and destination-specific checks were not run here.",
        "Choose a destination to check it in advance.",
    )


# ---------------------------------------------------------------------------
# Rules: the destination
# ---------------------------------------------------------------------------


@rule(needs_destination=True)
def rule_destination_service(c):
    dst = c.dst
    if dst.name == c.src.name:
        c.add(
            BLOCKER,
            "dest-is-source",
            "%s is already on %s; the destination must be another host."
            % (c.p.label, dst.name),
            "Choose a different destination.",
        )
        return
    down = dst.is_down
    if down is None:
        c.add(
            NOTE,
            "dest-state-unknown",
            "Could not check whether the compute service of %s is up."
            % dst.name,
        )
    elif down:
        c.add(
            BLOCKER,
            "dest-down",
            "The compute service of %s (the destination) is %s."
            % (dst.name, "forced down" if dst.forced_down else "down"),
            "Choose a destination whose compute service is up.",
        )
    if dst.status is None:
        c.add(
            NOTE,
            "dest-status-unknown",
            "Could not check whether the compute service of %s is enabled."
            % dst.name,
        )
    elif dst.status != "enabled":
        reason = (
            " (reason: '%s')" % dst.disabled_reason
            if dst.disabled_reason
            else ""
        )
        if c.forced:
            c.add(
                NOTE,
                "dest-disabled-forced",
                "%s is disabled%s; the forced move bypasses the scheduler, so"
                " Nova accepts it." % (dst.name, reason),
            )
        else:
            c.add(
                BLOCKER,
                "dest-disabled",
                "%s is disabled%s; the scheduler never picks a disabled"
                " compute (it excludes hosts with the COMPUTE_STATUS_DISABLED"
                " trait), so Nova answers 'No valid host was found'."
                % (dst.name, reason),
                "Enable %s for the move, or choose an enabled host."
                % dst.name,
            )


@rule(needs_destination=True)
def rule_availability_zone(c):
    """An instance booted into a zone stays in it: the scheduler restricts
    every move to the request spec's availability zone (shown as
    pinned_availability_zone from 2.96); a forced move bypasses that."""
    az, dst = c.inst.pinned_availability_zone, c.dst
    if not az:
        return
    if dst.zone is None:
        c.add(
            NOTE,
            "zone-unknown",
            "Could not check the availability zone of %s; %s is pinned to"
            " zone %s." % (dst.name, c.p.label, az),
            "Read the zone of the compute service.",
        )
    elif dst.zone != az:
        c.add(
            WARNING if c.forced else BLOCKER,
            "zone-mismatch",
            "%s is pinned to availability zone %s but %s is in %s%s."
            % (
                c.p.label,
                az,
                dst.name,
                dst.zone,
                "" if c.forced else "; the scheduler refuses",
            ),
            "Choose a host in zone %s." % az,
        )


@rule(needs_destination=True)
def rule_hypervisor(c):
    """Live migration: same hypervisor type, destination not older
    (conductor _check_compatible_with_source_hypervisor)."""
    src, dst = c.src, c.dst
    if not src.hypervisor_type or not dst.hypervisor_type:
        c.add(
            NOTE,
            "hypervisor-unknown",
            "Could not compare the hypervisors of %s and %s."
            % (src.name, dst.name),
        )
        return
    if src.hypervisor_type.lower() != dst.hypervisor_type.lower():
        live = c.kind is Kind.LIVE
        c.add(
            BLOCKER if live else WARNING,
            "hypervisor-type-mismatch",
            "%s runs %s but %s runs %s%s."
            % (
                src.name,
                src.hypervisor_type,
                dst.name,
                dst.hypervisor_type,
                (
                    "; Nova refuses live migration between hypervisor types"
                    if live
                    else "; the instance may not start there"
                ),
            ),
            "Choose a %s host." % src.hypervisor_type,
        )
        return
    if c.kind is not Kind.LIVE:
        return
    if src.hypervisor_version is None or dst.hypervisor_version is None:
        c.add(
            NOTE,
            "hypervisor-unknown",
            "Could not compare the hypervisor versions of %s and %s."
            % (src.name, dst.name),
        )
    elif dst.hypervisor_version < src.hypervisor_version:
        c.add(
            BLOCKER,
            "hypervisor-too-old",
            "%s runs %s %s, older than %s on %s; Nova refuses to live migrate "
            "to an older hypervisor."
            % (
                dst.name,
                dst.hypervisor_type,
                _hv_version(dst.hypervisor_version),
                _hv_version(src.hypervisor_version),
                src.name,
            ),
            "Choose a host with %s %s or newer, or upgrade %s first."
            % (
                src.hypervisor_type,
                _hv_version(src.hypervisor_version),
                dst.name,
            ),
        )


@rule(needs_destination=True)
def rule_cpu_compatibility(c):
    """Same architecture always; for live migration libvirt on the
    destination compares the guest CPU with its own."""
    src, dst, live = c.src, c.dst, c.kind is Kind.LIVE
    s, d = src.cpu_info, dst.cpu_info
    if s and d and s.arch and d.arch and s.arch != d.arch:
        c.add(
            BLOCKER,
            "cpu-arch-mismatch",
            "%s is %s but %s is %s; an instance cannot move between CPU "
            "architectures." % (src.name, s.arch, dst.name, d.arch),
            "Choose a %s host." % s.arch,
        )
        return
    if not live:
        return
    if s is None or d is None:
        unknown = " and ".join(
            h.name for h, i in ((src, s), (dst, d)) if i is None
        )
        c.add(
            NOTE,
            "unknown-cpu-info",
            "Could not check CPU compatibility of %s and %s: the CPU details"
            " of %s are unknown (Nova hides cpu_info from microversion 2.88)."
            % (src.name, dst.name, unknown),
            "Read the hypervisors with microversion 2.87, or compare `virsh "
            "capabilities` on both; libvirt refuses an incompatible CPU at "
            "migration time.",
        )
        if src.traits is not None and dst.traits is not None:
            missing = {t for t in src.traits if t.startswith("HW_CPU_")} - set(
                dst.traits
            )
            if missing:
                c.add(
                    WARNING,
                    "cpu-traits-missing",
                    "%s lacks %d CPU trait(s) that %s has: %s."
                    % (dst.name, len(missing), src.name, _list(missing)),
                    "Choose a host with the same CPU generation.",
                )
        return
    if s.vendor and d.vendor and s.vendor != d.vendor:
        c.add(
            BLOCKER,
            "cpu-vendor-mismatch",
            "%s has a %s CPU but %s has %s; a running guest cannot move"
            " between CPU vendors." % (src.name, s.vendor, dst.name, d.vendor),
            "Choose a %s host, or use cold migration." % s.vendor,
        )
        return
    if s.features is not None and d.features is not None:
        missing = set(s.features) - set(d.features)
        if missing:
            strict = (src.cpu_mode or "").lower() in (
                "host-model",
                "host-passthrough",
            )
            c.add(
                BLOCKER if strict else WARNING,
                "cpu-features-missing",
                "%s lacks %d CPU feature(s) of %s: %s. The destination's"
                " features must be a superset of the source's%s."
                % (
                    dst.name,
                    len(missing),
                    src.name,
                    _list(missing),
                    (
                        ""
                        if strict
                        else " unless the guest uses a CPU model without them"
                    ),
                ),
                "Choose a host whose CPU is the same or newer, or set a common"
                " [libvirt]cpu_models baseline on both.",
            )


@rule(kinds=(Kind.LIVE,), needs_destination=True)
def rule_cpu_passthrough(c):
    """host-passthrough hands the exact host CPU to the guest."""
    src, dst = c.src, c.dst
    if "host-passthrough" not in (
        (src.cpu_mode or "").lower(),
        (dst.cpu_mode or "").lower(),
    ):
        return
    s, d = src.cpu_info, dst.cpu_info
    if s and d and s.model and d.model and s.model != d.model:
        c.add(
            BLOCKER,
            "cpu-model-mismatch-passthrough",
            "%s uses CPU host-passthrough; its CPU model %s differs from %s"
            " on %s." % (src.name, s.model, d.model, dst.name),
            "Choose a host with exactly the same CPU model (%s)." % s.model,
        )
    else:
        c.add(
            WARNING,
            "cpu-passthrough",
            "CPU host-passthrough: the CPU models (and microcode) of %s and %s"
            " must match exactly." % (src.name, dst.name),
            "Migrate only between identical hardware.",
        )


def _capacity(c, need, free, used, fmt, what, code):
    """One Placement resource on the destination; ``used`` is what earlier
    moves of a plan (check_many) already put there."""
    dst = c.dst
    if not need:
        return
    if free is None:
        c.add(
            NOTE,
            code + "-unknown",
            "Could not check free %s on %s." % (what, dst.name),
            "Read Placement inventories and usages of %s (or the hypervisor "
            "with microversion 2.87)."
            % dst.name,
        )
        return
    avail = free - used
    if need <= avail:
        return
    plan = (
        (" after earlier moves of this plan take %s" % fmt(used))
        if used
        else ""
    )
    c.add(
        BLOCKER,
        code + "-insufficient",
        "%s needs %s; %s has %s free%s."
        % (c.p.label, fmt(need), dst.name, fmt(max(avail, 0)), plan),
        "Choose a host with at least %s free." % fmt(need),
    )


def _ram(n):
    return _mib(n) + " of RAM"


def _vcpus(n):
    return "%d shared vCPUs (VCPU)" % n


def _pcpus(n):
    return "%d dedicated CPUs (PCPU)" % n


def _disk(n):
    return "%d GiB of disk (DISK_GB)" % n


@rule(needs_destination=True)
def rule_ram(c):
    _capacity(c, c.p.ram, c.dst.free_ram_mb, c.used.ram, _ram, "RAM", "ram")


@rule(needs_destination=True)
def rule_vcpus(c):
    _capacity(
        c,
        c.p.vcpu_need,
        c.dst.free_vcpus,
        c.used.vcpus,
        _vcpus,
        "shared vCPUs (VCPU)",
        "vcpu",
    )


@rule(needs_destination=True)
def rule_pcpus(c):
    """Pinned vCPUs consume PCPU in Placement since Train."""
    _capacity(
        c,
        c.p.pcpu_need,
        c.dst.free_pcpus,
        c.used.pcpus,
        _pcpus,
        "dedicated CPUs (PCPU)",
        "pcpu",
    )


@rule(needs_destination=True)
def rule_disk(c):
    """Placement claims DISK_GB on the destination for every move (root
    disk unless volume-backed, plus ephemeral and swap), whatever the
    storage; the caller's free disk comes from the same inventory."""
    _capacity(
        c,
        c.p.disk_need,
        c.dst.free_disk_gb,
        c.used.disk,
        _disk,
        "disk (DISK_GB)",
        "disk",
    )


# ---------------------------------------------------------------------------
# Rules: storage
# ---------------------------------------------------------------------------


def _shared(src, dst):
    if dst is None:
        return src.shared_storage
    if src.shared_storage is False or dst.shared_storage is False:
        return False
    if src.shared_storage and dst.shared_storage:
        return True
    return None


def _local_disks(p):
    if p.local_disk_gb:
        return "%d GiB of local disk" % p.local_disk_gb
    return "a local config drive"


@rule(kinds=(Kind.LIVE,))
def rule_block_migration(c):
    """libvirt check_can_live_migrate_source: without shared storage an
    instance with local disks needs block migration, and block migration
    is refused when everything is shared (or volume-backed with no local
    disk)."""
    p, label = c.p, c.p.label
    shared = _shared(c.src, c.dst)
    local = p.has_local_disk
    block = c.block
    auto_ok = c.mv >= (2, 25)
    where = c.dst.name if c.dst else "the destination"
    if local is None and shared is not True:
        c.add(
            NOTE,
            "storage-unknown",
            "Could not tell whether %s has local disks (volume-backed or"
            " config drive unknown), so the need for block migration was not"
            " checked." % label,
            (
                "Use block migration 'auto' (microversion 2.25+) and let Nova"
                " decide."
                if auto_ok
                else "Check the server's boot source and config drive."
            ),
        )
        return
    if block is True and (shared or local is False):
        why = (
            "its storage is shared with %s" % where
            if shared
            else "it is volume-backed with no local disk"
        )
        c.add(
            BLOCKER,
            "block-migration-shared-storage",
            "Block migration was requested for %s but %s; Nova refuses: 'Block"
            " migration can not be used with shared storage.'" % (label, why),
            (
                "Use block migration 'auto'."
                if auto_ok
                else "Set block migration to false."
            ),
        )
        return
    if not local or shared:
        return
    # Local disks that are not shared with the destination.
    if block is False:
        if shared is False:
            c.add(
                BLOCKER,
                "needs-block-migration",
                "%s has %s and %s does not share storage with %s; Nova"
                " refuses: 'Shared storage live-migration requires either"
                " shared storage or boot-from-volume with no local disks.'"
                % (label, _local_disks(p), c.src.name, where),
                (
                    "Use block migration 'auto'."
                    if auto_ok
                    else (
                        "Set block migration to true (or 'auto' from"
                        " microversion 2.25)."
                    )
                ),
            )
        else:
            c.add(
                WARNING,
                "needs-block-migration",
                "%s has %s and it is unknown whether %s shares storage with"
                " %s; without shared storage the migration needs block"
                " migration." % (label, _local_disks(p), c.src.name, where),
                (
                    "Use block migration 'auto' so Nova decides."
                    if auto_ok
                    else (
                        "Set block migration to true unless the storage is"
                        " shared."
                    )
                ),
            )
        return
    if shared is None and block is True:
        # Never pass silently: if the storage turns out to be shared, Nova
        # refuses block migration.
        c.add(
            WARNING,
            "block-migration-storage-unknown",
            "Block migration was requested for %s, but it is unknown whether"
            " %s shares storage with %s; if it does, Nova refuses: 'Block"
            " migration can not be used with shared storage.'"
            % (label, c.src.name, where),
            (
                "Use block migration 'auto' so Nova decides."
                if auto_ok
                else "Confirm the storage is not shared."
            ),
        )
        return
    if shared is False:
        c.add(
            NOTE,
            "block-migration-copy",
            "Block migration copies %s of %s over the network, on top of %s"
            " of RAM; it takes longer and loads the network."
            % (_local_disks(p), label, _mib(p.ram)),
            "Migrate a few instances at a time.",
        )


@rule(kinds=(Kind.LIVE,))
def rule_config_drive(c):
    if not c.inst.config_drive:
        return
    c.add(
        NOTE,
        "config-drive",
        "%s has a config drive. The old guide says a read-only (iso9660)"
        " config drive cannot be live migrated; that is obsolete: libvirt"
        " copies it with block migration since 2016, and vfat drives always"
        " worked."
        % c.p.label,
    )


# ---------------------------------------------------------------------------
# Rules: NUMA, pinning, huge pages
# ---------------------------------------------------------------------------


def _numa_fit(p, cells, used):
    """(fits, chosen cell ids, per-node CPUs, per-node MiB); fits is None
    when the cells' free resources are unknown.  Nova spreads the guest
    evenly over hw:numa_nodes distinct host nodes."""
    n = p.numa_nodes
    cpu_per = int(math.ceil(p.pcpu_need / n)) if p.pcpu_need else 0
    mem_per = int(math.ceil(p.ram / n))
    chosen = []
    for cell in cells:
        u = used.get(cell.id)
        if cpu_per:
            if cell.free_pcpus is None:
                return None, [], cpu_per, mem_per
            if cell.free_pcpus - (u[0] if u else 0) < cpu_per:
                continue
        free = cell.free_hugepages_mb if p.hugepages else cell.free_ram_mb
        if free is None:
            return None, [], cpu_per, mem_per
        if free - (u[1] if u else 0) < mem_per:
            continue
        chosen.append(cell.id)
        if len(chosen) == n:
            return True, chosen, cpu_per, mem_per
    return False, chosen, cpu_per, mem_per


def _numa_what(p):
    bits = []
    if p.cpu_policy in ("dedicated", "mixed"):
        bits.append("CPU pinning (%s)" % p.cpu_policy)
    if p.hugepages:
        bits.append("huge pages (%s)" % p.page_size)
    if p.numa_nodes > 1:
        bits.append("%d NUMA nodes" % p.numa_nodes)
    if not bits:
        bits.append("a NUMA topology")
    return ", ".join(bits)


@rule()
def rule_numa_live_support(c):
    """NUMA-aware live migration arrived in Train (service version 40);
    before that Nova refused it (or migrated blindly with a workaround)."""
    p = c.p
    if not p.numa or c.kind is not Kind.LIVE:
        return
    svc = c.req.compute_service_version
    if svc is not None and svc < SVC_NUMA_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "numa-live-old-compute",
            "%s uses %s; NUMA-aware live migration needs every nova-compute at"
            " Train (service version 40), the oldest here is %d."
            % (p.label, _numa_what(p), svc),
            "Upgrade the computes, or use cold migration.",
        )


@rule(needs_destination=True)
def rule_numa_room(c):
    """The destination needs free room on enough NUMA nodes (scheduler
    NUMATopologyFilter; the compute claim for forced moves)."""
    p, dst = c.p, c.dst
    if not p.numa:
        return
    if dst.numa_cells is None:
        c.add(
            NOTE,
            "numa-unknown",
            "Could not check NUMA room on %s for %s, which uses %s."
            % (dst.name, p.label, _numa_what(p)),
            "Check `numactl --hardware` and `virsh capabilities` on %s"
            " (section 5.4)."
            % dst.name,
        )
    else:
        fits, chosen, cpu_per, mem_per = _numa_fit(
            p, dst.numa_cells, c.used.numa
        )
        if fits is None:
            c.add(
                NOTE,
                "numa-unknown",
                "Could not check NUMA room on %s: free CPUs or memory of its"
                " NUMA nodes are unknown."
                % dst.name,
                "Check `numactl --hardware` on %s (section 5.4)." % dst.name,
            )
        elif not fits:
            need = "%s%s%s" % (
                "%d pinned CPUs and " % cpu_per if cpu_per else "",
                _mib(mem_per),
                " of huge pages" if p.hugepages else " of RAM",
            )
            c.add(
                BLOCKER,
                "numa-insufficient",
                "%s needs %d NUMA node(s) with %s each; %s has %d such node(s)"
                " of %d."
                % (
                    p.label,
                    p.numa_nodes,
                    need,
                    dst.name,
                    len(chosen),
                    len(dst.numa_cells),
                ),
                "Choose a host with room on enough NUMA nodes, or free it"
                " first (section 5.4).",
            )
    s_cells = c.src.numa_cells
    if (
        s_cells is not None
        and dst.numa_cells is not None
        and len(s_cells) != len(dst.numa_cells)
    ):
        c.add(
            WARNING,
            "numa-layout-differs",
            "%s has %d NUMA nodes but %s has %d; the move can succeed while %s"
            " performs worse (section 5.10.3)."
            % (
                c.src.name,
                len(s_cells),
                dst.name,
                len(dst.numa_cells),
                p.label,
            ),
            "Prefer a destination with identical hardware.",
        )


@rule(kinds=(Kind.LIVE, Kind.COLD), needs_destination=True)
def rule_pinned_empty_destination(c):
    """Guide 5.3/5.4: pinned, huge-page and DPDK instances want an empty
    destination with identical hardware, so the source NUMA placement is
    preserved (instances moved there by this plan are fine)."""
    p, dst = c.p, c.dst
    if not (p.pinned or p.hugepages):
        return
    if dst.instance_ids is None:
        c.add(
            NOTE,
            "pinned-dest-unknown",
            "Could not check whether %s is empty; %s uses %s and wants an"
            " empty destination (section 5.4)."
            % (dst.name, p.label, _numa_what(p)),
            "Check `openstack server list --host %s --all-projects`."
            % dst.name,
        )
        return
    others = [
        i for i in dst.instance_ids if i not in c.moved and i != c.inst.id
    ]
    if others:
        c.add(
            WARNING,
            "pinned-dest-not-empty",
            "%s uses %s; %s runs %d other instance(s), so its NUMA layout may"
            " not match the source's and performance may suffer."
            % (p.label, _numa_what(p), dst.name, len(others)),
            "Empty the destination first (section 5.4). Keep %s enabled for"
            " the move itself: Nova's scheduler refuses a disabled destination"
            " unless the move is forced (microversion 2.30-2.67)."
            % dst.name,
        )


# ---------------------------------------------------------------------------
# Rules: devices
# ---------------------------------------------------------------------------


@rule()
def rule_ports(c):
    """SR-IOV live migration: Train added unplug/replug of direct and
    direct-physical VFs (and macvtap transparently); remote-managed
    follows; vDPA from service version 63.  Accelerator ports block every
    move (compute API block_port_accelerators on resize, live migrate and
    evacuate)."""
    types = c.inst.vnic_types
    label = c.p.label
    if types is None:
        c.add(
            NOTE,
            "ports-unknown",
            "Could not check the ports of %s (SR-IOV, vDPA, accelerator)."
            % label,
            "Read the Neutron ports (binding:vnic_type) of the instance.",
        )
        return
    if not types or all(t == "normal" for t in types):
        # Plain ports, the common case (checked once per instance of a
        # plan): nothing to say.
        return
    types = [str(t).lower() for t in types]
    accel = [t for t in types if t in _ACCEL_PORTS]
    if accel:
        c.add(
            BLOCKER,
            "port-accelerator",
            "%s has %d accelerator port(s) (%s); Nova refuses to move an"
            " instance with accelerator ports."
            % (label, len(accel), _list(set(accel))),
            "Detach the accelerator ports, or delete and recreate the instance"
            " on the target host.",
        )
    if c.kind is not Kind.LIVE:
        return
    sriov = [t for t in types if t in _SRIOV_LIVE]
    svc = c.req.compute_service_version
    if "vdpa" in sriov and svc is not None and svc < SVC_VDPA_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "vdpa-live-old-compute",
            "%s has vDPA ports; live migration with vDPA needs every"
            " nova-compute at service version %d (Zed), the oldest here is %d."
            % (label, SVC_VDPA_LIVE_MIGRATION, svc),
            "Use cold migration (section 5.5), or upgrade the computes.",
        )
    elif sriov:
        where = c.dst.name if c.dst else "the destination"
        c.add(
            WARNING,
            "sriov-live",
            "%s has %d SR-IOV/vDPA port(s) (%s). Nova (Train and later)"
            " unplugs them before the live migration and plugs new ones after"
            " it: expect a short network interruption, and %s needs free VFs"
            " on the same physical network."
            % (label, len(sriov), _list(set(sriov)), where),
            "Accept the interruption, or use cold migration (section 5.5).",
        )
    if "macvtap" in types:
        c.add(
            NOTE,
            "macvtap-live",
            "%s has macvtap port(s); they live migrate transparently (Train"
            " and later)." % label,
        )


@rule(kinds=(Kind.LIVE,))
def rule_pci_passthrough(c):
    """Flavor PCI aliases: the conductor refuses live migration unless every
    request is live_migratable, which an alias can say from 2025.1 Epoxy
    (set in nova.conf [pci]alias, not visible from the flavor)."""
    aliases = c.p.pci_aliases
    if not aliases:
        return
    names = _list("%s x%d" % a for a in aliases)
    svc = c.req.compute_service_version
    if svc is not None and svc < SVC_PCI_LIVE_MIGRATABLE:
        c.add(
            BLOCKER,
            "pci-live-old-compute",
            "%s has PCI passthrough devices (%s); live migration with them"
            " needs Nova 2025.1 (service version %d), the oldest compute here"
            " is %d." % (c.p.label, names, SVC_PCI_LIVE_MIGRATABLE, svc),
            "Use cold migration (section 5.5).",
        )
        return
    c.add(
        WARNING,
        "pci-passthrough-live",
        "%s has PCI passthrough devices (%s). Nova live migrates them only if"
        " the alias is marked live_migratable (Nova 2025.1 and later);"
        " otherwise it refuses: 'This request does not explicitly request"
        " live-migratable devices'." % (c.p.label, names),
        "Check [pci]alias live_migratable in nova.conf, or use cold migration "
        "(section 5.5).",
    )


@rule(kinds=(Kind.LIVE,))
def rule_vgpu(c):
    """vGPU (mdev) live migration since 2024.1 Caracal, with QEMU >= 8.1
    and libvirt >= 8.6 on both hosts and the same mdev type free."""
    p = c.p
    if not p.vgpus:
        return
    svc = c.req.compute_service_version
    old = [
        h
        for h in (c.src, c.dst)
        if h is not None
        and (h.hypervisor_type or "").upper() == "QEMU"
        and h.hypervisor_version is not None
        and h.hypervisor_version < QEMU_MIN_VGPU_LIVE_MIGRATION
    ]
    if svc is not None and svc < SVC_VGPU_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "vgpu-live-old-compute",
            "%s has %d vGPU(s); vGPU live migration needs Nova 2024.1 (service"
            " version %d), the oldest compute here is %d."
            % (p.label, p.vgpus, SVC_VGPU_LIVE_MIGRATION, svc),
            "Use cold migration (section 5.5).",
        )
    elif old:
        c.add(
            BLOCKER,
            "vgpu-live-qemu-too-old",
            "%s has %d vGPU(s); vGPU live migration needs QEMU 8.1.0 or newer,"
            " but %s."
            % (
                p.label,
                p.vgpus,
                ", ".join(
                    "%s runs %s" % (h.name, _hv_version(h.hypervisor_version))
                    for h in old
                ),
            ),
            "Use cold migration (section 5.5), or upgrade QEMU/libvirt.",
        )
    else:
        c.add(
            WARNING,
            "vgpu-live",
            "%s has %d vGPU(s). Live migration works from Nova 2024.1 only"
            " with QEMU >= 8.1 and libvirt >= 8.6 on both hosts and a free"
            " vGPU of the same mdev type on %s."
            % (p.label, p.vgpus, c.dst.name if c.dst else "the destination"),
            "Make sure the destination offers the same vGPU type, or use cold "
            "migration.",
        )


@rule(kinds=(Kind.LIVE, Kind.EVACUATE))
def rule_vtpm(c):
    """vTPM: live migration only with hw:tpm_secret_security=host and all
    computes at 2026.1 (service version 72); evacuation is always refused
    (compute API reject_vtpm_instances)."""
    p = c.p
    if not p.vtpm:
        return
    if c.kind is Kind.EVACUATE:
        c.add(
            BLOCKER,
            "vtpm-evacuate",
            "%s has a vTPM (%s); Nova refuses to evacuate instances with a"
            " vTPM." % (p.label, p.vtpm),
            "Bring the source host back and migrate it, or rebuild the"
            " instance.",
        )
        return
    if p.tpm_security != "host":
        c.add(
            BLOCKER,
            "vtpm-live",
            "%s has a vTPM with secret security '%s'; Nova live migrates a"
            " vTPM only with hw:tpm_secret_security=host (Nova 2026.1)."
            % (p.label, p.tpm_security),
            "Use cold migration (section 5.5).",
        )
        return
    svc = c.req.compute_service_version
    if svc is None:
        c.add(
            WARNING,
            "vtpm-live-needs-2026.1",
            "%s has a vTPM (secret security 'host'); live migration needs"
            " every nova-compute at 2026.1 (service version %d), which could"
            " not be checked." % (p.label, SVC_VTPM_LIVE_MIGRATION),
            "Confirm all computes run 2026.1, or use cold migration.",
        )
    elif svc < SVC_VTPM_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "vtpm-live-old-compute",
            "%s has a vTPM; live migration needs every nova-compute at service"
            " version %d (2026.1), the oldest here is %d."
            % (p.label, SVC_VTPM_LIVE_MIGRATION, svc),
            "Use cold migration (section 5.5), or upgrade the computes.",
        )


@rule(kinds=(Kind.LIVE,))
def rule_sev(c):
    if c.p.sev:
        c.add(
            BLOCKER,
            "sev-live",
            "%s uses AMD SEV memory encryption; Nova refuses to live migrate "
            "SEV instances."
            % c.p.label,
            "Use cold migration (section 5.5).",
        )


@rule()
def rule_accelerator_profile(c):
    """Cyborg device profiles: live and cold migration refused
    (block_accelerators on live_migrate and resize); evacuation allowed
    from service version 53 (Wallaby)."""
    p = c.p
    if not p.accel:
        return
    svc = c.req.compute_service_version
    if c.kind is Kind.EVACUATE:
        if svc is not None and svc < SVC_ACCEL_EVACUATE:
            c.add(
                BLOCKER,
                "accel-device-profile",
                "%s uses accelerator device profile '%s'; evacuating it needs"
                " every nova-compute at Wallaby (service version 53), the"
                " oldest here is %d." % (p.label, p.accel, svc),
                "Upgrade the computes first.",
            )
        return
    c.add(
        BLOCKER,
        "accel-device-profile",
        "%s uses accelerator device profile '%s'; Nova refuses %s of instances"
        " with accelerators." % (p.label, p.accel, _KIND_TEXT[c.kind]),
        "Evacuate it if its host is down, or recreate it on the target host.",
    )


@rule(kinds=(Kind.LIVE,))
def rule_vpmem(c):
    """vPMEM live migration since Victoria (service version 51)."""
    p = c.p
    if not p.pmem:
        return
    svc = c.req.compute_service_version
    if svc is not None and svc < SVC_VPMEM_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "vpmem-live-old-compute",
            "%s uses persistent memory (%s); live migration with vPMEM needs"
            " every nova-compute at Victoria (service version 51), the oldest"
            " here is %d." % (p.label, p.pmem, svc),
            "Use cold migration (section 5.5).",
        )
    else:
        c.add(
            WARNING,
            "vpmem-live",
            "%s uses persistent memory (%s); its content is copied during live"
            " migration, and %s needs free namespaces of the same size."
            % (p.label, p.pmem, c.dst.name if c.dst else "the destination"),
            "Expect a longer migration.",
        )


@rule()
def rule_shares(c):
    """Manila shares (2.97, Dalmatian): resize/cold migrate, live migrate
    and evacuate are all refused (block_shares_not_supported)."""
    shares = c.inst.shares
    if shares:
        c.add(
            BLOCKER,
            "shares",
            "%s has Manila shares attached; Nova refuses %s of instances with "
            "shares." % (c.p.label, _KIND_TEXT[c.kind]),
            "Detach the shares (with the instance stopped), move it, and"
            " attach them again.",
        )
    elif shares is None:
        svc = c.req.compute_service_version
        if svc is None or svc >= SVC_SHARES:
            c.add(
                NOTE,
                "shares-unknown",
                "Could not check whether %s has Manila shares attached (they"
                " block every move)."
                % c.p.label,
                "List its shares with microversion 2.97.",
            )


_VERSIONED_MACHINE_TYPE = re.compile(r"\d+\.\d+")


@rule()
def rule_machine_type(c):
    """Since Wallaby Nova records the machine type in the instance's image
    metadata at boot and keeps it on every move (the old guide's 'cold
    migration and evacuation adopt the destination's machine type' no
    longer holds).  Nova does not check that the destination's QEMU knows
    it: a versioned type (pc-q35-rhel9.4.0) fails on an older QEMU."""
    p = c.p
    mt = p.machine_type
    if not mt:
        if c.kind is Kind.LIVE and p.img_known:
            c.add(
                NOTE,
                "machine-type-unknown",
                "Could not check the machine type of %s; the destination's"
                " QEMU must support the one it runs with."
                % p.label,
                "Prefer a destination on the same or a newer OS release.",
            )
        return
    where = c.dst.name if c.dst else "the destination"
    versioned = _VERSIONED_MACHINE_TYPE.search(str(mt)) is not None
    kept = (
        "live migration keeps it"
        if c.kind is Kind.LIVE
        else "Nova keeps it on %s (since Wallaby)" % _KIND_TEXT[c.kind]
    )
    c.add(
        WARNING if versioned else NOTE,
        "machine-type",
        "%s uses machine type %s; %s, so the QEMU on %s must support it. Nova"
        " does not check this in advance." % (p.label, mt, kept, where),
        "Choose a destination on the same or a newer OS/QEMU release.",
    )


# ---------------------------------------------------------------------------
# Rules: server groups
# ---------------------------------------------------------------------------


@rule()
def rule_server_groups(c):
    """ServerGroup(Anti)AffinityFilter: anti-affinity counts members on the
    destination (max_server_per_host, default 1); affinity accepts only a
    host that already holds a member (the source is always excluded)."""
    groups = c.p.groups
    label = c.p.label
    if groups is None:
        c.add(
            NOTE,
            "groups-unknown",
            "Could not check the server groups of %s." % label,
            "Read the server groups (all projects).",
        )
        return
    for g in groups:
        others = set(g.members) - {c.inst.id}
        if not others:
            continue
        policy = (g.policy or "").lower()
        hard = not policy.startswith("soft-")
        gname = g.name or g.id
        if c.dst is None:
            on_src = c.members_on(c.src, others)
            if policy == "affinity" and on_src == others:
                c.add(
                    BLOCKER,
                    "affinity-conflict",
                    "%s is in affinity group %s and all its other members are"
                    " on %s; the scheduler accepts only a host that holds a"
                    " member, and never the source."
                    % (label, gname, c.src.name),
                    "A hard-affinity group cannot be moved one member at a"
                    " time; choose a host that already holds a member.",
                )
            else:
                c.add(
                    NOTE,
                    "group-scheduler",
                    "%s is in %s group %s; the scheduler will honour the"
                    " policy." % (label, policy, gname),
                )
            continue
        on_dst = c.members_on(c.dst, others)
        if on_dst is None:
            c.add(
                NOTE,
                "group-dest-unknown",
                "Could not check %s group %s on %s: its instances are unknown."
                % (policy, gname, c.dst.name),
                "List the instances on %s." % c.dst.name,
            )
            continue
        if "anti-affinity" in policy:
            limit = max(1, g.max_server_per_host) if hard else 1
            if len(on_dst) >= limit:
                c.add(
                    BLOCKER if hard else WARNING,
                    "anti-affinity-conflict",
                    "%s is in %s group %s; %s already holds %d member(s) of it"
                    " (%s)%s."
                    % (
                        label,
                        policy,
                        gname,
                        c.dst.name,
                        len(on_dst),
                        _list(on_dst),
                        ", so the scheduler refuses" if hard else "",
                    ),
                    "Choose a host without members of %s." % gname,
                )
        elif "affinity" in policy and not on_dst:
            c.add(
                BLOCKER if hard else WARNING,
                "affinity-conflict",
                "%s is in %s group %s, but %s holds none of its other %d"
                " member(s)%s."
                % (
                    label,
                    policy,
                    gname,
                    c.dst.name,
                    len(others),
                    "; the scheduler refuses" if hard else "",
                ),
                "Choose a host that already holds a member of %s." % gname,
            )


# ---------------------------------------------------------------------------
# Rules: evacuation
# ---------------------------------------------------------------------------


@rule(kinds=(Kind.EVACUATE,))
def rule_evacuation_outcome(c):
    """Evacuation rebuilds the instance: an image-backed root disk on local
    storage is recreated from the image; 2.95+ leaves it SHUTOFF."""
    p, inst = c.p, c.inst
    shared = _shared(c.src, c.dst)
    if inst.volume_backed is None:
        c.add(
            NOTE,
            "evacuate-disk-unknown",
            "Could not tell whether %s is volume-backed: unless its disk is on"
            " shared storage, an image-backed disk is rebuilt from the image"
            " and its data is lost."
            % p.label,
            "Check the boot source before evacuating.",
        )
    elif not inst.volume_backed and not shared:
        c.add(
            WARNING,
            "evacuate-local-data-lost",
            "%s is image-backed%s: evacuation rebuilds its %d GiB root disk"
            " from the image, so data written to the local disk is lost."
            % (
                p.label,
                (
                    ""
                    if shared is False
                    else " and shared storage is not confirmed"
                ),
                int(inst.flavor.disk_gb or 0),
            ),
            "Accept the loss, or recover the host instead of evacuating.",
        )
    else:
        c.add(
            NOTE,
            "evacuate-disk-kept",
            "%s keeps its root disk (%s)."
            % (
                p.label,
                "volume-backed" if inst.volume_backed else "shared storage",
            ),
        )
        eph = int(inst.flavor.ephemeral_gb or 0)
        if inst.volume_backed and eph and not shared:
            c.add(
                WARNING,
                "evacuate-ephemeral-lost",
                "%s has a %d GiB local ephemeral disk; evacuation recreates it"
                " empty." % (p.label, eph),
                "Accept the loss of the ephemeral data.",
            )
    if c.mv >= (2, 95):
        svc = c.req.compute_service_version
        if svc is not None and svc < SVC_EVACUATE_STOPPED:
            c.add(
                BLOCKER,
                "evacuate-stopped-old-compute",
                "Microversion %s evacuates to SHUTOFF, which needs every"
                " nova-compute at service version %d; the oldest here is %d."
                % (_mv_str(c.mv), SVC_EVACUATE_STOPPED, svc),
                "Use microversion 2.94, or upgrade the computes.",
            )
        else:
            c.add(
                NOTE,
                "evacuate-lands-shutoff",
                "With microversion %s the evacuated %s stays SHUTOFF on the"
                " new host." % (_mv_str(c.mv), p.label),
                "Start it after checking it.",
            )
    else:
        c.add(
            NOTE,
            "evacuate-starts",
            "With microversion %s the evacuated %s is started on the new host "
            "(2.95 and later leave it SHUTOFF)." % (_mv_str(c.mv), p.label),
        )


# ---------------------------------------------------------------------------
# Rules: traits
# ---------------------------------------------------------------------------


@rule(needs_destination=True)
def rule_traits(c):
    """Required/forbidden traits from the flavor, the image, vTPM and
    accelerators are Placement pre-filters on any scheduled move."""
    p, dst = c.p, c.dst
    if not p.required_traits and not p.forbidden_traits:
        return
    if dst.traits is None:
        c.add(
            NOTE,
            "traits-unknown",
            "Could not check the traits %s requires on %s: %s."
            % (
                p.label,
                dst.name,
                _list(p.required_traits | p.forbidden_traits),
            ),
            "Read the resource provider traits of %s from Placement."
            % dst.name,
        )
        return
    sev = WARNING if c.forced else BLOCKER
    missing = p.required_traits - set(dst.traits)
    if missing:
        c.add(
            sev,
            "dest-missing-traits",
            "%s requires trait(s) %s, which %s lacks."
            % (p.label, _list(missing), dst.name),
            "Choose a host that has them.",
        )
    present = p.forbidden_traits & set(dst.traits)
    if present:
        c.add(
            sev,
            "dest-forbidden-traits",
            "%s forbids trait(s) %s, which %s has."
            % (p.label, _list(present), dst.name),
            "Choose a host without them.",
        )


# Every code a rule can emit, for UIs that map codes to icons or help text.
FINDING_CODES = frozenset("""
block-migration-storage-unknown
    state-unknown verify-resize task-in-progress state-not-allowed
    host-mismatch source-state-unknown source-still-up source-down
    block-auto-unsupported force-unsupported force-needs-destination
    force-removed force-implicit cold-host-needs-2.56 forced-move
    cold-needs-confirm extra-specs-unknown image-properties-unknown
    scheduler-chooses dest-is-source dest-state-unknown dest-down
    dest-status-unknown dest-disabled-forced dest-disabled
    hypervisor-unknown hypervisor-type-mismatch hypervisor-too-old
    cpu-arch-mismatch unknown-cpu-info cpu-traits-missing cpu-vendor-mismatch
    cpu-features-missing cpu-model-mismatch-passthrough cpu-passthrough
    ram-unknown ram-insufficient vcpu-unknown vcpu-insufficient
    pcpu-unknown pcpu-insufficient disk-unknown disk-insufficient
    storage-unknown block-migration-shared-storage needs-block-migration
    block-migration-copy config-drive
    numa-live-old-compute numa-unknown numa-insufficient numa-layout-differs
    pinned-dest-unknown pinned-dest-not-empty
    ports-unknown port-accelerator vdpa-live-old-compute sriov-live
    macvtap-live pci-live-old-compute pci-passthrough-live
    vgpu-live-old-compute vgpu-live-qemu-too-old vgpu-live
    vtpm-evacuate vtpm-live vtpm-live-needs-2026.1 vtpm-live-old-compute
    sev-live accel-device-profile vpmem-live-old-compute vpmem-live
    shares shares-unknown machine-type-unknown machine-type
    groups-unknown affinity-conflict group-scheduler group-dest-unknown
    anti-affinity-conflict
    evacuate-disk-unknown evacuate-local-data-lost evacuate-disk-kept
    evacuate-ephemeral-lost evacuate-stopped-old-compute
    evacuate-lands-shutoff evacuate-starts
    traits-unknown dest-missing-traits dest-forbidden-traits
    zone-unknown zone-mismatch
""".split())


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------

_plans = {}


def _plan(kind, mode):
    """The rule functions to run for a kind and a destination mode
    ("none", "other", "same" as the source), computed once."""
    key = (kind, mode, len(RULES))
    fns = _plans.get(key)
    if fns is None:
        fns = _plans[key] = tuple(
            r.fn
            for r in RULES
            if kind in r.kinds
            and (
                not r.needs_destination
                or mode == "other"
                # Moving to the source itself: only say so.
                or (mode == "same" and r.fn is rule_destination_service)
            )
        )
    return fns


def _run(p, source, destination, request, usage=None, moved=frozenset()):
    c = _Ctx(p, source, destination, request, usage, moved)
    mode = (
        "none"
        if destination is None
        else "same" if destination.name == source.name else "other"
    )
    for fn in _plan(c.kind, mode):
        fn(c)
    out = c.out
    if len(out) > 1:
        out.sort(key=_severity_desc)
    return out


def _severity_desc(finding):
    return -finding.severity


def check(
    instance: Instance,
    source: Host,
    destination: Optional[Host],
    request: Request,
) -> list:
    """Findings for moving ``instance`` from ``source`` to ``destination``
    (None: the scheduler chooses), worst first."""
    return _run(_Profile(instance), source, destination, request)


def check_many(
    instances: Sequence[Instance],
    source: Host,
    destinations: Union[Host, None, Mapping[str, Optional[Host]]],
    request: Request,
) -> dict:
    """Check a plan that moves several instances off ``source``.

    ``destinations`` is one host (or None) for all, or a mapping from
    instance id to host (or None = scheduler).  Instances are taken in
    order; each one that has no blocker is assumed to move, so the next
    ones see the RAM, vCPUs, PCPUs, disk and NUMA room it takes on its
    destination, and server-group rules see it there (and no longer on
    the source).  Returns {instance id: findings}, in input order.
    """
    usage = {}
    moved = set()
    results = {}
    derived = {}
    per_instance = isinstance(destinations, Mapping)
    for inst in instances:
        dst = destinations.get(inst.id) if per_instance else destinations
        p = _Profile(inst, derived)
        findings = _run(p, source, dst, request, usage, moved)
        results[inst.id] = findings
        if dst is None or has_blockers(findings):
            continue
        u = usage.get(dst.name)
        if u is None:
            u = usage[dst.name] = _Usage()
        u.ram += p.ram
        u.vcpus += p.vcpu_need
        u.pcpus += p.pcpu_need
        u.disk += p.disk_need
        if p.numa and dst.numa_cells:
            fits, chosen, cpu_per, mem_per = _numa_fit(
                p, dst.numa_cells, u.numa
            )
            if fits:
                for cell_id in chosen:
                    cu = u.numa.setdefault(cell_id, [0, 0])
                    cu[0] += cpu_per
                    cu[1] += mem_per
        u.arrived.add(inst.id)
        moved.add(inst.id)
    return results


def candidate_hosts(
    instance: Instance, source: Host, hosts: Iterable[Host], request: Request
) -> list:
    """Every host but the source as a :class:`Candidate`, usable ones first
    (then by worst severity), so a picker can show usable hosts and grey
    out the rest with ``Candidate.reasons``."""
    p = _Profile(instance)
    out = []
    for host in hosts:
        if host.name == source.name:
            continue
        findings = _run(p, source, host, request)
        out.append(Candidate(host, not has_blockers(findings), findings))
    out.sort(key=lambda cand: (not cand.usable, worst(cand.findings) or 0))
    return out
