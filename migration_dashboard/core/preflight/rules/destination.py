"""The chosen destination: its compute service, availability zone and
hypervisor."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    WARNING,
)
from migration_dashboard.core.preflight.wording import hv_version


@rule(needs_destination=True, on_source=True)
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
            reason="in zone %s, not %s" % (dst.zone, az),
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
            reason="runs %s, not %s" % (dst.hypervisor_type,
                                        src.hypervisor_type),
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
                hv_version(dst.hypervisor_version),
                hv_version(src.hypervisor_version),
                src.name,
            ),
            "Choose a host with %s %s or newer, or upgrade %s first."
            % (
                src.hypervisor_type,
                hv_version(src.hypervisor_version),
                dst.name,
            ),
            reason="older hypervisor (%s %s, the source runs %s)" % (
                dst.hypervisor_type,
                hv_version(dst.hypervisor_version),
                hv_version(src.hypervisor_version),
            ),
        )


RULES = (
    rule_destination_service,
    rule_availability_zone,
    rule_hypervisor,
)
