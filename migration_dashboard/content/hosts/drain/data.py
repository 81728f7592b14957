"""What the drain pages know, read from Nova (the source of truth).

The plugin keeps no state.  A drain is recognised by the disabled reason of
the host's compute service, which starts with :data:`PREFIX` and the UTC
time the drain began ("Drain since 2026-11-26T13:50:00Z: <reason>"); its
moves are the migration records of the host created since then.  Any
Horizon worker, any browser, any reload rebuilds the same drain from the
service list, the migration list and the server list.

Costs (constant, whatever the number of instances):

* plan: :func:`content.facts.gather` (services, hypervisors, the host's
  instances, server groups, ports, ONE Placement call, and every instance
  only when a server-group rule needs it) and the pure planner;
* submit: the plan again, then one Nova call per moving instance in the
  bounded pool of :mod:`hosts.instances.submit`;
* track: one service list, one migration list (since the drain began),
  one server list, and one read of the bytes per *running* live migration
  (Nova runs one per source compute at a time);
* a row refresh: the instance and its migrations (two calls), plus the
  bytes while it is a running live migration;
* move back: services, hypervisors, migrations of the host, every
  instance, server groups, ports, one Placement call, and the planner.
"""
import dataclasses
import datetime
import re
import time

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.api import microversions as mv
from migration_dashboard.api import neutron  # noqa: F401 (api.neutron)
from migration_dashboard.content import common
from migration_dashboard.content import facts as facts_mod
from migration_dashboard.content.hosts.instances import submit
from migration_dashboard.content.hosts.instances import tables as move_tables
from migration_dashboard.content.migrations import data as migrations_data
from migration_dashboard.core import maintenance
from migration_dashboard.core import planning
from migration_dashboard.core import preflight
from migration_dashboard.core import progress as core_progress

LIVE = move_tables.LIVE
COLD = move_tables.COLD
POLICY = LIVE + COLD
SERVICE_UPDATE = (("compute", "os_compute_api:os-services:update"),)

PREFIX = "Drain since "
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
_MARK_RE = re.compile(r"^Drain since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"
                      r"(?::\s?(.*))?$", re.S)
# Records created this long before the marker still count (clocks of
# Horizon and of Nova's database may differ slightly).
CLOCK_SKEW = datetime.timedelta(seconds=5)

# Values of the per-row strategy field.
AUTO = ""
EXCLUDE = "exclude"
STRATEGY_CHOICES = (
    (AUTO, _("Planner's choice")),
    (planning.Strategy.LIVE.value, _("Live")),
    (planning.Strategy.LIVE_BLOCK.value, _("Live, block migration")),
    (planning.Strategy.COLD.value, _("Cold")),
    (EXCLUDE, _("Exclude (leave it here)")),
)
DEFAULT = ""  # per-row destination: the plan's default

_CSS = {preflight.BLOCKER: "danger", preflight.WARNING: "warning",
        preflight.NOTE: "info"}

# Tracking states.
WAITING = "waiting"
MIGRATING = "migrating"
CONFIRM = "confirm"
DONE = "done"
FAILED = "failed"
GONE = "gone"
STATE_TEXT = {
    WAITING: _("Waiting"), MIGRATING: _("Migrating"),
    CONFIRM: _("Needs confirm"), DONE: _("Done"), FAILED: _("Failed"),
    GONE: _("Gone"),
}

# Submission outcomes.
ACCEPTED = "accepted"
REFUSED = "refused"
NOT_SENT = "blocked"
EXCLUDED = "excluded"
NOTHING = "nothing"
OUTCOME_TEXT = {
    ACCEPTED: _("Accepted by Nova"), REFUSED: _("Refused by Nova"),
    NOT_SENT: _("Blocked: not sent"), EXCLUDED: _("Excluded"),
    NOTHING: _("Nothing to do"),
}

DRAIN = "drain"
BACK = "back"

# Task states Nova's API sets before it hands a move to nova-conductor.
_MOVE_TASKS = ("migrating", "resize_prep")


# ---------------------------------------------------------------- marker

def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(
        microsecond=0)


