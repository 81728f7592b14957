"""CPU compatibility between the source and the destination."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    WARNING,
)
from migration_dashboard.core.preflight.wording import both, short_list
from migration_dashboard.core.i18n import N_, NP_


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
            N_("%(source)s is %(arch)s but %(destination)s is %(arch2)s; an"
               " instance cannot move between CPU architectures.",
               source=src.name,
               arch=s.arch,
               destination=dst.name,
               arch2=d.arch),
            N_("Choose a %(arch)s host.",
               arch=s.arch),
            reason=N_("CPU architecture %(arch)s, not %(arch2)s",
                      arch=d.arch, arch2=s.arch),
        )
        return
    if not live:
        return
    if s is None or d is None:
        unknown = both(
            h.name for h, i in ((src, s), (dst, d)) if i is None
        )
        c.add(
            NOTE,
            "unknown-cpu-info",
            N_("Could not check CPU compatibility of %(source)s and"
               " %(destination)s: the CPU details of %(unknown)s are unknown"
               " (Nova hides cpu_info from microversion 2.88).",
               source=src.name, destination=dst.name, unknown=unknown),
            N_("Read the hypervisors with microversion 2.87, or compare"
               " `virsh capabilities` on both; libvirt refuses an"
               " incompatible CPU at migration time."),
        )
        if src.traits is not None and dst.traits is not None:
            missing = {t for t in src.traits if t.startswith("HW_CPU_")} - set(
                dst.traits
            )
            if missing:
                c.add(
                    WARNING,
                    "cpu-traits-missing",
                    NP_("%(destination)s lacks %(missing_count)d CPU trait"
                        " that %(source)s has: %(missing)s.",
                        "%(destination)s lacks %(missing_count)d CPU traits"
                        " that %(source)s has: %(missing)s.",
                        len(missing),
                        destination=dst.name,
                        missing_count=len(missing),
                        source=src.name,
                        missing=short_list(missing)),
                    N_("Choose a host with the same CPU generation."),
                    reason=N_("lacks CPU trait(s) %(missing)s",
                              missing=short_list(missing)),
                )
        return
    if s.vendor and d.vendor and s.vendor != d.vendor:
        c.add(
            BLOCKER,
            "cpu-vendor-mismatch",
            N_("%(source)s has a %(vendor)s CPU but %(destination)s has"
               " %(vendor2)s; a running guest cannot move between CPU"
               " vendors.",
               source=src.name,
               vendor=s.vendor,
               destination=dst.name,
               vendor2=d.vendor),
            N_("Choose a %(vendor)s host, or use cold migration.",
               vendor=s.vendor),
            reason=N_("%(vendor)s CPU, not %(vendor2)s",
                      vendor=d.vendor, vendor2=s.vendor),
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
                NP_("%(destination)s lacks %(missing_count)d CPU feature of"
                    " %(source)s: %(missing)s. The destination's features"
                    " must be a superset of the source's%(unless)s.",
                    "%(destination)s lacks %(missing_count)d CPU features of"
                    " %(source)s: %(missing)s. The destination's features"
                    " must be a superset of the source's%(unless)s.",
                    len(missing),
                    destination=dst.name,
                    missing_count=len(missing),
                    source=src.name,
                    missing=short_list(missing),
                    unless=""
                        if strict
                        else N_(" unless the guest uses a CPU model without"
                                " them")),
                N_("Choose a host whose CPU is the same or newer, or set a"
                   " common [libvirt]cpu_models baseline on both."),
                reason=N_("lacks CPU feature(s) %(missing)s",
                          missing=short_list(missing)),
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
            N_("%(source)s uses CPU host-passthrough; its CPU model %(model)s"
               " differs from %(model2)s on %(destination)s.",
               source=src.name,
               model=s.model,
               model2=d.model,
               destination=dst.name),
            N_("Choose a host with exactly the same CPU model (%(model)s).",
               model=s.model),
            reason=N_("CPU model %(model)s, not %(model2)s (host-passthrough)",
                      model=d.model, model2=s.model),
        )
    else:
        c.add(
            WARNING,
            "cpu-passthrough",
            N_("CPU host-passthrough: the CPU models (and microcode) of"
               " %(source)s and %(destination)s must match exactly.",
               source=src.name, destination=dst.name),
            N_("Migrate only between identical hardware."),
            reason=N_("CPU host-passthrough: models must match exactly"),
        )


RULES = (
    rule_cpu_compatibility,
    rule_cpu_passthrough,
)
