"""CPU compatibility between the source and the destination."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    WARNING,
)
from migration_dashboard.core.preflight.wording import short_list


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
            reason="CPU architecture %s, not %s" % (d.arch, s.arch),
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
                    % (dst.name, len(missing), src.name, short_list(missing)),
                    "Choose a host with the same CPU generation.",
                    reason="lacks CPU trait(s) %s" % short_list(missing),
                )
        return
    if s.vendor and d.vendor and s.vendor != d.vendor:
        c.add(
            BLOCKER,
            "cpu-vendor-mismatch",
            "%s has a %s CPU but %s has %s; a running guest cannot move"
            " between CPU vendors." % (src.name, s.vendor, dst.name, d.vendor),
            "Choose a %s host, or use cold migration." % s.vendor,
            reason="%s CPU, not %s" % (d.vendor, s.vendor),
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
                    short_list(missing),
                    (
                        ""
                        if strict
                        else " unless the guest uses a CPU model without them"
                    ),
                ),
                "Choose a host whose CPU is the same or newer, or set a common"
                " [libvirt]cpu_models baseline on both.",
                reason="lacks CPU feature(s) %s" % short_list(missing),
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
            reason="CPU model %s, not %s (host-passthrough)" % (
                d.model, s.model),
        )
    else:
        c.add(
            WARNING,
            "cpu-passthrough",
            "CPU host-passthrough: the CPU models (and microcode) of %s and %s"
            " must match exactly." % (src.name, dst.name),
            "Migrate only between identical hardware.",
            reason="CPU host-passthrough: models must match exactly",
        )


RULES = (
    rule_cpu_compatibility,
    rule_cpu_passthrough,
)
