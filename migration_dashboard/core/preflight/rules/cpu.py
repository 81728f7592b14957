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


def rule_cpu_compatibility(c):
    """Same architecture always; for live migration libvirt on the
    destination compares the guest CPU with its own."""
    src, dst, live = c.src, c.dst, c.kind is Kind.LIVE
    s, d = src.cpu_info, dst.cpu_info
    if s and d and s.arch and d.arch and s.arch != d.arch:
        c.add(BLOCKER, "cpu-arch-mismatch", *_differs_said(
            c, "arch",
            N_("%(source)s is %(arch)s but %(destination)s is %(arch2)s; an"
               " instance cannot move between CPU architectures."),
            N_("Choose a %(arch)s host."),
            N_("CPU architecture %(arch)s, not %(arch2)s"),
        ))
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
        c.add(BLOCKER, "cpu-vendor-mismatch", *_differs_said(
            c, "vendor",
            N_("%(source)s has a %(vendor)s CPU but %(destination)s has"
               " %(vendor2)s; a running guest cannot move between CPU"
               " vendors."),
            N_("Choose a %(vendor)s host, or use cold migration."),
            N_("%(vendor)s CPU, not %(vendor2)s"),
        ))
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


def _differs_said(c, what, message, remedy, reason):
    """Message, remedy and reason of a finding that the source's CPU
    ``what`` (an attribute of cpu_info) is not the destination's: the
    message names the source's as %(what)s and the destination's as
    %(what2)s, the remedy asks for the source's, the reason (said of the
    destination) puts the destination's first."""
    mine = getattr(c.src.cpu_info, what)
    theirs = getattr(c.dst.cpu_info, what)
    return (
        message % {"source": c.src.name, what: mine,
                   "destination": c.dst.name, what + "2": theirs},
        remedy % {what: mine},
        reason % {what: theirs, what + "2": mine},
    )


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
        c.add(BLOCKER, "cpu-model-mismatch-passthrough", *_differs_said(
            c, "model",
            N_("%(source)s uses CPU host-passthrough; its CPU model %(model)s"
               " differs from %(model2)s on %(destination)s."),
            N_("Choose a host with exactly the same CPU model (%(model)s)."),
            N_("CPU model %(model)s, not %(model2)s (host-passthrough)"),
        ))
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
    rule(rule_cpu_compatibility, needs_destination=True),
    rule(rule_cpu_passthrough, kinds=(Kind.LIVE,), needs_destination=True),
)