def stamp(when):
    return when.astimezone(datetime.timezone.utc).strftime(_STAMP)


def parse_since(text):
    """An aware UTC datetime from "YYYY-MM-DDTHH:MM:SSZ"; None otherwise
    (bad input from a URL is ignored, never a 500)."""
    try:
        return datetime.datetime.strptime(str(text or ""), _STAMP).replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def parse_marker(disabled_reason):
    """(since, the operator's reason) of a drain's disabled reason;
    (None, reason) when it is not one."""
    match = _MARK_RE.match(disabled_reason or "")
    if not match:
        return None, disabled_reason or ""
    return parse_since(match.group(1)), match.group(2) or ""


def drain_reason(reason, when=None):
    """The disabled reason that marks a drain started at ``when``."""
    _since, reason = parse_marker(reason)
    text = PREFIX + stamp(when or now())
    if reason:
        text += ": " + reason.strip()
    return text[:maintenance.MAX_REASON_LENGTH]


def service_of(request, host):
    """The nova-compute service of ``host`` (None when there is none)."""
    for service in api.nova.service_list(request, host=host):
        if service.host == host:
            return service
    return None


def ensure_marker(request, host, service=None, reason=""):
    """Disable ``host`` with the drain marker unless its reason already
    carries one; returns when the drain began."""
    service = service or service_of(request, host)
    if service is not None and service.status == "disabled":
        since, old = parse_marker(service.disabled_reason)
        if since is not None:
            return since
        reason = reason or old
    when = now()
    api.nova.service_disable(request, host, drain_reason(reason, when))
    return when


# --------------------------------------------------------------- planning

def plan_microversion(facts):
    """The microversion the plan is checked at: the cloud's, capped at
    what the live migration call uses (cold asks for less)."""
    cloud = facts.microversion or mv.LIVE_MIGRATE
    if preflight.parse_microversion(cloud) < \
            preflight.parse_microversion(mv.LIVE_MIGRATE):
        return cloud
    return mv.LIVE_MIGRATE


def planning_hosts(facts):
    """Every host as the planner wants it: a host Placement says cannot
    take even the smallest instance has no room (not "unknown")."""
    out = []
    for name, host in sorted(facts.hosts.items()):
        if name in facts.no_room:
            host = dataclasses.replace(host, free_vcpus=0, free_ram_mb=0,
                                       free_disk_gb=0)
        out.append(host)
    return out


def gather(request, host):
    """content.facts.gather for every instance of ``host``."""
    return facts_mod.gather(request, host)


def make_plan(facts, overrides=None, default_destination=None):
    options = planning.PlanOptions(
        microversion=plan_microversion(facts),
        default_destination=default_destination or None,
        overrides=dict(overrides or {}))
    return planning.plan_drain(facts.source, facts.instances,
                               planning_hosts(facts), options)


def parse_choices(data, instance_ids, hosts, source):
    """(overrides, default destination, errors) from the plan form.

    ``data`` is the POST (or GET) QueryDict: ``default_destination``,
    ``strategy__<id>`` and ``dest__<id>``.  Unknown values are errors
    (shown) and ignored, never a 500."""
    errors = []
    valid_hosts = set(hosts) - {source}
    default = data.get("default_destination") or None
    if default in (planning.SCHEDULER,):
        default = None
    if default is not None and default not in valid_hosts:
        errors.append(_("Unknown destination %s ignored: the scheduler "
                        "chooses.") % default)
        default = None
    overrides = {}
    for iid in instance_ids:
        raw_strategy = data.get("strategy__" + iid, AUTO) or AUTO
        raw_dest = data.get("dest__" + iid, DEFAULT) or DEFAULT
        strategy, exclude, destination = None, False, None
        if raw_strategy == EXCLUDE:
            exclude = True
        elif raw_strategy != AUTO:
            try:
                strategy = planning.Strategy(raw_strategy)
            except ValueError:
                strategy = None
            if strategy not in planning.MOVING:
                errors.append(_("Unknown strategy %s ignored.")
                              % raw_strategy)
                strategy = None
        if raw_dest == planning.SCHEDULER:
            destination = planning.SCHEDULER
        elif raw_dest != DEFAULT:
            if raw_dest in valid_hosts:
                destination = raw_dest
            else:
                errors.append(_("Unknown destination %s ignored.")
                              % raw_dest)
        if strategy or exclude or destination:
            overrides[iid] = planning.Override(
                strategy=strategy, destination=destination, exclude=exclude)
    return overrides, default, errors


