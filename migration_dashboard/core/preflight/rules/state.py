"""The instance and the request: its state, the source compute, what the
request's microversion accepts, and what could not be read."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import (
    AUTO,
    BLOCKER,
    Kind,
    NOTE,
    WARNING,
)
from migration_dashboard.core.preflight.wording import KIND_TEXT, either
from migration_dashboard.core.states import ALLOWED, BUSY_STATUSES
from migration_dashboard.core.versions import (
    BLOCK_MIGRATION_AUTO,
    COLD_MIGRATE_HOST,
    EVACUATE_FORCE,
    FORCE_REMOVED,
    LIVE_MIGRATE_FORCE,
)
from migration_dashboard.core.i18n import N_


# What to do about a status that does not allow the move.
_STATE_REMEDY = {
    **{
        busy: N_("Wait until the running operation finishes.")
        for busy in BUSY_STATUSES
    },
    "SHUTOFF": (
        N_("Use cold migration for a stopped instance, or start it first.")
    ),
    "SUSPENDED": N_("Resume the instance first."),
    "SHELVED": (
        N_("Unshelve it; a shelved instance is placed by the scheduler on"
           " unshelve.")
    ),
    "SHELVED_OFFLOADED": (
        N_("Unshelve it; a shelved-offloaded instance has no host.")
    ),
    "ERROR": (
        N_("Find out why it is in ERROR; if its host is down, evacuate it;"
           " otherwise reset its state to active once it is healthy.")
    ),
    "RESCUE": N_("Unrescue it first."),
}


def rule_instance_state(c):
    """The instance's state must allow the move, with no task running."""
    status = (c.inst.status or "").upper()
    label = c.p.label
    if not status:
        c.add(
            NOTE,
            "state-unknown",
            N_("Could not check the state of %(instance)s: its status is"
               " unknown.",
               instance=label),
            N_("Reload the instance list; Nova refuses the move unless the"
               " state allows it."),
        )
        return
    if status == "VERIFY_RESIZE":
        c.add(
            BLOCKER,
            "verify-resize",
            N_("%(instance)s is in VERIFY_RESIZE: an earlier resize or cold"
               " migration waits for confirmation, and Nova refuses any other"
               " move until then.",
               instance=label),
            N_("Confirm (or revert) the pending migration first (section"
               " 5.5)."),
        )
        return
    if c.inst.task_state:
        c.add(
            BLOCKER,
            "task-in-progress",
            N_("%(instance)s is busy (task state '%(task_state)s'); Nova"
               " starts a move only when no task is running.",
               instance=label, task_state=c.inst.task_state),
            N_("Wait until the current task finishes and the task state is"
               " empty."),
        )
        return
    allowed = ALLOWED[c.kind]
    if status in allowed:
        return
    remedy = _STATE_REMEDY.get(status) or N_("Bring it to %(states)s first.",
                                             states=either(allowed))
    c.add(
        BLOCKER,
        "state-not-allowed",
        N_("%(instance)s is %(status)s; %(kind_text)s needs it to be"
           " %(states)s.",
           instance=label,
           status=status,
           kind_text=KIND_TEXT[c.kind],
           states=either(s for s in allowed if s != "STOPPED")),
        remedy,
    )


def rule_source_service(c):
    """Live and cold migration need a running source compute; evacuation
    needs a dead one (nova/compute/api.py evacuate: ComputeServiceInUse)."""
    src = c.src
    if c.inst.host and c.inst.host != src.name:
        c.add(
            WARNING,
            "host-mismatch",
            N_("%(instance)s is on %(host)s according to Nova, not on"
               " %(source)s.",
               instance=c.p.label, host=c.inst.host, source=src.name),
            N_("Reload the data: the instance has moved since it was read."),
        )
    down = src.is_down
    if down is None:
        c.add(
            NOTE,
            "source-state-unknown",
            N_("Could not check whether the compute service of %(source)s is"
               " up or down.",
               source=src.name),
            N_("Check `openstack compute service list --host %(source)s`.",
               source=src.name),
        )
        return
    if c.kind is Kind.EVACUATE:
        if not down:
            c.add(
                BLOCKER,
                "source-still-up",
                N_("Compute service of %(source)s is still in use: Nova"
                   " evacuates only from a compute whose service is down or"
                   " forced down.",
                   source=src.name),
                N_("Make sure %(source)s is really dead (fence or power it"
                   " off), then force its service down (microversion 2.11+)"
                   " or wait until Nova reports it down (service_down_time,"
                   " 60 s by default).",
                   source=src.name),
            )
    elif down:
        c.add(
            BLOCKER,
            "source-down",
            N_("The compute service of %(source)s (the source) is %(state)s;"
               " %(kind_text)s needs a running source compute.",
               source=src.name,
               state=N_("forced down") if src.forced_down else N_("down"),
               kind_text=KIND_TEXT[c.kind]),
            N_("If %(source)s has failed, evacuate its instances instead"
               " (section 5.9).",
               source=src.name),
        )


