"""Derived facts about an instance: what its flavor, image and boot source
mean for a move (pinned CPUs, huge pages, NUMA, Placement needs, local
disks, devices, traits), each decided in one place.

:class:`Profile` holds them for the rules and the planner; the functions
above it decide the facts that other parts of the plugin need on their own
(e.g. :func:`wants_empty_host` when gathering data, :func:`disk_need` for
a Placement request), so that every part gives the same answer.
"""

from __future__ import annotations

import math

from migration_dashboard.core.preflight.model import Instance, ServerGroup

__all__ = [
    "PINNED_AGGREGATE_SPEC",
    "Profile",
    "cpu_policy",
    "is_pinned",
    "page_size",
    "uses_huge_pages",
    "wants_empty_host",
    "disk_need",
    "shared_storage",
    "needs_block_migration",
    "numa_fit",
]

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


# ---------------------------------------------------------------------------
# One definition of each fact that more than one part of the plugin decides
# ---------------------------------------------------------------------------

# Flavor extra spec of the aggregate filter convention for pinned hosts.
PINNED_AGGREGATE_SPEC = "aggregate_instance_extra_specs:pinned"


def cpu_policy(extra_specs, image_properties=None) -> str:
    """hw:cpu_policy of the flavor, else hw_cpu_policy of the image,
    lower case; "" when neither sets it."""
    return str(
        _spec(extra_specs, image_properties or {}, "hw:cpu_policy",
              "hw_cpu_policy") or ""
    ).lower()


def _pinned(policy, extra_specs):
    return policy in ("dedicated", "mixed") or _truthy(
        extra_specs.get(PINNED_AGGREGATE_SPEC)
    )


def is_pinned(extra_specs, image_properties=None) -> bool:
    """The instance has dedicated (pinned) CPUs: a dedicated or mixed CPU
    policy, or the flavor asks for the pinned host aggregate
    (``aggregate_instance_extra_specs:pinned`` true, 1, yes or on)."""
    specs = extra_specs or {}
    return _pinned(cpu_policy(specs, image_properties), specs)


def page_size(extra_specs, image_properties=None):
    """hw:mem_page_size of the flavor, else of the image, lower case; None
    when neither sets it."""
    page = _spec(extra_specs, image_properties or {}, "hw:mem_page_size",
                 "hw_mem_page_size")
    return str(page).lower() if page is not None else None


def _huge(size):
    # DPDK (vhost-user) guests need huge pages: treat them alike.
    return size not in (None, "small", "any")


def uses_huge_pages(extra_specs, image_properties=None) -> bool:
    """The guest memory is backed by huge pages (any page size but small)."""
    return _huge(page_size(extra_specs or {}, image_properties))


def wants_empty_host(extra_specs, image_properties=None) -> bool:
    """Pinned and huge-page (DPDK) instances want an empty destination with
    identical hardware, so that their NUMA placement is kept: checking that
    needs to know which instances each host runs."""
    return is_pinned(extra_specs, image_properties) or uses_huge_pages(
        extra_specs, image_properties
    )


def disk_need(flavor, volume_backed) -> int:
    """GiB of DISK_GB Placement claims on the destination of any move:
    the root disk unless volume-backed, plus ephemeral and swap."""
    swap_gb = int(math.ceil((flavor.swap_mb or 0) / 1024))
    root = 0 if volume_backed else int(flavor.disk_gb or 0)
    return root + int(flavor.ephemeral_gb or 0) + swap_gb


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


class Profile:
    """What the rules (and the planner) need to know about an instance,
    derived once."""

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

        self.disk_need = disk_need(fl, inst.volume_backed)
        self.local_disk_gb = self.disk_need
        # Local disks that live migration must copy without shared storage.
        # A config drive is a local file too (libvirt counts it).
        if inst.volume_backed is False:
            self.has_local_disk = True
        elif fl.ephemeral_gb or fl.swap_mb or inst.config_drive:
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
        self.cpu_policy = policy = cpu_policy(es, img)
        nodes = _spec(es, img, "hw:numa_nodes", "hw_numa_nodes")
        self.page_size = page_size(es, img)
        emulator = str(es.get("hw:emulator_threads_policy") or "").lower()
        self.pmem = es.get("hw:pmem")
        try:
            self.numa_nodes = max(1, int(nodes)) if nodes is not None else 1
        except (TypeError, ValueError):
            self.numa_nodes = 1
        self.hugepages = _huge(self.page_size)
        self.pinned = _pinned(policy, es)
        self.numa = bool(
            self.pinned
            or nodes is not None
            or self.page_size is not None
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
            # Nova's scheduler asks for the model's trait as well, TIS
            # unless the flavor or image says tpm-crb.
            req.add(
                "COMPUTE_SECURITY_TPM_CRB"
                if str(model) == "tpm-crb"
                else "COMPUTE_SECURITY_TPM_TIS"
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
# Facts about an instance and its two hosts
# ---------------------------------------------------------------------------


def shared_storage(src, dst):
    """Whether the instance storage of ``src`` is shared with ``dst`` (with
    the other computes when ``dst`` is None): True, False or None when
    unknown.  Two hosts share storage when both say so."""
    if dst is None:
        return src.shared_storage
    if src.shared_storage is False or dst.shared_storage is False:
        return False
    if src.shared_storage and dst.shared_storage:
        return True
    return None


def needs_block_migration(p, src, dst) -> bool:
    """A live migration of profile ``p`` must copy local disks: it has some
    and its storage is not known to be shared with the destination."""
    return p.has_local_disk is True and shared_storage(src, dst) is not True


def numa_fit(p, cells, used):
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