def _finding(f):
    return {"severity": f.severity.label, "css": _CSS[f.severity],
            "code": f.code, "message": f.message, "remedy": f.remedy}


def plan_context(plan, hosts, source, overrides=None, default=None):
    """What _plan.html shows: rows with their choices, the summary and the
    plan's findings."""
    overrides = overrides or {}
    rows = []
    warnings = 0
    for row in plan.rows:
        items = [_finding(f) for f in row.findings]
        if row.moves:
            warnings += sum(1 for f in row.findings
                            if f.severity is preflight.WARNING)
        o = overrides.get(row.instance_id)
        chosen_strategy = AUTO
        chosen_dest = DEFAULT
        if o is not None:
            if o.exclude:
                chosen_strategy = EXCLUDE
            elif o.strategy is not None:
                chosen_strategy = o.strategy.value
            if o.destination:
                chosen_dest = o.destination
        rows.append({
            "id": row.instance_id, "name": row.name or row.instance_id,
            "status": row.status, "strategy": row.strategy.value,
            "strategy_label": row.strategy.label,
            "destination": row.destination,
            "expected_host": row.expected_host,
            "why": row.why, "findings": items,
            "moves": row.moves, "position": row.position,
            "blocked": row.strategy is planning.Strategy.BLOCKED,
            "chosen_strategy": chosen_strategy, "chosen_dest": chosen_dest,
            "ram_mb": row.ram_mb, "vcpus": row.vcpus,
            "disk_gb": row.disk_gb,
        })
    counts = [(s.label, plan.counts.get(s, 0)) for s in planning.Strategy
              if plan.counts.get(s, 0)]
    warnings += sum(1 for f in plan.findings
                    if f.severity is preflight.WARNING)
    blockers = sum(1 for f in plan.findings
                   if f.severity is preflight.BLOCKER)
    return {
        "plan": plan, "plan_rows": rows, "plan_counts": counts,
        "plan_findings": [_finding(f) for f in plan.findings],
        "plan_warnings": warnings, "plan_blockers": blockers,
        "moving": len(plan.order),
        "destination_hosts": sorted(h for h in hosts if h != source),
        "strategy_choices": STRATEGY_CHOICES,
        "scheduler_value": planning.SCHEDULER,
        "default_destination": default or "",
    }


# ----------------------------------------------------------------- submit

@dataclasses.dataclass
class ResultRow:
    """One instance of the submission's result table."""
    id: str
    name: str = ""
    strategy: str = ""
    destination: str = None  # None: the scheduler
    outcome: str = ""
    reason: str = ""

    @property
    def ok(self):
        return self.outcome == ACCEPTED


