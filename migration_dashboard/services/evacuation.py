"""An evacuation, read from Nova (the source of truth).

Facts for the pre-flight engine come from :mod:`services.gather` (services,
hypervisors, instances, server groups, ports, ONE Placement
allocation-candidates call).  This module adds what is particular to
evacuation: the microversion that decides the final state, the destination
picker, the "what will happen" summary, the bounded submission and the rows
of the result / status table.
"""
import dataclasses
import shlex

from django.utils.translation import gettext_lazy as _

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv
from migration_dashboard.core import preflight
from migration_dashboard.services import instance_rows
from migration_dashboard.services import stall
from migration_dashboard.services import submit

EVACUATE = preflight.Kind.EVACUATE

# Evacuation migration statuses (nova/objects/migration.py, compute/api.py
# and compute/manager.py): accepted -> pre-migrating -> done, then
# completed once the source compute restarts; failed or error otherwise.
IN_FLIGHT = ("accepted", "pre-migrating")
REBUILT = ("done", "completed")
FAILED = ("failed", "error")

# Outcome of the request for one instance.
ACCEPTED = "accepted"
REFUSED = "refused"
NOT_SENT = "not sent"
NOT_MOVED = "not moved"  # status page: still on the failed host

# Findings the "what will happen" summary counts, by code.
_DATA_LOST = ("evacuate-local-data-lost",)
_DISK_KEPT = ("evacuate-disk-kept",)
_CANNOT = ("vtpm-evacuate", "shares", "state-not-allowed", "verify-resize",
           "task-in-progress", "accel-device-profile", "port-accelerator")


# --------------------------------------------------------------- facts

def call_microversion(cloud_version, keep_state=False):
    """The microversion instance_evacuate uses: 2.95 (or 2.94 to keep the
    state), or the cloud's maximum when lower."""
    return mv.capped(mv.EVACUATE_KEEP_STATE if keep_state else mv.EVACUATE,
                     cloud_version)


def offers_final_state(cloud_version):
    """Whether the cloud lets the operator pick the final state: only by
    the microversion (2.95 lands SHUTOFF, 2.94 keeps the state); 2.95 has
    no parameter for it."""
    return mv.at_least(cloud_version or mv.BASE, mv.EVACUATE)


def outcome_summary(facts, results, microversion):
    """What will happen, in numbers, from the engine's findings."""
    lost, kept, blocked = [], [], []
    for inst in facts.instances:
        codes = {f.code for f in results.get(inst.id, [])}
        if codes & set(_CANNOT) or preflight.has_blockers(
                results.get(inst.id, [])):
            blocked.append(inst.label)
        if codes & set(_DATA_LOST):
            lost.append(inst.label)
        elif codes & set(_DISK_KEPT):
            kept.append(inst.label)
    return {
        "total": len(facts.instances),
        "data_lost": lost, "disk_kept": kept, "blocked": blocked,
        "lands_shutoff": mv.at_least(microversion, mv.EVACUATE),
        "microversion": microversion,
    }


@dataclasses.dataclass
class Destination:
    name: str
    usable: bool
    reasons: list
    free_vcpus: object = None
    free_ram_mb: object = None
    free_disk_gb: object = None
    fits: int = 0  # instances with no blocker of their own there


def destinations(facts, baseline=None):
    """Every other host as a Destination: usable when its service is up
    and enabled and Nova could place at least one of the instances there;
    the reasons name the blockers the destination adds to the instances'
    own (so a vTPM instance does not grey out every host)."""
    if baseline is None:
        baseline = facts.check(EVACUATE, None)
    out = []
    for host in facts.destinations():
        reasons = []
        if host.is_down is not False:
            reasons.append(_("its compute service is %s") % (
                _("forced down") if host.forced_down else
                (host.state or _("in an unknown state"))))
        if host.status != "enabled":
            reasons.append(_("it is disabled (%s)") % (
                host.disabled_reason or _("no reason given")))
        fits = 0
        if not reasons:
            results = facts.check(EVACUATE, host.name)
            for inst in facts.instances:
                own = {f.code for f in baseline.get(inst.id, [])
                       if f.severity is preflight.BLOCKER}
                extra = [f for f in results.get(inst.id, [])
                         if f.severity is preflight.BLOCKER and
                         f.code not in own]
                if not own and not extra:
                    fits += 1
                for f in extra:
                    if f.message not in reasons:
                        reasons.append(f.message)
            usable = fits > 0
            if not usable and not reasons:
                # Nothing about this host: the instances are blocked
                # wherever they go (e.g. their source is still up).
                reasons.append(_own_blockers(facts, baseline))
        else:
            usable = False
        out.append(Destination(
            name=host.name, usable=usable, reasons=reasons,
            free_vcpus=host.free_vcpus, free_ram_mb=host.free_ram_mb,
            free_disk_gb=host.free_disk_gb, fits=fits))
    out.sort(key=lambda d: (not d.usable, d.name))
    return out


