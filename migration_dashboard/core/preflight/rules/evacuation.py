"""What evacuation does to the instance."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    Kind,
    NOTE,
    SVC_EVACUATE_STOPPED,
    WARNING,
)
from migration_dashboard.core.preflight.profile import shared_storage
from migration_dashboard.core.versions import EVACUATE_STOPPED


@rule(kinds=(Kind.EVACUATE,))
def rule_evacuation_outcome(c):
    """Evacuation rebuilds the instance: an image-backed root disk on local
    storage is recreated from the image; 2.95+ leaves it SHUTOFF."""
    p, inst = c.p, c.inst
    shared = shared_storage(c.src, c.dst)
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
    if c.mv >= EVACUATE_STOPPED:
        svc = c.computes_older_than(SVC_EVACUATE_STOPPED)
        if svc is not None:
            c.add(
                BLOCKER,
                "evacuate-stopped-old-compute",
                "Microversion %s evacuates to SHUTOFF, which needs every"
                " nova-compute at service version %d; the oldest here is %d."
                % (str(c.mv), SVC_EVACUATE_STOPPED, svc),
                "Use microversion 2.94, or upgrade the computes.",
            )
        else:
            c.add(
                NOTE,
                "evacuate-lands-shutoff",
                # No instance name: the same on every row, said once.
                "With microversion %s an evacuated instance stays SHUTOFF on"
                " the new host." % str(c.mv),
                "Start it after checking it.",
            )
    else:
        c.add(
            NOTE,
            "evacuate-starts",
            "With microversion %s an evacuated instance is started on the new"
            " host (2.95 and later leave it SHUTOFF)." % str(c.mv),
        )


RULES = (
    rule_evacuation_outcome,
)
