"""The rows of the Migrations panel: api calls joined with the progress
arithmetic of core/progress.py (also used by a drain's status).

Cost of a list page: one GET /os-migrations (one page), one Keystone
project list (names of the requesting projects), one
GET /servers/{id}/migrations/{mid} per in-progress *live* migration on the
page, and one server list narrowed to the instances changed since the
page's oldest migration (:func:`instance_names`; one call per 1,000 of
them): a person scans names.  Filtering by instance name costs one name
lookup, only then.
A row refresh: the instance's migrations (one call) and, while it is an
in-progress live migration, its bytes (one call).
"""
import datetime
import hashlib
import logging

from django.conf import settings
from django.core import cache as django_cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from novaclient import exceptions as nova_exceptions

from horizon import exceptions
from horizon import messages

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.core import live_limits
from migration_dashboard.core import migration_events
from migration_dashboard.core import progress as core
from migration_dashboard.core import states
from migration_dashboard.services import deployment
from migration_dashboard.services import projects
from migration_dashboard.services import stall

# Settings (all optional): MIGRATION_DASHBOARD_PROGRESS = {
#   "stuck_window": seconds over which memory remaining must fall,
#   "time_budget": seconds after which a live migration is called stuck}
LOG = logging.getLogger(__name__)
DEFAULTS = {"stuck_window": 120.0, "time_budget": 1800.0}
# Recent byte samples of each live migration live in Django's cache (which
# operators point at memcached for Horizon's sessions anyway): every worker
# sees them, and the user's session (a cookie, with signed-cookie sessions)
# carries none.  One key per migration, so parallel row refreshes never
# overwrite each other; each entry is bounded by the stuck window and
# expires an hour after its last sample.
CACHE_PREFIX = "migration_dashboard:progress:"
CACHE_SECONDS = 3600

# The state a cold migration is shown in once Nova finished it (its
# status "finished"): what it waits for, not what Nova did last.
AWAITING_CONFIRMATION = "waiting for confirmation"

TYPE_NAMES = {
    core.LIVE: _("Live"), core.COLD: _("Cold"), core.RESIZE: _("Resize"),
    core.EVACUATION: _("Evacuation"),
}
# What an operator may type in the filter -> Nova's migration_type.
TYPE_ALIASES = {
    "live": core.LIVE, "live-migration": core.LIVE, "cold": core.COLD,
    "migration": core.COLD, "migrate": core.COLD, "resize": core.RESIZE,
    "evacuation": core.EVACUATION, "evacuate": core.EVACUATION,
}
# Instance action names of each migration type (nova.compute.instance_actions)
ACTION_NAMES = {
    core.LIVE: ("live-migration", "live_migration"),
    core.COLD: ("migrate",), core.RESIZE: ("resize",),
    core.EVACUATION: ("evacuate",),
}


def option(name):
    conf = getattr(settings, "MIGRATION_DASHBOARD_PROGRESS", {}) or {}
    return conf.get(name, DEFAULTS[name])


