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
from migration_dashboard.core.preflight.wording import KIND_TEXT
from migration_dashboard.core.states import ALLOWED, BUSY_STATUSES
from migration_dashboard.core.versions import (
    BLOCK_MIGRATION_AUTO,
    COLD_MIGRATE_HOST,
    EVACUATE_FORCE,
    FORCE_REMOVED,
    LIVE_MIGRATE_FORCE,
)


# What to do about a status that does not allow the move.
_STATE_REMEDY = {
    **{
        busy: "Wait until the running operation finishes."
        for busy in BUSY_STATUSES
    },
    "SHUTOFF": (
        "Use cold migration for a stopped instance, or start it first."
    ),
    "SUSPENDED": "Resume the instance first.",
    "SHELVED": (
        "Unshelve it; a shelved instance is placed by the scheduler on"
        " unshelve."
    ),
    "SHELVED_OFFLOADED": (
        "Unshelve it; a shelved-offloaded instance has no host."
    ),
    "ERROR": (
        "Find out why it is in ERROR; if its host is down, evacuate it; "
        "otherwise reset its state to active once it is healthy."
    ),
    "RESCUE": "Unrescue it first.",
}


@rule()
def rule_instance_state(c):
    """The instance's state must allow the move, with no task running."""
    status = (c.inst.status or "").upper()
    label = c.p.label
    if not status:
        c.add(
            NOTE,
            "state-unknown",
            "Could not check the state of %s: its status is unknown." % label,
            "Reload the instance list; Nova refuses the move unless the state"
            " allows it.",
        )
        return
    if status == "VERIFY_RESIZE":
        c.add(
            BLOCKER,
            "verify-resize",
            "%s is in VERIFY_RESIZE: an earlier resize or cold migration waits"
            " for confirmation, and Nova refuses any other move until then."
            % label,
            "Confirm (or revert) the pending migration first (section 5.5).",
        )
        return
    if c.inst.task_state:
        c.add(
            BLOCKER,
            "task-in-progress",
            "%s is busy (task state '%s'); Nova starts a move only when no"
            " task is running." % (label, c.inst.task_state),
            "Wait until the current task finishes and the task state is"
            " empty.",
        )
        return
    allowed = ALLOWED[c.kind]
    if status in allowed:
        return
    remedy = _STATE_REMEDY.get(status) or "Bring it to %s first." % (
        " or ".join(allowed)
    )
    c.add(
        BLOCKER,
        "state-not-allowed",
        "%s is %s; %s needs it to be %s."
        % (
            label,
            status,
            KIND_TEXT[c.kind],
            " or ".join(s for s in allowed if s != "STOPPED"),
        ),
        remedy,
    )


@rule()
def rule_source_service(c):
    """Live and cold migration need a running source compute; evacuation
    needs a dead one (nova/compute/api.py evacuate: ComputeServiceInUse)."""
    src = c.src
    if c.inst.host and c.inst.host != src.name:
        c.add(
            WARNING,
            "host-mismatch",
            "%s is on %s according to Nova, not on %s."
            % (c.p.label, c.inst.host, src.name),
            "Reload the data: the instance has moved since it was read.",
        )
    down = src.is_down
    if down is None:
        c.add(
            NOTE,
            "source-state-unknown",
            "Could not check whether the compute service of %s is up or down."
            % src.name,
            "Check `openstack compute service list --host %s`." % src.name,
        )
        return
    if c.kind is Kind.EVACUATE:
        if not down:
            c.add(
                BLOCKER,
                "source-still-up",
                "Compute service of %s is still in use: Nova evacuates only"
                " from a compute whose service is down or forced down."
                % src.name,
                "Make sure %s is really dead (fence or power it off), then"
                " force its service down (microversion 2.11+) or wait until"
                " Nova reports it down (service_down_time, 60 s by default)."
                % src.name,
            )
    elif down:
        c.add(
            BLOCKER,
            "source-down",
            "The compute service of %s (the source) is %s; %s needs a running "
            "source compute."
            % (
                src.name,
                "forced down" if src.forced_down else "down",
                KIND_TEXT[c.kind],
            ),
            "If %s has failed, evacuate its instances instead (section 5.9)."
            % src.name,
        )


