"""What evacuation does to the instance."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    Kind,
    NOTE,
    SVC_EVACUATE_STOPPED,
    WARNING,
)
from migration_dashboard.core.preflight.profile import shared_storage
from migration_dashboard.core.versions import EVACUATE_STOPPED
from migration_dashboard.core.i18n import N_


def rule_evacuation_outcome(c):
    """Evacuation rebuilds the instance: an image-backed root disk on local
    storage is recreated from the image; 2.95+ leaves it SHUTOFF."""
    p, inst = c.p, c.inst
    shared = shared_storage(c.src, c.dst)
    if inst.volume_backed is None:
        c.add(
            NOTE,
            "evacuate-disk-unknown",
            N_("Could not tell whether %(instance)s is volume-backed: unless"
               " its disk is on shared storage, an image-backed disk is"
               " rebuilt from the image and its data is lost.",
               instance=p.label),
            N_("Check the boot source before evacuating."),
        )
    elif not inst.volume_backed and not shared:
        c.add(
            WARNING,
            "evacuate-local-data-lost",
            N_("%(instance)s is image-backed%(unconfirmed)s: evacuation rebuilds"
               " its %(disk_gb)d GiB root disk from the image, so data written"
               " to the local disk is lost.",
               instance=p.label,
               unconfirmed=""
                    if shared is False
                    else N_(" and shared storage is not confirmed"),
               disk_gb=int(inst.flavor.disk_gb or 0)),
            N_("Accept the loss, or recover the host instead of evacuating."),
        )
    else:
        c.add(
            NOTE,
            "evacuate-disk-kept",
            N_("%(instance)s keeps its root disk (%(why)s).",
               instance=p.label,
               why=N_("volume-backed") if inst.volume_backed else N_("shared storage")),
        )
        eph = int(inst.flavor.ephemeral_gb or 0)
        if inst.volume_backed and eph and not shared:
            c.add(
                WARNING,
                "evacuate-ephemeral-lost",
                N_("%(instance)s has a %(eph)d GiB local ephemeral disk;"
                   " evacuation recreates it empty.",
                   instance=p.label, eph=eph),
                N_("Accept the loss of the ephemeral data."),
            )
    if c.mv >= EVACUATE_STOPPED:
        if not c.block_if_computes_older(
            SVC_EVACUATE_STOPPED,
            "evacuate-stopped-old-compute",
            lambda svc: N_(
                "Microversion %(mv)s evacuates to SHUTOFF, which needs"
                " every nova-compute at service version"
                " %(svc_evacuate_stopped)d; the oldest here is %(svc)d.",
                mv=str(c.mv),
                svc_evacuate_stopped=SVC_EVACUATE_STOPPED,
                svc=svc),
            N_("Use microversion 2.94, or upgrade the computes."),
        ):
            c.add(
                NOTE,
                "evacuate-lands-shutoff",
                # No instance name: the same on every row, said once.
                N_("With microversion %(mv)s an evacuated instance stays"
                   " SHUTOFF on the new host.",
                   mv=str(c.mv)),
                N_("Start it after checking it."),
            )
    else:
        c.add(
            NOTE,
            "evacuate-starts",
            N_("With microversion %(mv)s an evacuated instance is started on"
               " the new host (2.95 and later leave it SHUTOFF).",
               mv=str(c.mv)),
        )


RULES = (
    rule(rule_evacuation_outcome, kinds=(Kind.EVACUATE,)),
)
