"""A host drain, read from Nova (the source of truth): its marker, its
plan, its submission and the move back.

The plugin keeps no state.  A drain is recognised by the disabled reason of
the host's compute service, which starts with :data:`PREFIX` and the UTC
time the drain began ("Drain since 2026-11-26T13:50:00Z: <reason>"); its
moves are the migration records of the host created since then.  Any
Horizon worker, any browser, any reload rebuilds the same drain from the
service list, the migration list and the server list (see
:mod:`services.drain_tracking` for the status).

Costs (constant, whatever the number of instances):

* plan: :func:`services.gather.gather` (services, hypervisors, the host's
  instances, server groups, ports, ONE Placement call, and every instance
  only when a server-group rule needs it) and the pure planner;
* submit: the plan again, the queue kept (:mod:`services.drain_queue`),
  one look at the drain (the service and its migration records; the
  host's servers come from the plan) and one Nova call for each of the
  first N moves, in the bounded pool of :mod:`services.submit`;
* move back: services, hypervisors, migrations of the host, every
  instance, server groups, ports, one Placement call, and the planner.
"""
import dataclasses
import datetime
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv
from migration_dashboard.core import drain_queue as drain_queue_core
from migration_dashboard.core import drain_history
from migration_dashboard.core.i18n import N_, joined
from migration_dashboard.core import maintenance
from migration_dashboard.core import planning
from migration_dashboard.core import preflight
from migration_dashboard.services import drain_queue
from migration_dashboard.services import gather as gather_mod
from migration_dashboard.services import stall

DRAIN = "drain"
BACK = "back"

PREFIX = "Drain since "
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
# "Drain since <stamp> (N=2): <the operator's reason>": N, the moves in
# flight at once, is optional (drains marked before it have none).
_MARK_RE = re.compile(r"^Drain since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"
                      r"(?: \(N=(\d{1,2})\))?"
                      r"(?::\s?(.*))?$", re.S)
# Records created this long before the marker still count (clocks of
# Horizon and of Nova's database may differ slightly).
CLOCK_SKEW = datetime.timedelta(seconds=5)

# Submission outcomes.
ACCEPTED = "accepted"
REFUSED = "refused"
NOT_SENT = "blocked"
EXCLUDED = "excluded"
NOTHING = "nothing"
QUEUED = "queued"
OUTCOME_TEXT = {
    QUEUED: _("Queued"),
    ACCEPTED: _("Accepted by Nova"), REFUSED: _("Refused by Nova"),
    NOT_SENT: _("Blocked: not sent"), EXCLUDED: _("Excluded"),
    NOTHING: _("Nothing to do"),
}


# ---------------------------------------------------------------- marker

def now():
    # The services' one clock (tests set it), to the second as the marker.
    return stall.utcnow().replace(microsecond=0)


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
    return parse_since(match.group(1)), match.group(3) or ""


def marker_limit(disabled_reason):
    """N, the moves in flight at once, of a drain's disabled reason; None
    when it has none."""
    match = _MARK_RE.match(disabled_reason or "")
    if not match or not match.group(2):
        return None
    return drain_queue_core.clamp(match.group(2))


def _marker(when, limit=None):
    """The marker part of a drain's disabled reason, without the
    operator's reason."""
    text = PREFIX + stamp(when)
    if limit:
        text += " (N=%d)" % drain_queue_core.clamp(limit)
    return text


_SEPARATOR = ": "


def _reason_room():
    # Nova's limit less the widest marker (N at its maximum), so that a
    # marker rewritten later with another N never has to cut the reason.
    widest = _marker(datetime.datetime(2000, 1, 1,
                                       tzinfo=datetime.timezone.utc),
                     drain_queue_core.MAX_IN_FLIGHT)
    return maintenance.MAX_REASON_LENGTH - len(widest + _SEPARATOR)


# How many characters of the operator's reason Nova keeps after the
# drain marker.
REASON_ROOM = _reason_room()


def reason_too_long_text(length):
    """Why a reason of ``length`` characters cannot go after the marker."""
    return _("The reason has %(length)d characters, but after the drain "
             "marker Nova keeps at most %(room)d: shorten it. Nothing was "
             "changed.") % {"length": length, "room": REASON_ROOM}


