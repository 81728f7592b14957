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
from migration_dashboard.core.i18n import N_


def rule_destination_service(c):
    dst = c.dst
    if dst.name == c.src.name:
        c.add(
            BLOCKER,
            "dest-is-source",
            N_("%(instance)s is already on %(destination)s; the destination"
               " must be another host.",
               instance=c.p.label, destination=dst.name),
            N_("Choose a different destination."),
        )
        return
    down = dst.is_down
    if down is None:
        c.add(
            NOTE,
            "dest-state-unknown",
            N_("Could not check whether the compute service of"
               " %(destination)s is up.",
               destination=dst.name),
        )
    elif down:
        c.add(
            BLOCKER,
            "dest-down",
            N_("The compute service of %(destination)s (the destination) is"
               " %(state)s.",
               destination=dst.name,
               state=N_("forced down") if dst.forced_down else N_("down")),
            N_("Choose a destination whose compute service is up."),
        )
    if dst.status is None:
        c.add(
            NOTE,
            "dest-status-unknown",
            N_("Could not check whether the compute service of"
               " %(destination)s is enabled.",
               destination=dst.name),
        )
    elif dst.status != "enabled":
        reason = (
            N_(" (reason: '%(disabled_reason)s')",
               disabled_reason=dst.disabled_reason)
            if dst.disabled_reason
            else ""
        )
        if c.forced:
            c.add(
                NOTE,
                "dest-disabled-forced",
                N_("%(destination)s is disabled%(reason)s; the forced move"
                   " bypasses the scheduler, so Nova accepts it.",
                   destination=dst.name, reason=reason),
            )
        else:
            c.add(
                BLOCKER,
                "dest-disabled",
                N_("%(destination)s is disabled%(reason)s; the scheduler"
                   " never picks a disabled compute (it excludes hosts with"
                   " the COMPUTE_STATUS_DISABLED trait), so Nova answers 'No"
                   " valid host was found'.",
                   destination=dst.name, reason=reason),
                N_("Enable %(destination)s for the move, or choose an enabled"
                   " host.",
                   destination=dst.name),
            )


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
            N_("Could not check the availability zone of %(destination)s;"
               " %(instance)s is pinned to zone %(az)s.",
               destination=dst.name, instance=c.p.label, az=az),
            N_("Read the zone of the compute service."),
        )
    elif dst.zone != az:
        c.add(
            WARNING if c.forced else BLOCKER,
            "zone-mismatch",
            N_("%(instance)s is pinned to availability zone %(az)s but"
               " %(destination)s is in %(zone)s%(refusal)s.",
               instance=c.p.label,
               az=az,
               destination=dst.name,
               zone=dst.zone,
               refusal="" if c.forced else N_("; the scheduler refuses")),
            N_("Choose a host in zone %(az)s.",
               az=az),
            reason=N_("in zone %(zone)s, not %(az)s",
                      zone=dst.zone, az=az),
        )


def rule_hypervisor(c):
    """Live migration: same hypervisor type, destination not older
    (conductor _check_compatible_with_source_hypervisor)."""
    src, dst = c.src, c.dst
    if not src.hypervisor_type or not dst.hypervisor_type:
        c.add(
            NOTE,
            "hypervisor-unknown",
            N_("Could not compare the hypervisors of %(source)s and"
               " %(destination)s.",
               source=src.name, destination=dst.name),
        )
        return
    if src.hypervisor_type.lower() != dst.hypervisor_type.lower():
        live = c.kind is Kind.LIVE
        c.add(
            BLOCKER if live else WARNING,
            "hypervisor-type-mismatch",
            N_("%(source)s runs %(hypervisor_type)s but %(destination)s runs"
               " %(hypervisor_type2)s%(consequence)s.",
               source=src.name,
               hypervisor_type=src.hypervisor_type,
               destination=dst.name,
               hypervisor_type2=dst.hypervisor_type,
               consequence=N_("; Nova refuses live migration between hypervisor"
                        " types")
                    if live
                    else N_("; the instance may not start there")),
            N_("Choose a %(hypervisor_type)s host.",
               hypervisor_type=src.hypervisor_type),
            reason=N_("runs %(hypervisor_type)s, not %(hypervisor_type2)s",
                      hypervisor_type=dst.hypervisor_type,
                      hypervisor_type2=src.hypervisor_type),
        )
        return
    if c.kind is not Kind.LIVE:
        return
    if src.hypervisor_version is None or dst.hypervisor_version is None:
        c.add(
            NOTE,
            "hypervisor-unknown",
            N_("Could not compare the hypervisor versions of %(source)s and"
               " %(destination)s.",
               source=src.name, destination=dst.name),
        )
    elif dst.hypervisor_version < src.hypervisor_version:
        c.add(
            BLOCKER,
            "hypervisor-too-old",
            N_("%(destination)s runs %(hypervisor_type)s"
               " %(hypervisor_version)s, older than %(hypervisor_version2)s"
               " on %(source)s; Nova refuses to live migrate to an older"
               " hypervisor.",
               destination=dst.name,
               hypervisor_type=dst.hypervisor_type,
               hypervisor_version=hv_version(dst.hypervisor_version),
               hypervisor_version2=hv_version(src.hypervisor_version),
               source=src.name),
            N_("Choose a host with %(hypervisor_type)s %(hypervisor_version)s"
               " or newer, or upgrade %(destination)s first.",
               hypervisor_type=src.hypervisor_type,
               hypervisor_version=hv_version(src.hypervisor_version),
               destination=dst.name),
            reason=N_("older hypervisor (%(hypervisor_type)s"
                      " %(hypervisor_version)s, the source runs"
                      " %(hypervisor_version2)s)",
                      hypervisor_type=dst.hypervisor_type,
                      hypervisor_version=hv_version(dst.hypervisor_version),
                      hypervisor_version2=hv_version(src.hypervisor_version)),
        )


RULES = (
    rule(rule_destination_service, needs_destination=True, on_source=True),
    rule(rule_availability_zone, needs_destination=True),
    rule(rule_hypervisor, needs_destination=True),
)