def _own_blockers(facts, baseline):
    """Why no instance fits a host that adds no blocker of its own."""
    if not facts.instances:
        return _("there is no instance to evacuate.")
    messages = []
    for inst in facts.instances:
        for f in baseline.get(inst.id, []):
            if f.severity is preflight.BLOCKER and \
                    str(f.message) not in messages:
                messages.append(str(f.message))
    return _("not this host: no instance can be evacuated anywhere "
             "(%s)") % " ".join(messages)


def cli_commands(facts, ids, destination, microversion, with_password):
    """The `openstack` commands equivalent to what will be submitted."""
    lines = []
    for inst in facts.instances:
        if inst.id not in ids:
            continue
        parts = ["openstack", "--os-compute-api-version", microversion,
                 "server", "evacuate"]
        if destination:
            parts += ["--host", destination]
        if with_password:
            parts += ["--password", "<password>"]
        parts.append(inst.id)
        lines.append(" ".join(shlex.quote(str(p)) for p in parts))
    return "\n".join(lines)


# -------------------------------------------------------------- submit

def submit_all(request, ids, destination, passwords, keep_state):
    """One evacuate call per instance in a bounded thread pool.

    ``passwords`` is {instance id: password or None}.  Returns
    {instance id: (exception or None, password Nova returned or None)}.
    """
    returned = {}

    def call(instance_id):
        returned[instance_id] = api.nova.instance_evacuate(
            request, instance_id, host=destination or None,
            password=passwords.get(instance_id), keep_state=keep_state)

    # Build the client (and learn the cloud's versions) once, in this
    # thread, before the pool shares it.
    api.nova.evacuate_microversion(request, keep_state)
    return {i: (exc, returned.get(i))
            for i, exc in submit.run(ids, call)}


# ---------------------------------------------------------------- rows

@dataclasses.dataclass
class Row(instance_rows.Row):
    """One instance in the result / status table."""
    outcome: str = ""
    requested_host: str = None  # None: the scheduler
    password: str = None  # shown once, on the result page only
    fault: str = None
    stalled: bool = False

    @property
    def in_flight(self):
        return (self.outcome == ACCEPTED and not self.stalled and
                (self.migration_status or "accepted") in IN_FLIGHT)

    @property
    def progress(self):
        """in flight | rebuilt | failed | stalled | not moved (the status
        column)."""
        if self.outcome in (REFUSED, NOT_SENT, NOT_MOVED):
            return "not moved"
        status = self.migration_status or ""
        if status in FAILED:
            return "failed"
        if status in REBUILT:
            return "rebuilt"
        if self.stalled:
            return "stalled"
        return "in flight"


def newest_evacuations(migrations, source):
    """{instance id: newest evacuation record from ``source``}."""
    out = {}
    for mig in migrations:  # newest first
        if (mig.migration_type or "") != "evacuation":
            continue
        if mig.source_compute != source:
            continue
        out.setdefault(mig.instance_id, mig)
    return out


def apply_migration(row, mig):
    if mig is None:
        return row
    row.migration_id = mig.id
    row.migration_status = mig.status
    row.migration_dest = mig.dest_compute
    row.created_at = mig.created_at
    return row


def apply_instance(row, inst):
    if inst is None:
        return row
    row.name = inst.name or row.name
    row.status = inst.status
    row.host = inst.host
    row.fault = inst.fault
    row.task_state = inst.task_state
    return row


