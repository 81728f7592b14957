"""Devices and guest features that limit moves: ports, PCI, vGPU, vTPM,
SEV, accelerators, vPMEM, Manila shares, machine type."""

import re

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    QEMU_MIN_VGPU_LIVE_MIGRATION,
    SVC_ACCEL_EVACUATE,
    SVC_PCI_LIVE_MIGRATABLE,
    SVC_SHARES,
    SVC_VDPA_LIVE_MIGRATION,
    SVC_VGPU_LIVE_MIGRATION,
    SVC_VPMEM_LIVE_MIGRATION,
    SVC_VTPM_LIVE_MIGRATION,
    WARNING,
)
from migration_dashboard.core.preflight.wording import (
    KIND_TEXT,
    hv_version,
    short_list,
)
from migration_dashboard.core.i18n import N_, NP_, joined


# vnic_types that live migrate by unplug/replug, and accelerator ports.
_SRIOV_LIVE = ("direct", "direct-physical", "remote-managed", "vdpa")
_ACCEL_PORTS = ("accelerator-direct", "accelerator-direct-physical")


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
            N_("Could not check the ports of %(instance)s (SR-IOV, vDPA,"
               " accelerator).",
               instance=label),
            N_("Read the Neutron ports (binding:vnic_type) of the instance."),
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
            NP_("%(instance)s has %(accel_count)d accelerator port"
                " (%(accel)s); Nova refuses to move an instance with"
                " accelerator ports.",
                "%(instance)s has %(accel_count)d accelerator ports"
                " (%(accel)s); Nova refuses to move an instance with"
                " accelerator ports.",
                len(accel),
                instance=label,
                accel_count=len(accel),
                accel=short_list(set(accel))),
            N_("Detach the accelerator ports, or delete and recreate the"
               " instance on the target host."),
        )
    if c.kind is not Kind.LIVE:
        return
    sriov = [t for t in types if t in _SRIOV_LIVE]
    if "vdpa" in sriov and c.block_if_computes_older(
        SVC_VDPA_LIVE_MIGRATION,
        "vdpa-live-old-compute",
        lambda svc: N_(
            "%(instance)s has vDPA ports; live migration with vDPA needs"
            " every nova-compute at service version"
            " %(svc_vdpa_live_migration)d (Zed), the oldest here is"
            " %(svc)d.",
            instance=label,
            svc_vdpa_live_migration=SVC_VDPA_LIVE_MIGRATION,
            svc=svc),
        N_("Use cold migration (section 5.5), or upgrade the computes."),
    ):
        pass
    elif sriov:
        where = c.dst.name if c.dst else N_("the destination")
        c.add(
            WARNING,
            "sriov-live",
            N_("%(instance)s has %(sriov_count)d SR-IOV/vDPA port(s)"
               " (%(sriov)s). Nova (Train and later) unplugs them before the"
               " live migration and plugs new ones after it: expect a short"
               " network interruption, and %(where)s needs free VFs on the"
               " same physical network.",
               instance=label,
               sriov_count=len(sriov),
               sriov=short_list(set(sriov)),
               where=where),
            N_("Accept the interruption, or use cold migration (section 5.5)."),
        )
    if "macvtap" in types:
        c.add(
            NOTE,
            "macvtap-live",
            N_("%(instance)s has macvtap port(s); they live migrate"
               " transparently (Train and later).",
               instance=label),
        )


def rule_pci_passthrough(c):
    """Flavor PCI aliases: the conductor refuses live migration unless every
    request is live_migratable, which an alias can say from 2025.1 Epoxy
    (set in nova.conf [pci]alias, not visible from the flavor)."""
    aliases = c.p.pci_aliases
    if not aliases:
        return
    names = short_list("%s x%d" % a for a in aliases)
    if c.block_if_computes_older(
        SVC_PCI_LIVE_MIGRATABLE,
        "pci-live-old-compute",
        lambda svc: N_(
            "%(instance)s has PCI passthrough devices (%(names)s); live"
            " migration with them needs Nova 2025.1 (service version"
            " %(svc_pci_live_migratable)d), the oldest compute here is"
            " %(svc)d.",
            instance=c.p.label,
            names=names,
            svc_pci_live_migratable=SVC_PCI_LIVE_MIGRATABLE,
            svc=svc),
        N_("Use cold migration (section 5.5)."),
    ):
        return
    c.add(
        WARNING,
        "pci-passthrough-live",
        N_("%(instance)s has PCI passthrough devices (%(names)s). Nova live"
           " migrates them only if the alias is marked live_migratable (Nova"
           " 2025.1 and later); otherwise it refuses: 'This request does not"
           " explicitly request live-migratable devices'.",
           instance=c.p.label, names=names),
        N_("Check [pci]alias live_migratable in nova.conf, or use cold"
           " migration (section 5.5)."),
    )