def rule_request_microversion(c):
    """Parameters that only some microversions accept."""
    mv, req = c.mv, c.req
    if c.kind is Kind.LIVE and c.block == AUTO and mv < BLOCK_MIGRATION_AUTO:
        c.add(
            BLOCKER,
            "block-auto-unsupported",
            N_("block_migration 'auto' needs microversion 2.25; this request"
               " uses %(mv)s.",
               mv=str(mv)),
            N_("Choose block migration true or false explicitly, or use"
               " microversion 2.25 or later."),
        )
    if req.force:
        if c.kind is Kind.COLD:
            c.add(
                BLOCKER,
                "force-unsupported",
                N_("Cold migration has no force option; the scheduler always"
                   " checks the destination."),
                N_("Drop force."),
            )
        elif c.dst is None:
            c.add(
                BLOCKER,
                "force-needs-destination",
                N_("Can't force to a non-provided destination: force needs a"
                   " destination host."),
                N_("Choose a destination or drop force."),
            )
        elif mv >= FORCE_REMOVED:
            c.add(
                BLOCKER,
                "force-removed",
                N_("force was removed in microversion 2.68; this request uses"
                   " %(mv)s.",
                   mv=str(mv)),
                N_("Drop force: the scheduler then verifies the chosen"
                   " destination."),
            )
        elif (c.kind is Kind.LIVE and mv < LIVE_MIGRATE_FORCE) or mv < EVACUATE_FORCE:
            c.add(
                NOTE,
                "force-implicit",
                N_("At microversion %(mv)s a chosen destination is always"
                   " forced; the force flag is not sent.",
                   mv=str(mv)),
            )
    if c.kind is Kind.COLD and c.dst is not None and mv < COLD_MIGRATE_HOST:
        c.add(
            BLOCKER,
            "cold-host-needs-2.56",
            N_("Cold migration to a chosen host needs microversion 2.56; this"
               " request uses %(mv)s.",
               mv=str(mv)),
            N_("Let the scheduler choose, or use microversion 2.56 or later."),
        )
    if c.forced:
        c.add(
            NOTE,
            "forced-move",
            N_("Forced move to %(destination)s: the scheduler is bypassed, so"
               " its filters (server groups, NUMA, traits, disabled hosts)"
               " are not applied by Nova; only the capacity claim and the"
               " hypervisor checks remain.",
               destination=c.dst.name),
            N_("The checks below matter all the more."),
        )


def rule_cold_confirm(c):
    c.add(
        NOTE,
        "cold-needs-confirm",
        # No instance name: the same on every row, said once.
        N_("After the copy the instance waits in VERIFY_RESIZE on the new"
           " host until the migration is confirmed (or reverted); Nova does"
           " not confirm on its own unless resize_confirm_window is set."),
        N_("Confirm it once it works (section 5.5)."),
    )


def rule_specs_known(c):
    """Flavor extra specs and image properties drive half of the rules."""
    if not c.p.es_known:
        c.add(
            NOTE,
            "extra-specs-unknown",
            N_("Could not read the flavor extra specs of %(instance)s, so CPU"
               " pinning, NUMA, PCI, vGPU, vTPM and SEV were not checked.",
               instance=c.p.label),
            N_("Read the servers with microversion 2.47 or later (embedded"
               " flavor)."),
        )
    if not c.p.img_known:
        c.add(
            NOTE,
            "image-properties-unknown",
            N_("Could not read the image properties of %(instance)s, so"
               " image-defined NUMA, pinning, vTPM, SEV and machine type were"
               " not checked.",
               instance=c.p.label),
            N_("Read the server with microversion 2.98 or the image from"
               " Glance."),
        )


def rule_scheduler_chooses(c):
    if c.dst is not None:
        return
    c.add(
        NOTE,
        "scheduler-chooses",
        N_("No destination chosen: the scheduler will pick an enabled, up"
           " host with room that honours the server-group and NUMA rules."
           " Capacity, CPU, hypervisor and destination-specific checks were"
           " not run here."),
        N_("Choose a destination to check it in advance."),
    )


RULES = (
    rule(rule_instance_state),
    rule(rule_source_service),
    rule(rule_request_microversion),
    rule(rule_cold_confirm, kinds=(Kind.COLD,)),
    rule(rule_specs_known),
    rule(rule_scheduler_chooses),
)