def submit_plan(request, plan):
    """One Nova call per moving row, in plan order, through the bounded
    pool; every row of the plan gets a ResultRow."""
    by_id = {r.instance_id: r for r in plan.rows}

    def call(instance_id):
        row = by_id[instance_id]
        if row.strategy is planning.Strategy.COLD:
            api.nova.server_migrate(request, instance_id,
                                    host=row.destination)
        else:
            api.nova.server_live_migrate(
                request, instance_id, host=row.destination,
                block_migration=(row.block_migration
                                 if row.block_migration is not None
                                 else "auto"))

    results = {}
    if plan.order:
        # Build the client (and learn the cloud's version) once, here,
        # before the pool's threads share it.
        api.nova.compute_microversion(request)
        # Rows only a few hosts can take (their traits) go first, and the
        # rest only once the scheduler has placed them: Nova answers a move
        # at once and schedules it later, so sending everything together
        # lets unrestricted instances fill those few hosts first ("No
        # valid host" for the restricted one, seen on the demo cloud).
        first = [i for i in plan.order if by_id[i].restricted]
        rest = [i for i in plan.order if not by_id[i].restricted]
        sent_at = common.utcnow() - CLOCK_SKEW
        results = dict(submit.run(first, call))
        placed = [i for i in first if results.get(i) is None]
        if placed and rest:
            wait_until_scheduled(request, placed, sent_at)
        results.update(submit.run(rest, call))
    out = []
    for row in plan.rows:
        r = ResultRow(id=row.instance_id, name=row.name or row.instance_id,
                      strategy=row.strategy.label,
                      destination=row.destination)
        if row.moves:
            exc = results.get(row.instance_id)
            if exc is None:
                r.outcome = ACCEPTED
            else:
                r.outcome = REFUSED
                r.reason = str(submit.explain(exc))
        elif row.strategy is planning.Strategy.BLOCKED:
            r.outcome = NOT_SENT
            r.reason = "; ".join(f.message for f in row.blockers) or row.why
        elif row.strategy is planning.Strategy.SKIPPED:
            r.outcome = EXCLUDED
        else:
            r.outcome = NOTHING
            r.reason = row.why
        out.append(r)
    return out


# How long the submit waits for the scheduler to place the host-restricted
# moves before sending the others anyway (seconds; setting
# MIGRATION_DASHBOARD_SCHEDULE_WAIT).
SCHEDULE_WAIT = 60
SCHEDULE_POLL = 1.0


def wait_until_scheduled(request, instance_ids, since, sleep=time.sleep,
                         clock=time.monotonic):
    """Wait until Nova has chosen a destination (the record's
    dest_compute, set once the scheduler has claimed the room) or given up
    (error/failed) for the newest move of each instance changed ``since``
    (a datetime: older records say nothing of this move), at most
    SCHEDULE_WAIT seconds.  One migrations call per instance and poll; a
    read that fails stops waiting (the moves are sent, the drain status
    tells what became of them).  Returns the ids still unplaced."""
    limit = getattr(settings, "MIGRATION_DASHBOARD_SCHEDULE_WAIT",
                    SCHEDULE_WAIT)
    deadline = clock() + limit
    waiting = list(instance_ids)
    while waiting:
        still = []
        for instance_id in waiting:
            try:
                records = api.nova.migration_list(
                    request, instance_id=instance_id, limit=1,
                    changes_since=since.isoformat())
            except Exception:
                return waiting
            newest = records[0] if records else None
            if newest is None or not (
                    newest.dest_compute or
                    (newest.status or "").lower() in ("error", "failed")):
                still.append(instance_id)
        waiting = still
        if not waiting or clock() >= deadline:
            break
        sleep(SCHEDULE_POLL)
    return waiting


def result_summary(rows):
    counts = {}
    for r in rows:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return [(OUTCOME_TEXT[k], counts[k]) for k in
            (ACCEPTED, REFUSED, NOT_SENT, EXCLUDED, NOTHING) if k in counts]


# --------------------------------------------------------------- tracking

@dataclasses.dataclass
class TrackRow:
    """One instance of the drain (or move back) status table."""
    id: str
    name: str = ""
    state: str = WAITING
    reason: str = ""
    status: str = None  # the instance's status now
    task_state: str = None
    host: str = None  # where it is now
    migration_id: object = None
    migration_type: str = None
    migration_status: str = None
    migration_source: str = None
    migration_dest: str = None
    created_at: str = None
    progress: object = None  # core.progress.Progress while running
    progress_text: str = ""
    progress_error: str = None

    @property
    def in_flight(self):
        return self.state in (WAITING, MIGRATING)

    @property
    def instance_id(self):
        return self.id


def _record_time(record):
    return migrations_data.parse_time(record.created_at)