class MigrationRow:
    """A migration with what the panel joins to it."""

    def __init__(self, migration, version=None, instance_name=None,
                 project_name=None, progress=None, progress_error=None):
        self.migration = migration
        self.version = version
        self.instance_name = instance_name
        self.project_name = project_name
        self.progress = progress
        self.progress_error = progress_error
        #: the status of the instance when the page read it (None: not read)
        self.instance_status = None
        #: the events of the move's instance action, when read (the step
        #: where a failed or cancelled migration stopped)
        self.events = None

    def __getattr__(self, name):
        if name == "migration":
            raise AttributeError(name)
        return getattr(self.migration, name)

    @property
    def id(self):
        return self.migration.id

    @property
    def display_name(self):
        return self.instance_name or self.migration.instance_id

    @property
    def type_name(self):
        kind = self.migration.migration_type
        return TYPE_NAMES.get(kind, kind or _("Unknown"))

    @property
    def is_live(self):
        return core.family(self.migration.migration_type) == "live"

    @property
    def in_progress(self):
        return core.is_in_progress(self.migration.status,
                                   self.migration.migration_type)

    @property
    def failed(self):
        return core.is_failed(self.migration.status)

    @property
    def ended_early(self):
        """Failed or cancelled: it stopped at some step."""
        return core.outcome(self.migration.status) in ("failed",
                                                       "cancelled")

    @property
    def awaiting_confirmation(self):
        """Nova finished the cold migration; it waits for Confirm or Revert
        (and the instance, when read, is in VERIFY_RESIZE)."""
        return core.awaiting_confirmation(
            self.migration.status, self.migration.migration_type) and (
            self.instance_status in (None, states.VERIFY_RESIZE))

    @property
    def can_abort(self):
        return core.can_abort(self.migration.status,
                              self.migration.migration_type, self.version)

    @property
    def can_force_complete(self):
        return core.can_force_complete(self.migration.status,
                                       self.migration.migration_type,
                                       self.version)

    @property
    def state(self):
        """Nova's status, or :data:`AWAITING_CONFIRMATION`."""
        if self.awaiting_confirmation:
            return AWAITING_CONFIRMATION
        return self.migration.status

    @property
    def started(self):
        return base.parse_time(self.migration.created_at)

    @property
    def updated(self):
        return base.parse_time(self.migration.updated_at)

    @property
    def duration(self):
        """Seconds from start to the last update (ended) or to now."""
        # Waiting for a confirm, the move itself is over: its duration is
        # what it took, not a clock that runs until someone confirms.
        running = self.in_progress and not self.awaiting_confirmation
        end = stall.utcnow() if running else self.updated
        return core.duration(self.started, end)

    @property
    def progress_text(self):
        """"1.2 GiB of 4.0 GiB left, 120.0 MiB/s, ETA 20s" (or less)."""
        p = self.progress
        if p is None:
            return ""
        parts = []
        if p.memory_total:
            parts.append(_("%(left)s of %(total)s memory left") % {
                "left": core.human_bytes(p.memory_remaining),
                "total": core.human_bytes(p.memory_total)})
        if p.disk_total:
            parts.append(_("%(left)s of %(total)s disk left") % {
                "left": core.human_bytes(p.disk_remaining),
                "total": core.human_bytes(p.disk_total)})
        if p.rate is not None:
            parts.append("%s/s" % core.human_bytes(p.rate))
        if p.eta is not None:
            parts.append(_("ETA %s") % core.human_seconds(p.eta))
        return ", ".join(str(x) for x in parts)

    @property
    def steps(self):
        status, kind = self.migration.status, self.migration.migration_type
        stopped = None
        if self.ended_early and self.events is not None:
            stopped = migration_events.stopped_at(
                core.path_of(status, kind), self.events)
        return core.steps(status, kind, stopped)


# ------------------------------------------------------------- progress

def _progress_key(row):
    ident = str(row.migration.uuid or "%s:%s" % (row.migration.instance_id,
                                                 row.migration.id))
    # memcached keys are short and plain: a digest of the id.
    return CACHE_PREFIX + hashlib.sha256(ident.encode()).hexdigest()


def _cached(key):
    try:
        return django_cache.cache.get(key) or {}
    except Exception:  # the cache is down: progress from this sample only
        LOG.warning("Progress samples unavailable from the cache",
                    exc_info=True)
        return {}


def _cache(key, entry):
    try:
        django_cache.cache.set(key, entry, CACHE_SECONDS)
    except Exception:
        LOG.warning("Progress samples not kept in the cache", exc_info=True)


def record_progress(request, row, server_migration, now=None):
    """Add the bytes Nova reported to the migration's recent samples (kept
    in Django's cache, so any Horizon worker sees them) and compute
    percent, rate, ETA and the stuck flag."""
    # The services' one clock (stall.utcnow): tests set it, not the host's.
    now = stall.utcnow().timestamp() if now is None else now
    window = float(option("stuck_window"))
    key = _progress_key(row)
    entry = _cached(key)
    samples = [core.Sample.from_list(v) for v in entry.get("s", [])]
    samples.append(core.sample_of(server_migration, now))
    samples = core.keep_window(samples, window)
    started = row.started
    elapsed = (now - started.timestamp()) if started else None
    result = core.progress(samples, window=window,
                           budget=float(option("time_budget")),
                           elapsed=elapsed, shown=entry.get("p"))
    _cache(key, {"s": [s.to_list() for s in samples],
                 "p": result.percent, "t": now})
    return result


def attach_progress(request, row):
    """Read the bytes of an in-progress live migration (one call); a
    migration that just ended (404) simply has none."""
    if not (row.is_live and row.in_progress):
        return row
    try:
        server_migration = api.nova.server_migration_get(
            request, row.migration.instance_id, row.migration.id)
    except nova_exceptions.NotFound:
        return row  # finished between the list and this call
    except Exception as exc:
        row.progress_error = base.error_reason(exc)
        return row
    row.progress = record_progress(request, row, server_migration)
    return row