@rule()
def rule_request_microversion(c):
    """Parameters that only some microversions accept."""
    mv, req = c.mv, c.req
    if c.kind is Kind.LIVE and c.block == AUTO and mv < BLOCK_MIGRATION_AUTO:
        c.add(
            BLOCKER,
            "block-auto-unsupported",
            "block_migration 'auto' needs microversion 2.25; this request"
            " uses %s."
            % str(mv),
            "Choose block migration true or false explicitly, or use"
            " microversion 2.25 or later.",
        )
    if req.force:
        if c.kind is Kind.COLD:
            c.add(
                BLOCKER,
                "force-unsupported",
                "Cold migration has no force option; the scheduler always"
                " checks the destination.",
                "Drop force.",
            )
        elif c.dst is None:
            c.add(
                BLOCKER,
                "force-needs-destination",
                "Can't force to a non-provided destination: force needs a"
                " destination host.",
                "Choose a destination or drop force.",
            )
        elif mv >= FORCE_REMOVED:
            c.add(
                BLOCKER,
                "force-removed",
                "force was removed in microversion 2.68; this request uses %s."
                % str(mv),
                "Drop force: the scheduler then verifies the chosen"
                " destination.",
            )
        elif (c.kind is Kind.LIVE and mv < LIVE_MIGRATE_FORCE) or mv < EVACUATE_FORCE:
            c.add(
                NOTE,
                "force-implicit",
                "At microversion %s a chosen destination is always forced; "
                "the force flag is not sent."
                % str(mv),
            )
    if c.kind is Kind.COLD and c.dst is not None and mv < COLD_MIGRATE_HOST:
        c.add(
            BLOCKER,
            "cold-host-needs-2.56",
            "Cold migration to a chosen host needs microversion 2.56; this"
            " request uses %s."
            % str(mv),
            "Let the scheduler choose, or use microversion 2.56 or later.",
        )
    if c.forced:
        c.add(
            NOTE,
            "forced-move",
            "Forced move to %s: the scheduler is bypassed, so its filters"
            " (server groups, NUMA, traits, disabled hosts) are not applied by"
            " Nova; only the capacity claim and the hypervisor checks remain."
            % c.dst.name,
            "The checks below matter all the more.",
        )


@rule(kinds=(Kind.COLD,))
def rule_cold_confirm(c):
    c.add(
        NOTE,
        "cold-needs-confirm",
        # No instance name: the same on every row, said once.
        "After the copy the instance waits in VERIFY_RESIZE on the new host"
        " until the migration is confirmed (or reverted); Nova does not"
        " confirm on its own unless resize_confirm_window is set.",
        "Confirm it once it works (section 5.5).",
    )


@rule()
def rule_specs_known(c):
    """Flavor extra specs and image properties drive half of the rules."""
    if not c.p.es_known:
        c.add(
            NOTE,
            "extra-specs-unknown",
            "Could not read the flavor extra specs of %s, so CPU pinning,"
            " NUMA, PCI, vGPU, vTPM and SEV were not checked."
            % c.p.label,
            "Read the servers with microversion 2.47 or later (embedded"
            " flavor).",
        )
    if not c.p.img_known:
        c.add(
            NOTE,
            "image-properties-unknown",
            "Could not read the image properties of %s, so image-defined NUMA,"
            " pinning, vTPM, SEV and machine type were not checked."
            % c.p.label,
            "Read the server with microversion 2.98 or the image from Glance.",
        )


@rule()
def rule_scheduler_chooses(c):
    if c.dst is not None:
        return
    c.add(
        NOTE,
        "scheduler-chooses",
        "No destination chosen: the scheduler will pick an enabled, up host"
        " with room that honours the server-group and NUMA rules. Capacity,"
        " CPU, hypervisor and destination-specific checks were not run here.",
        "Choose a destination to check it in advance.",
    )


RULES = (
    rule_instance_state,
    rule_source_service,
    rule_request_microversion,
    rule_cold_confirm,
    rule_specs_known,
    rule_scheduler_chooses,
)