def drain_records(migrations, host, since, direction=DRAIN):
    """{instance id: newest move record} leaving ``host`` (drain) or
    arriving on it (back), created since ``since`` (None: every one)."""
    out = {}
    cutoff = since - CLOCK_SKEW if since is not None else None
    for mig in migrations:  # newest first
        if (mig.migration_type or "") not in planning.MOVE_TYPES:
            continue
        if direction == DRAIN and mig.source_compute != host:
            continue
        if direction == BACK and mig.dest_compute != host:
            continue
        created = _record_time(mig)
        if cutoff is not None and (created is None or created < cutoff):
            continue
        old = out.get(mig.instance_id)
        if old is None or (_record_time(old) or created) < created or \
                (_record_time(old) == created and
                 int(mig.id or 0) > int(old.id or 0)):
            out[mig.instance_id] = mig
    return out


def _lost_for(inst, mig, now=None):
    """Seconds a move request has shown no sign of life when it looks lost
    on its way to nova-conductor, else None: the instance still carries
    the task the API set, and either no move of it is under way or its
    record never left `accepted`, for longer than
    common.stall_seconds()."""
    if inst is None or inst.task_state not in _MOVE_TASKS:
        return None
    moving = mig is not None and core_progress.is_in_progress(
        mig.status, mig.migration_type)
    if moving and (mig.status or "").lower() != "accepted":
        return None
    last = migrations_data.parse_time(inst.updated)
    if moving:
        last = max(filter(None, (last, migrations_data.parse_time(
            mig.updated_at) or migrations_data.parse_time(mig.created_at))),
            default=None)
    return common.stalled_for(last, now)


def classify(row, inst, mig, host, direction=DRAIN, now=None):
    """Fill ``row``'s state and reason from the instance and its newest
    record (either may be None)."""
    if mig is not None:
        row.migration_id = mig.id
        row.migration_type = mig.migration_type
        row.migration_status = mig.status
        row.migration_source = mig.source_compute
        row.migration_dest = mig.dest_compute
        row.created_at = mig.created_at
    if inst is None:
        row.state = GONE
        row.reason = str(_("The instance no longer exists (deleted?)."))
        return row
    row.name = inst.name or row.name or inst.id
    row.status = inst.status
    row.task_state = inst.task_state
    row.host = inst.host
    status = (mig.status or "").lower() if mig is not None else ""
    arrived = (inst.host != host) if direction == DRAIN else \
        (inst.host == host)
    if inst.status == "VERIFY_RESIZE" or status == "finished":
        row.state = CONFIRM
        row.reason = str(_("On %s: check it, then confirm (or revert).")
                         % (inst.host or row.migration_dest or "?"))
        return row
    lost = _lost_for(inst, mig, now)
    if lost is not None:
        # Nothing will ever happen to it: say so, rather than "Migrating"
        # for ever.
        row.state = FAILED
        row.reason = str(_(
            "Stalled: Nova accepted the move %(age)s ago "
            "and %(what)s since; the request was lost (was nova-conductor "
            "restarted?) and Nova will not retry it. It stays on %(host)s "
            "in task '%(task)s': reset its state (openstack server set "
            "--state active %(id)s), then plan the drain again.") % {
                "age": common.age_text(lost), "host": inst.host or "?",
                "task": inst.task_state, "id": inst.id,
                "what": (_("its record is still '%s'") % mig.status
                         if mig is not None and core_progress.is_in_progress(
                             mig.status, mig.migration_type)
                         else _("no migration has started"))})
        return row
    if mig is not None and core_progress.is_in_progress(
            mig.status, mig.migration_type):
        row.state = MIGRATING
        row.reason = str(_("%(type)s %(status)s") % {
            "type": mig.migration_type, "status": mig.status})
        return row
    if arrived and inst.host:
        row.state = DONE
        row.reason = str(_("Now on %s.") % inst.host)
        if status in ("failed", "error", "cancelled"):
            row.reason += " " + str(_("(its last record %s)") % status)
        return row
    if inst.task_state:
        row.state = MIGRATING
        row.reason = str(_("Task: %s") % inst.task_state)
        return row
    if status in ("failed", "error", "cancelled"):
        row.state = FAILED
        row.reason = str(_("Migration %(status)s; still on %(host)s.") % {
            "status": status, "host": inst.host or "?"})
        if inst.fault:
            row.reason += " " + inst.fault
        else:
            # Nova keeps a live instance's failure reason in its action
            # events, not in its fault; reading them here would cost calls
            # per failed row, so point at the record's page, which shows them.
            row.reason += " " + str(_("Nova's reason: open the migration "
                                      "record."))
        return row
    row.state = WAITING
    if status == "reverted":
        row.reason = str(_("Reverted: back on %s.") % inst.host)
    elif status:
        row.reason = str(_("Last record %(status)s; on %(host)s.") % {
            "status": status, "host": inst.host or "?"})
    else:
        row.reason = str(_("Not moved yet (queued, not submitted or "
                           "excluded)."))
    if inst.status not in ("ACTIVE", "SHUTOFF", "PAUSED"):
        row.reason += " " + str(_("Status %s.") % inst.status)
    return row