class ReasonTooLong(ValueError):
    """The operator's reason does not fit after the drain marker: the
    drain refuses rather than cut the operator's words."""

    def __init__(self, length):
        self.length = length
        self.message = str(reason_too_long_text(length))
        super().__init__(self.message)


def fits_marker(reason):
    """True when ``reason`` (the operator's words, marker or not) fits
    after the drain marker whole."""
    return len(parse_marker(reason)[1].strip()) <= REASON_ROOM


def drain_reason(reason, when=None, limit=None):
    """The disabled reason that marks a drain started at ``when`` with
    ``limit`` moves in flight at once.  Raises :class:`ReasonTooLong`
    rather than cut the operator's reason."""
    _since, reason = parse_marker(reason)
    reason = reason.strip()
    if len(reason) > REASON_ROOM:
        raise ReasonTooLong(len(reason))
    text = _marker(when or now(), limit)
    if reason:
        text += _SEPARATOR + reason
    return text


def ensure_marker(request, host, service=None, reason="", limit=None):
    """Disable ``host`` with the drain marker unless its reason already
    carries one (with ``limit``, N, when given: a marker with another N
    is rewritten, same start); returns when the drain began.  Raises
    :class:`ReasonTooLong`, before any Nova call, when the operator's
    reason (given, or the host's own) does not fit after the marker."""
    service = service or api.nova.compute_service(request, host)
    if service is not None and service.status == "disabled":
        since, old = parse_marker(service.disabled_reason)
        if since is not None:
            if limit and marker_limit(service.disabled_reason) != limit:
                api.nova.service_disable(request, host,
                                         drain_reason(old, since, limit))
            return since
        reason = reason or old
    when = now()
    api.nova.service_disable(request, host, drain_reason(reason, when,
                                                         limit))
    remember_start(host, when)
    return when


def waiting_drains(summaries):
    """[(host, queued)] of the drains that wait for someone to look at
    them: the host's marker says a drain is under way, moves were queued
    at the last look, and fewer than N moves off the host are in progress
    now (the overview's own migration counts).  No API call: the last
    look's count is in the cache (services.drain_queue.snapshot)."""
    marked = {}
    for summary in summaries:
        since, _reason = parse_marker(summary.disabled_reason)
        if summary.status == "disabled" and since is not None:
            marked[summary.host] = (summary, stamp(since))
    snaps = drain_queue.snapshots(DRAIN, list(marked))
    out = []
    for host, (summary, since) in sorted(marked.items()):
        snap = snaps.get(host)
        if not snap or snap.get("since") != since or not snap.get("queued"):
            continue
        limit = marker_limit(summary.disabled_reason) or snap.get("limit")
        if summary.migrations_from >= (limit or 1):
            continue
        out.append((host, snap["queued"]))
    return out


def operator_reason(disabled_reason):
    """What the operator wrote, without the drain marker."""
    return parse_marker(disabled_reason)[1]


# ----------------------------------------------------- the drain's start
#
# Nova keeps the marker only while the host is disabled: enabling it
# (Complete Maintenance, Move Back) clears the disabled reason.  After that
# the start travels in the dashboard's URLs, is remembered in Django's
# cache (shared by the Horizon workers), and failing both is read from the
# host's migration records (core.drain_history).

# Where the start of a drain was read (the move-back page says which).
FROM_URL = "url"
FROM_MARKER = "marker"
FROM_MEMORY = "memory"
FROM_RECORDS = "records"
# How long a drain's start is remembered once its marker is gone
# (setting MIGRATION_DASHBOARD_DRAIN_MEMORY, seconds).
DRAIN_MEMORY = 30 * 24 * 3600
# A pause longer than this between two moves off a host ends a drain read
# from the records alone (setting MIGRATION_DASHBOARD_DRAIN_GAP, seconds;
# 0: no limit).
DRAIN_GAP = 3600


def _memory_key(host):
    # Host names may hold characters a cache backend refuses in a key.
    return "migration_dashboard:drain-since:" + hashlib.sha256(
        host.encode("utf-8")).hexdigest()


