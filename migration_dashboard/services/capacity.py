"""What the scheduler counts on the hosts a page shows, read from Placement
(core.scheduler_counts says what the figures are and why)."""
from django.utils.translation import gettext_lazy as _

from horizon import exceptions

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv
from migration_dashboard.core import scheduler_counts


def read_scheduler_counts(request, rows):
    """Set each row's ``scheduler``: what Placement counts for it, in two
    calls whatever the number of hosts, three when a shown host has no
    room for a vCPU.

    The first answer (providers with room for one vCPU) holds every host
    but those full of vCPUs; only when a shown host is missing from it is
    Placement asked again, for one MiB of RAM, so a host full of vCPUs
    still shows its figures and only a host with room for neither is "no
    room".

    True when read.  When Placement cannot be read the rows keep Nova's
    hypervisor figures and one message gives Placement's reason.  Rows
    without a compute node (the hypervisors unread, or none reported) have
    nothing to look up: no call.
    """
    if not any(row.node_ids for row in rows):
        return False
    first, *others = scheduler_counts.PROBES
    try:
        providers = api.placement.provider_names(request)
        answers = [_ask(request, first)]
        counts = scheduler_counts.count_hosts(rows, providers, answers)
        for probe in others:
            if not any(c.state == scheduler_counts.NO_ROOM
                       for c in counts.values()):
                break
            answers.append(_ask(request, probe))
            counts = scheduler_counts.count_hosts(rows, providers, answers)
    except Exception as exc:
        exceptions.handle(request, _(
            "Unable to read what the scheduler counts (Placement): "
            "%(reason)s. The capacity columns show Nova's hypervisor "
            "records (physical totals, reserved counted as used).") %
            {"reason": base.error_reason(exc)}, details="")
        return False
    for row in rows:
        row.scheduler = counts[row.host]
    return True


def _ask(request, probe):
    return api.placement.allocation_candidates(
        request, probe, version=mv.PLACEMENT_EVERY_CLASS)