def mark_stalled(row, mig, host, now=None):
    """Flag ``row`` when its evacuation has sat in `accepted` or
    `pre-migrating` past stall.stall_seconds() while the instance is still
    on ``host``, and say what to do (Nova will not retry it)."""
    if mig is None or mig.status not in IN_FLIGHT or row.host != host:
        return row
    age = stall.stalled_for(
        base.parse_time(mig.updated_at) or base.parse_time(mig.created_at),
        now)
    if age is None:
        return row
    row.stalled = True
    row.reason = _(
        "Nova accepted this evacuation %(age)s ago and its "
        "record is still '%(status)s': the request was lost (was "
        "nova-conductor restarted?) and Nova will not retry it. The "
        "instance stays on %(host)s in task '%(task)s'. To retry, reset "
        "its state (openstack server set --state error %(id)s) and "
        "evacuate it again.") % {
            "age": stall.age_text(age), "status": mig.status, "host": host,
            "task": row.task_state or "-", "id": row.id}
    return row


def status_rows(request, host, limit=200):
    """The status page: every instance still on ``host`` and every instance
    evacuated from it (newest record each), from two Nova lists and the
    instance list."""
    migrations = api.nova.migration_list(request, host=host,
                                         migration_type="evacuation",
                                         limit=limit)
    records = newest_evacuations(migrations, host)
    instances = {i.id: i for i in api.nova.instance_list(request)}
    rows = []
    for inst in instances.values():
        if inst.host == host:
            mig = records.get(inst.id)
            if mig is not None and mig.status in IN_FLIGHT:
                row = Row(id=inst.id, outcome=ACCEPTED)
            elif mig is not None and mig.status in FAILED:
                # Tried and failed: say so (with the instance's fault),
                # rather than "not moved" as if never asked.
                row = Row(id=inst.id, outcome=ACCEPTED, reason=_(
                    "Evacuation %(status)s; still on %(host)s.") % {
                        "status": mig.status, "host": host})
            else:
                row = Row(id=inst.id, outcome=NOT_MOVED,
                          reason=_("Still on %s.") % host)
                mig = None
            row = apply_migration(apply_instance(row, inst), mig)
            rows.append(mark_stalled(row, mig, host))
    seen = {r.id for r in rows}
    for instance_id, mig in records.items():
        if instance_id in seen:
            continue
        row = Row(id=instance_id, outcome=ACCEPTED,
                  requested_host=None)
        inst = instances.get(instance_id)
        if inst is None:
            row.reason = _("The instance no longer exists.")
        rows.append(apply_migration(apply_instance(row, inst), mig))
    rows.sort(key=lambda r: (r.progress != "not moved",
                             -(int(r.migration_id or 0)), r.name or r.id))
    return rows


def row_update(request, host, instance_id, outcome=ACCEPTED,
               requested_host=None):
    """One row again (ajax refresh): the instance and its newest evacuation
    record from ``host`` (two calls)."""
    row = Row(id=instance_id, outcome=outcome, requested_host=requested_host)
    try:
        apply_instance(row, api.nova.instance_get(request, instance_id))
    except Exception as exc:
        row.reason = base.error_reason(exc)
    migrations = api.nova.migration_list(request, instance_id=instance_id,
                                         migration_type="evacuation")
    mig = newest_evacuations(migrations, host).get(instance_id)
    apply_migration(row, mig)
    return mark_stalled(row, mig, host)


# ------------------------------------------------------------ force up

def explain_force_up(exc, host):
    """Nova's refusal to force ``host`` up while `done` evacuation records
    remain, with what to do.  Returns ``exc`` (its message extended) so
    that the caller re-raises it unchanged otherwise."""
    reason = base.error_reason(exc)
    if "evacuation" not in reason.lower():
        return exc
    exc.message = "%s %s" % (reason, _(
        "The instances of %(host)s were evacuated: start its nova-compute "
        "service first. On start it cleans up the evacuated instances and "
        "marks the evacuation records 'completed'; then force it up, then "
        "Enable it.") % {"host": host})
    return exc