def rule_vgpu(c):
    """vGPU (mdev) live migration since 2024.1 Caracal, with QEMU >= 8.1
    and libvirt >= 8.6 on both hosts and the same mdev type free."""
    p = c.p
    if not p.vgpus:
        return
    old = [
        h
        for h in (c.src, c.dst)
        if h is not None
        and (h.hypervisor_type or "").upper() == "QEMU"
        and h.hypervisor_version is not None
        and h.hypervisor_version < QEMU_MIN_VGPU_LIVE_MIGRATION
    ]
    if c.block_if_computes_older(
        SVC_VGPU_LIVE_MIGRATION,
        "vgpu-live-old-compute",
        lambda svc: NP_(
            "%(instance)s has %(vgpus)d vGPU; vGPU live migration needs"
            " Nova 2024.1 (service version %(svc_vgpu_live_migration)d),"
            " the oldest compute here is %(svc)d.",
            "%(instance)s has %(vgpus)d vGPUs; vGPU live migration needs"
            " Nova 2024.1 (service version %(svc_vgpu_live_migration)d),"
            " the oldest compute here is %(svc)d.",
            p.vgpus,
            instance=p.label,
            vgpus=p.vgpus,
            svc_vgpu_live_migration=SVC_VGPU_LIVE_MIGRATION,
            svc=svc),
        N_("Use cold migration (section 5.5)."),
    ):
        pass
    elif old:
        c.add(
            BLOCKER,
            "vgpu-live-qemu-too-old",
            NP_("%(instance)s has %(vgpus)d vGPU; vGPU live migration needs"
                " QEMU 8.1.0 or newer, but %(hosts)s.",
                "%(instance)s has %(vgpus)d vGPUs; vGPU live migration needs"
                " QEMU 8.1.0 or newer, but %(hosts)s.",
                p.vgpus,
                instance=p.label,
                vgpus=p.vgpus,
                hosts=joined(
                   [N_("%(host)s runs %(version)s", host=h.name,
                       version=hv_version(h.hypervisor_version))
                    for h in old], N_(", "))),
            N_("Use cold migration (section 5.5), or upgrade QEMU/libvirt."),
        )
    else:
        c.add(
            WARNING,
            "vgpu-live",
            NP_("%(instance)s has %(vgpus)d vGPU. Live migration works from"
                " Nova 2024.1 only with QEMU >= 8.1 and libvirt >= 8.6 on"
                " both hosts and a free vGPU of the same mdev type on"
                " %(destination)s.",
                "%(instance)s has %(vgpus)d vGPUs. Live migration works from"
                " Nova 2024.1 only with QEMU >= 8.1 and libvirt >= 8.6 on"
                " both hosts and a free vGPU of the same mdev type on"
                " %(destination)s.",
                p.vgpus,
                instance=p.label,
                vgpus=p.vgpus,
                destination=c.dst.name if c.dst else N_("the destination")),
            N_("Make sure the destination offers the same vGPU type, or use"
               " cold migration."),
        )


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
            N_("%(instance)s has a vTPM (%(vtpm)s); Nova refuses to evacuate"
               " instances with a vTPM.",
               instance=p.label, vtpm=p.vtpm),
            N_("Bring the source host back and migrate it, or rebuild the"
               " instance."),
        )
        return
    if p.tpm_security != "host":
        c.add(
            BLOCKER,
            "vtpm-live",
            N_("%(instance)s has a vTPM with secret security"
               " '%(tpm_security)s'; Nova live migrates a vTPM only with"
               " hw:tpm_secret_security=host (Nova 2026.1).",
               instance=p.label, tpm_security=p.tpm_security),
            N_("Use cold migration (section 5.5)."),
        )
        return
    svc = c.req.compute_service_version
    if svc is None:
        c.add(
            WARNING,
            "vtpm-live-needs-2026.1",
            N_("%(instance)s has a vTPM (secret security 'host'); live"
               " migration needs every nova-compute at 2026.1 (service"
               " version %(svc_vtpm_live_migration)d), which could not be"
               " checked.",
               instance=p.label,
               svc_vtpm_live_migration=SVC_VTPM_LIVE_MIGRATION),
            N_("Confirm all computes run 2026.1, or use cold migration."),
        )
    elif svc < SVC_VTPM_LIVE_MIGRATION:
        c.add(
            BLOCKER,
            "vtpm-live-old-compute",
            N_("%(instance)s has a vTPM; live migration needs every"
               " nova-compute at service version %(svc_vtpm_live_migration)d"
               " (2026.1), the oldest here is %(svc)d.",
               instance=p.label,
               svc_vtpm_live_migration=SVC_VTPM_LIVE_MIGRATION,
               svc=svc),
            N_("Use cold migration (section 5.5), or upgrade the computes."),
        )