def remember_start(host, since):
    """Remember when ``host``'s drain began, for once the marker is gone.
    A failing cache costs only the exactness of a later Move Back (the
    records still give a window), never the action that called this."""
    if since is None:
        return
    try:
        cache.set(_memory_key(host), stamp(since),
                  getattr(settings, "MIGRATION_DASHBOARD_DRAIN_MEMORY",
                          DRAIN_MEMORY))
    except Exception:  # noqa: BLE001 -- see the docstring
        pass


def remembered_start(host):
    try:
        return parse_since(cache.get(_memory_key(host)))
    except Exception:  # noqa: BLE001 -- as remember_start
        return None


def drain_start(request, host, service=None, url_since=None):
    """(when ``host``'s last drain began, where that was read): the URL,
    the marker of ``service``, the dashboard's memory, else Nova's
    migration records of the host (one list); (None, None) when nothing
    tells."""
    if url_since is not None:
        return url_since, FROM_URL
    if service is not None:
        since, _reason = parse_marker(service.disabled_reason)
        if since is not None:
            return since, FROM_MARKER
    since = remembered_start(host)
    if since is not None:
        return since, FROM_MEMORY
    gap = getattr(settings, "MIGRATION_DASHBOARD_DRAIN_GAP", DRAIN_GAP)
    since = drain_history.last_drain_start(
        api.nova.migration_list(request, host=host), host,
        datetime.timedelta(seconds=gap) if gap else None)
    return since, (FROM_RECORDS if since is not None else None)


# --------------------------------------------------------------- planning

def plan_microversion(facts):
    """The microversion a plan is checked at: the cloud's, capped at what
    the live migration call uses (cold asks for less)."""
    return mv.capped(mv.LIVE_MIGRATE, facts.microversion)


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


def make_plan(facts, overrides=None, default_destination=None):
    options = planning.PlanOptions(
        microversion=plan_microversion(facts),
        default_destination=default_destination or None,
        overrides=dict(overrides or {}))
    return planning.plan_drain(facts.source, facts.instances,
                               planning_hosts(facts), options)


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


def submit_plan(request, plan, since, limit=None, on_host=None,
                drain_since=None):
    """Queue the plan's moves and send the head of the queue: at most
    ``limit`` (N; the setting when None) in flight at once, host-restricted
    moves first (they are the head: the scheduler places them before the
    others can fill the few hosts that take them).  The rest are sent as
    earlier ones finish, whenever someone looks at the drain
    (:func:`services.drain_tracking.track`).  ``since``: the drain's start
    (or the move back's).  ``on_host``: the host's servers as the plan
    read them in this request (a drain): the look at the drain does not
    read them again (nothing was sent in between).  ``drain_since``: a
    move back's drain start, as its page read it.  Every row of the plan
    gets a ResultRow."""
    # drain_tracking imports this module for the marker and the records.
    from migration_dashboard.services import drain_tracking
    direction = DRAIN if plan.direction == "drain" else BACK
    limit = drain_queue_core.clamp(limit or drain_queue.default_limit())
    tracked = {}
    if plan.order:
        drain_queue.store(direction, plan.host, stamp(since), limit,
                          drain_queue_core.entries_from_plan(plan))
        tracking = drain_tracking.track(request, plan.host, direction,
                                        since, limit=limit, on_host=on_host,
                                        drain_since=drain_since)
        tracked = {r.id: r for r in tracking.rows}
    out = []
    for row in plan.rows:
        r = ResultRow(id=row.instance_id, name=row.name or row.instance_id,
                      strategy=row.strategy.label,
                      destination=row.destination)
        if row.moves:
            seen = tracked.get(row.instance_id)
            state = getattr(seen, "state", None)
            if state == drain_tracking.QUEUED:
                r.outcome = QUEUED
                r.reason = seen.reason
            elif state in (drain_tracking.FAILED, drain_tracking.GONE,
                           drain_tracking.WAITING, None):
                r.outcome = REFUSED
                r.reason = seen.reason if seen is not None else str(
                    _("Not seen in Nova after the submit."))
            else:
                r.outcome = ACCEPTED
        elif row.strategy is planning.Strategy.BLOCKED:
            r.outcome = NOT_SENT
            r.reason = (joined([f.message for f in row.blockers], N_("; "))
                        if row.blockers else row.why)
        elif row.strategy is planning.Strategy.SKIPPED:
            r.outcome = EXCLUDED
        else:
            r.outcome = NOTHING
            r.reason = row.why
        out.append(r)
    return out