# ------------------------------------------------------------------ lists

def version(request):
    """The compute microversion the actions will use ("2.NN" or None)."""
    try:
        return api.nova.compute_microversion(request)
    except Exception as exc:
        exceptions.handle(request, _("Unable to read the compute API "
                                     "version: %s") % base.error_reason(exc),
                          details="")
        return None


def instance_ids_named(request, name):
    """Ids of the instances (all projects) named exactly ``name``: one
    server list filtered by Nova, made only when the list is filtered by an
    instance name."""
    return [i.id for i in api.nova.instance_list(request, name=name)]


# Margin before the page's oldest migration when its instances are listed
# by changes-since: Nova's API stamps a live migration's instance (its
# task) just before nova-conductor writes the record, and a lost request
# leaves that stamp the instance's last.
NAMES_MARGIN = datetime.timedelta(minutes=10)


def instance_names(request, migrations):
    """{instance id: name} of the instances of ``migrations`` (one page):
    one all-projects server list narrowed by changes-since to the page's
    oldest migration less :data:`NAMES_MARGIN`, so the cost follows the
    page's age, not the cloud's size nor the number of rows.

    Why not one read per instance, or a list by uuid: Nova filters servers
    by a single uuid (its API keeps the last value of a repeated query
    parameter).  Every instance of a migration was changed when it moved
    (task, host), so the narrowed list holds it.  Deleted ones come too
    (changes-since includes them, as Nova documents), though Nova deletes
    the migration records of a deleted instance with it.  An instance the
    list lacks keeps its id, and the page says so once."""
    ids = {m.instance_id for m in migrations if m.instance_id}
    if not ids:
        return {}
    started = [t for t in (base.parse_time(m.created_at)
                           for m in migrations if m.instance_id) if t]
    # A record without its time (never seen from Nova) widens the list to
    # every instance rather than lose a name.
    since = min(started) - NAMES_MARGIN if started and \
        len(started) == len([m for m in migrations if m.instance_id]) \
        else None
    try:
        listed = api.nova.instance_list(
            request, changes_since=since.strftime("%Y-%m-%dT%H:%M:%SZ")
            if since is not None else None)
    except Exception as exc:
        # The rows still show their ids; the page says why not their names.
        messages.warning(request, _(
            "Unable to read the names of the instances, shown by ID: "
            "%s") % base.error_reason(exc))
        return {}
    names = {i.id: i.name for i in listed if i.id in ids and i.name}
    missing = len(ids - set(names))
    if missing and since is not None:
        messages.info(request, ngettext(
            "%(count)d instance is shown by ID: Nova did not list it among "
            "the instances changed since %(since)s.",
            "%(count)d instances are shown by ID: Nova did not list them "
            "among the instances changed since %(since)s.", missing) % {
                "count": missing,
                "since": since.strftime("%Y-%m-%d %H:%M:%S UTC")})
    elif missing:
        messages.info(request, ngettext(
            "%(count)d instance is shown by ID: Nova does not list it.",
            "%(count)d instances are shown by ID: Nova does not list them.",
            missing) % {"count": missing})
    return names


def load_rows(request, filters=None, marker=None, limit=None, names=None,
              current_version=False):
    """(rows, has_more) for one page of migrations, newest first."""
    filters = dict(filters or {})
    limit = int(limit) if limit else None
    ask = limit + 1 if limit else None
    migrations = api.nova.migration_list(request, limit=ask, marker=marker,
                                         **filters)
    has_more = bool(limit) and len(migrations) > limit
    if limit:
        migrations = migrations[:limit]
    # ``names`` ({instance id: name}) when the caller has read the
    # instances anyway (one instance's page).
    if names is None:
        names = instance_names(request, migrations)
    # Nova tells the requesting project from 2.80 on; no ids, no lookup.
    named = (projects.project_names(request)
             if any(m.project_id for m in migrations) else {})
    current = (version(request) if current_version is False
               else current_version)
    rows = []
    for m in migrations:
        # A migration's project_id (2.80) is the project of whoever asked
        # for the move (usually admin), not the instance's: the column says
        # so.  Before 2.80 Nova does not tell.
        rows.append(MigrationRow(m, version=current,
                                 instance_name=names.get(m.instance_id),
                                 project_name=named.get(m.project_id,
                                                        m.project_id)))
    for row in rows:
        attach_progress(request, row)
    return rows, has_more