def rule_sev(c):
    if c.p.sev:
        c.add(
            BLOCKER,
            "sev-live",
            N_("%(instance)s uses AMD SEV memory encryption; Nova refuses to"
               " live migrate SEV instances.",
               instance=c.p.label),
            N_("Use cold migration (section 5.5)."),
        )


def rule_accelerator_profile(c):
    """Cyborg device profiles: live and cold migration refused
    (block_accelerators on live_migrate and resize); evacuation allowed
    from service version 53 (Wallaby)."""
    p = c.p
    if not p.accel:
        return
    if c.kind is not Kind.EVACUATE:
        c.add(
            BLOCKER,
            "accel-device-profile",
            N_("%(instance)s uses accelerator device profile '%(accel)s';"
               " Nova refuses %(kind_text)s of instances with accelerators.",
               instance=p.label, accel=p.accel, kind_text=KIND_TEXT[c.kind]),
            N_("Evacuate it if its host is down, or recreate it on the target"
               " host."),
        )
        return
    c.block_if_computes_older(
        SVC_ACCEL_EVACUATE,
        "accel-device-profile",
        lambda svc: N_(
            "%(instance)s uses accelerator device profile '%(accel)s';"
            " evacuating it needs every nova-compute at Wallaby"
            " (service version 53), the oldest here is %(svc)d.",
            instance=p.label, accel=p.accel, svc=svc),
        N_("Upgrade the computes first."),
    )


def rule_vpmem(c):
    """vPMEM live migration since Victoria (service version 51)."""
    p = c.p
    if not p.pmem:
        return
    if not c.block_if_computes_older(
        SVC_VPMEM_LIVE_MIGRATION,
        "vpmem-live-old-compute",
        lambda svc: N_(
            "%(instance)s uses persistent memory (%(pmem)s); live"
            " migration with vPMEM needs every nova-compute at Victoria"
            " (service version 51), the oldest here is %(svc)d.",
            instance=p.label, pmem=p.pmem, svc=svc),
        N_("Use cold migration (section 5.5)."),
    ):
        c.add(
            WARNING,
            "vpmem-live",
            N_("%(instance)s uses persistent memory (%(pmem)s); its content"
               " is copied during live migration, and %(destination)s needs"
               " free namespaces of the same size.",
               instance=p.label,
               pmem=p.pmem,
               destination=c.dst.name if c.dst else N_("the destination")),
            N_("Expect a longer migration."),
        )


def rule_shares(c):
    """Manila shares (2.97, Dalmatian): resize/cold migrate, live migrate
    and evacuate are all refused (block_shares_not_supported)."""
    shares = c.inst.shares
    if shares:
        c.add(
            BLOCKER,
            "shares",
            N_("%(instance)s has Manila shares attached; Nova refuses"
               " %(kind_text)s of instances with shares.",
               instance=c.p.label, kind_text=KIND_TEXT[c.kind]),
            N_("Detach the shares (with the instance stopped), move it, and"
               " attach them again."),
        )
    elif shares is None:
        if c.computes_older_than(SVC_SHARES) is None:
            c.add(
                NOTE,
                "shares-unknown",
                N_("Could not check whether %(instance)s has Manila shares"
                   " attached (they block every move).",
                   instance=c.p.label),
                N_("List its shares with microversion 2.97."),
            )


_VERSIONED_MACHINE_TYPE = re.compile(r"\d+\.\d+")


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
                N_("Could not check the machine type of %(instance)s; the"
                   " destination's QEMU must support the one it runs with.",
                   instance=p.label),
                N_("Prefer a destination on the same or a newer OS release."),
            )
        return
    where = c.dst.name if c.dst else N_("the destination")
    versioned = _VERSIONED_MACHINE_TYPE.search(str(mt)) is not None
    kept = (
        N_("live migration keeps it")
        if c.kind is Kind.LIVE
        else N_("Nova keeps it on %(kind_text)s (since Wallaby)",
                kind_text=KIND_TEXT[c.kind])
    )
    c.add(
        WARNING if versioned else NOTE,
        "machine-type",
        N_("%(instance)s uses machine type %(mt)s; %(kept)s, so the QEMU on"
           " %(where)s must support it. Nova does not check this in advance.",
           instance=p.label, mt=mt, kept=kept, where=where),
        N_("Choose a destination on the same or a newer OS/QEMU release."),
    )


RULES = (
    rule(rule_ports),
    rule(rule_pci_passthrough, kinds=(Kind.LIVE,)),
    rule(rule_vgpu, kinds=(Kind.LIVE,)),
    rule(rule_vtpm, kinds=(Kind.LIVE, Kind.EVACUATE)),
    rule(rule_sev, kinds=(Kind.LIVE,)),
    rule(rule_accelerator_profile),
    rule(rule_vpmem, kinds=(Kind.LIVE,)),
    rule(rule_shares),
    rule(rule_machine_type),
)