def result_summary(rows):
    counts = {}
    for r in rows:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return [(OUTCOME_TEXT[k], counts[k]) for k in
            (ACCEPTED, QUEUED, REFUSED, NOT_SENT, EXCLUDED, NOTHING)
            if k in counts]


# ---------------------------------------------------------------- records

def record_time(record):
    return base.parse_time(record.created_at)


def drain_records(migrations, host, since, direction=DRAIN):
    """{instance id: newest move record} leaving ``host`` (drain) or
    heading for it (back), created since ``since`` (None: every one)."""
    out = {}
    cutoff = since - CLOCK_SKEW if since is not None else None
    for mig in migrations:  # newest first
        if (mig.migration_type or "") not in planning.MOVE_TYPES:
            continue
        if direction == DRAIN and mig.source_compute != host:
            continue
        # Back: Nova fills the destination in only once the scheduler has
        # placed the move, so a move back is any move of the instance
        # leaving another host, not yet elsewhere.
        if direction == BACK and (mig.source_compute == host or
                                  mig.dest_compute not in (None, "", host)):
            continue
        created = record_time(mig)
        if cutoff is not None and (created is None or created < cutoff):
            continue
        old = out.get(mig.instance_id)
        if old is None or (record_time(old) or created) < created or \
                (record_time(old) == created and
                 int(mig.id or 0) > int(old.id or 0)):
            out[mig.instance_id] = mig
    return out


def migrations_since(request, host, since):
    """The host's migration records created since ``since`` (None: all),
    newest first.  Created, not changed: a move whose request was lost
    just after Nova wrote its record was never updated, and Nova's
    changes-since (on updated_at) would not list it."""
    if since is None:
        return api.nova.migration_list(request, host=host)
    return api.nova.migration_list(request, host=host,
                                   created_since=since - CLOCK_SKEW)


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
    services.gather: every call a whole list (constant number)."""
    services = api.nova.service_list(request)
    notes = []
    try:
        hypervisors = api.nova.hypervisor_list(request)
    except Exception as exc:
        hypervisors = []
        notes.append(_("Could not read the hypervisors: %s")
                     % base.error_reason(exc))
    summaries = {s.host: s
                 for s in maintenance.summarize(services, hypervisors)}
    migrations = migrations_since(request, host, since)
    left = drain_records(migrations, host, since, DRAIN)
    everyone = api.nova.instance_list(request)
    by_id = {i.id: i for i in everyone}
    wanted = [i for i in left if i in by_id]
    microversion = api.nova.compute_microversion(request)
    groups = gather_mod.read_groups(request, notes)
    vnics = gather_mod.read_vnic_types(request, wanted, notes) if wanted \
        else None
    instances = [gather_mod.to_instance(by_id[i], groups, vnics)
                 for i in wanted]
    placement = None
    if instances:
        try:
            placement = api.placement.allocation_candidates(
                request, gather_mod.smallest_request(instances))
        except Exception as exc:
            notes.append(_("Could not read capacity from Placement: %s")
                         % base.error_reason(exc))
    ids_by_host = {}
    for inst in everyone:
        ids_by_host.setdefault(inst.host, set()).add(inst.id)
    hosts = {}
    for name, summary in summaries.items():
        if placement is not None:
            capacity = gather_mod.capacity_from_placement(
                placement, summary.node_ids) or {
                    "VCPU": 0, "PCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0,
                    "traits": None}
        else:
            capacity = gather_mod.capacity_from_hypervisor(summary)
        hosts[name] = gather_mod.to_host(summary, capacity,
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
    options = planning.PlanOptions(microversion=plan_microversion(back),
                                   overrides=dict(overrides or {}))
    cutoff = since - CLOCK_SKEW if since is not None else None
    return planning.move_back_plan(target, back.instances, back.migrations,
                                   hosts, options, since=cutoff)