def attach_progress(request, row, mig):
    """Bytes of a running live migration (one call), via the Migrations
    panel's progress arithmetic."""
    if mig is None or row.state != MIGRATING:
        return row
    if core_progress.family(mig.migration_type) != "live" or \
            (mig.status or "").lower() not in ("running", "preparing",
                                               "post-migrating"):
        return row
    mrow = migrations_data.MigrationRow(mig)
    migrations_data.attach_progress(request, mrow)
    row.progress = mrow.progress
    row.progress_error = mrow.progress_error
    row.progress_text = str(mrow.progress_text or "")
    return row


@dataclasses.dataclass
class Tracking:
    host: str
    direction: str
    since: object  # datetime or None
    service: object  # api Service or None
    rows: list
    on_host: list  # names of the instances Nova lists on the host now
    error: str = None

    @property
    def host_empty(self):
        return self.direction == DRAIN and self.error is None and \
            not self.on_host

    def count(self, state):
        return sum(1 for r in self.rows if r.state == state)

    @property
    def summary(self):
        return [(state, STATE_TEXT[state], self.count(state))
                for state in (DONE, MIGRATING, CONFIRM, WAITING, FAILED,
                              GONE)]

    @property
    def in_flight(self):
        return any(r.in_flight or r.state == CONFIRM for r in self.rows)


def _migrations_since(request, host, since):
    kwargs = {"host": host}
    if since is not None:
        kwargs["changes_since"] = stamp(since - CLOCK_SKEW)
    return api.nova.migration_list(request, **kwargs)


def track(request, host, direction=DRAIN, since=None):
    """Every instance of the drain (or of the move back) with its state,
    from three Nova lists.  For a drain ``since`` defaults to the marker of
    the host's disabled reason."""
    service = service_of(request, host)
    if direction == DRAIN and since is None and service is not None:
        since, _reason = parse_marker(service.disabled_reason)
    migrations = _migrations_since(request, host, since)
    records = drain_records(migrations, host, since, direction)
    if since is None:
        # No drain marker (or no start time): only the moves under way,
        # not every move the host ever saw.
        records = {i: m for i, m in records.items()
                   if core_progress.is_in_progress(m.status,
                                                   m.migration_type)}
    instances = {i.id: i for i in api.nova.instance_list(request)}
    on_host = sorted((i for i in instances.values() if i.host == host),
                     key=lambda i: (i.name or "", i.id))
    ids = list(records)
    if direction == DRAIN:
        ids += [i.id for i in on_host if i.id not in records]
    rows = []
    for iid in ids:
        inst = instances.get(iid)
        mig = records.get(iid)
        row = classify(TrackRow(id=iid), inst, mig, host, direction)
        attach_progress(request, row, mig)
        rows.append(row)
    order = {FAILED: 0, CONFIRM: 1, MIGRATING: 2, WAITING: 3, GONE: 4,
             DONE: 5}
    rows.sort(key=lambda r: (order[r.state], r.name or r.id))
    return Tracking(host=host, direction=direction, since=since,
                    service=service, rows=rows,
                    on_host=[i.name or i.id for i in on_host])