def load_row(request, instance_id, migration_id, instance_name=None,
             project_name=None):
    """One migration, read again (row refresh, detail, actions)."""
    for migration in api.nova.migration_list(request,
                                             instance_id=instance_id):
        if str(migration.id) == str(migration_id):
            row = MigrationRow(migration, version=version(request),
                               instance_name=instance_name,
                               project_name=project_name)
            return attach_progress(request, row)
    raise nova_exceptions.NotFound(
        404, message=_("Migration %(migration)s of instance %(instance)s"
                       " was not found.")
        % {"migration": migration_id, "instance": instance_id})


def move_action(request, row):
    """The instance action of the move (same kind, nearest to the
    migration's start) with its events, or None when Nova kept none: two
    calls.  Its events tell where a failed or cancelled move stopped and,
    failed, why (their details are Nova's reason at 2.84)."""
    names = ACTION_NAMES.get(row.migration.migration_type,
                             sum(ACTION_NAMES.values(), ()))
    actions = [a for a in api.nova.instance_action_list(
        request, row.migration.instance_id) if a.action in names]
    if not actions:
        return None
    started = row.started

    def distance(action):
        when = base.parse_time(action.start_time)
        if when is None or started is None:
            return float("inf")
        return abs((when - started).total_seconds())

    chosen = min(actions, key=distance)
    return api.nova.instance_action_get(
        request, row.migration.instance_id, chosen.request_id)


# How many of a host's newest migrations are read to find the moves under
# way of its instances (those are the newest; as the host's Migrations tab).
HOST_MOVES = 50


def moves_of(request, host=None, instance_id=None):
    """{instance id: MigrationRow} of the move each instance is in (in
    progress, or waiting for a confirm), newest first: one call, for the
    host's newest :data:`HOST_MOVES` migrations or one instance's."""
    if instance_id:
        records = api.nova.migration_list(request, instance_id=instance_id)
    else:
        records = api.nova.migration_list(request, host=host,
                                          limit=HOST_MOVES)
    current = version(request)
    moves = {}
    for record in records:  # newest first
        row = MigrationRow(record, version=current)
        if row.in_progress and record.instance_id not in moves:
            moves[record.instance_id] = row
    return moves


# ------------------------------------------------------- Nova's own limits

def _local_disks_gib(instance):
    """Flavor sizes (GiB) of the disks a block migration would copy."""
    flavor = instance.flavor if instance is not None else {}
    disks = [] if instance is None or instance.volume_backed else [
        flavor.get("disk") or 0]
    if flavor.get("ephemeral"):
        disks.append(flavor["ephemeral"])
    if flavor.get("swap"):
        disks.append(flavor["swap"] / 1024.0)  # Nova's swap is in MiB
    return disks


def force_complete_words():
    """(what Force Complete does, what the page must note): whether it
    pauses or switches to post-copy is [libvirt]
    live_migration_permit_post_copy, declared since no API shows it."""
    notes = []
    config = deployment.libvirt_migration(notes)
    note = live_limits.undeclared_note(config, deployment.SETTING,
                                       (live_limits.POST_COPY,))
    return {"effect": live_limits.force_complete_effect(config),
            "done": live_limits.force_complete_done(config),
            "notes": notes + ([note] if note else [])}



def nova_limits(row, instance):
    """What Nova itself does to this live migration if it does not end:
    {"force_complete": message, "limits": [messages], "notes": [...]}.

    The guest RAM comes from the instance's flavor, else from the bytes
    Nova reported; whether its disks are copied (a block migration) is not
    in Nova's record, so the timeout is a range when it has local disks.
    """
    notes = []
    config = deployment.libvirt_migration(notes)
    memory_mb = (instance.flavor.get("ram") if instance is not None
                 else None)
    if not memory_mb and row.progress is not None and \
            row.progress.memory_total:
        memory_mb = row.progress.memory_total / 1024.0 / 1024.0
    started = row.started
    elapsed = ((stall.utcnow() - started).total_seconds() if started
               else None)
    limits = []
    if memory_mb:
        timeout = live_limits.completion_timeout(
            config, memory_mb, _local_disks_gib(instance))
        limits = live_limits.timeout_advice(config, timeout,
                                            core.human_seconds, elapsed)
    note = live_limits.undeclared_note(config, deployment.SETTING)
    return {"force_complete": live_limits.force_complete_effect(config),
            "limits": limits, "notes": notes + ([note] if note else [])}