def row_update(request, host, instance_id, direction=DRAIN, since=None):
    """One row again (ajax refresh): the instance and its migrations."""
    row = TrackRow(id=instance_id)
    try:
        inst = api.nova.instance_get(request, instance_id)
    except nova_exceptions.NotFound:
        inst = None
    migs = api.nova.migration_list(request, instance_id=instance_id)
    mig = drain_records(migs, host, since, direction).get(instance_id)
    if since is None and mig is not None and \
            not core_progress.is_in_progress(mig.status, mig.migration_type):
        mig = None  # as track(): without a start, only moves under way
    classify(row, inst, mig, host, direction)
    return attach_progress(request, row, mig)


# -------------------------------------------------------------- move back

@dataclasses.dataclass
class BackFacts:
    target: preflight.Host
    hosts: dict
    instances: list
    migrations: list
    microversion: str
    notes: list


def gather_back(request, host, since):
    """What the move-back planner needs, with the conversions of
    content.facts: every call a whole list (constant number)."""
    services = api.nova.service_list(request)
    notes = []
    try:
        hypervisors = api.nova.hypervisor_list(request)
    except Exception as exc:
        hypervisors = []
        notes.append(_("Could not read the hypervisors: %s")
                     % common.error_reason(exc))
    summaries = {s.host: s
                 for s in maintenance.summarize(services, hypervisors)}
    migrations = _migrations_since(request, host, since)
    left = drain_records(migrations, host, since, DRAIN)
    everyone = api.nova.instance_list(request)
    by_id = {i.id: i for i in everyone}
    wanted = [i for i in left if i in by_id]
    microversion = api.nova.compute_microversion(request)
    groups = None
    try:
        groups = facts_mod.groups_by_member(
            api.nova.server_group_list(request))
    except Exception as exc:
        notes.append(_("Could not read the server groups: %s")
                     % common.error_reason(exc))
    vnics = None
    if wanted:
        try:
            vnics = api.neutron.port_vnic_types(request, wanted)
        except Exception as exc:
            notes.append(_("Could not read the ports from Neutron: %s")
                         % common.error_reason(exc))
    instances = [facts_mod.to_instance(by_id[i], groups, vnics)
                 for i in wanted]
    placement = None
    if instances:
        try:
            placement = api.placement.allocation_candidates(
                request, facts_mod.smallest_request(instances))
        except Exception as exc:
            notes.append(_("Could not read capacity from Placement: %s")
                         % common.error_reason(exc))
    ids_by_host = {}
    for inst in everyone:
        ids_by_host.setdefault(inst.host, set()).add(inst.id)
    hosts = {}
    for name, summary in summaries.items():
        if placement is not None:
            capacity = facts_mod.capacity_from_placement(
                placement, summary.node_ids) or {
                    "VCPU": 0, "PCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0,
                    "traits": None}
        else:
            capacity = facts_mod.capacity_from_hypervisor(summary)
        hosts[name] = facts_mod.to_host(summary, capacity,
                                        ids_by_host.get(name, set()))
    target = hosts.get(host) or preflight.Host(
        name=host, status=None, state=None, forced_down=None)
    return BackFacts(target=target, hosts=hosts, instances=instances,
                     migrations=migrations, microversion=microversion,
                     notes=notes)


def make_move_back(back, since, overrides=None, enable_first=True):
    """The move-back plan; with ``enable_first`` the host is planned as
    enabled (it is enabled just before the moves are submitted: Nova's
    scheduler places nothing on a disabled host)."""
    target = back.target
    if enable_first and target.status == "disabled":
        target = dataclasses.replace(target, status="enabled",
                                     disabled_reason=None)
    hosts = [h for n, h in sorted(back.hosts.items()) if n != target.name]
    cloud = back.microversion or mv.LIVE_MIGRATE
    version = cloud if preflight.parse_microversion(cloud) < \
        preflight.parse_microversion(mv.LIVE_MIGRATE) else mv.LIVE_MIGRATE
    options = planning.PlanOptions(microversion=version,
                                   overrides=dict(overrides or {}))
    cutoff = since - CLOCK_SKEW if since is not None else None
    return planning.move_back_plan(target, back.instances, back.migrations,
                                   hosts, options, since=cutoff)
