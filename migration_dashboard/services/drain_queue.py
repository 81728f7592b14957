"""The drain queue between requests: at most N moves of a drain (or of a
move back) in flight, the rest sent as earlier ones finish.

What is queued and what is in flight is read from Nova on every look
(:func:`services.drain_tracking.track`); N travels in the drain marker
(or in the move back's URL).  Only what Nova cannot tell is kept, in
Django's cache (memcached in a deployment with several workers): the
choices of the submitted plan (order, strategy, destination, block,
which rows were left out), and the reasons Nova gave when it refused a
queued move.  Without them the queue does not guess: it waits and says so
(the plan page plans again what is left).

No request sleeps: the queue advances when someone looks at the drain.
A short lock in the cache lets one request send at a time; a move sent
twice anyway (two workers with separate caches) is refused by Nova, the
instance already being in a move task, and that refusal is not a failure.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache

from migration_dashboard import api
from migration_dashboard.core import drain_queue as dq
from migration_dashboard.services import submit

SETTING = "MIGRATION_DASHBOARD_DRAIN_IN_FLIGHT"
# How long the plan's choices and Nova's refusals are kept: a drain of a
# big host may wait for hours when nobody looks at it.
KEEP_SECONDS = 7 * 24 * 3600
# One request sends at a time; a crashed one frees the lock after this.
LOCK_SECONDS = 30
# A move just accepted counts as in flight this long even when a list read
# a moment earlier does not show it yet.
SENT_SECONDS = 60


def default_limit():
    """N when the page does not say: the setting, brought into range."""
    return dq.clamp(getattr(settings, SETTING, dq.DEFAULT_IN_FLIGHT))


def _key(what, direction, host, since, extra=""):
    # Host names are free text up to 255 characters; memcached keys are
    # short and plain.
    raw = "\0".join((direction, host or "", since or "", extra))
    return "migration_dashboard:drain-%s:%s" % (
        what, hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40])


def store(direction, host, since, limit, entries):
    """Keep the submitted plan's queue (``since``: the drain's stamp)."""
    cache.set(_key("queue", direction, host, since),
              {"limit": int(limit),
               "entries": [e.to_plain() for e in entries]}, KEEP_SECONDS)


def load(direction, host, since):
    """(limit, [Entry]) of the stored queue; (None, None) when unknown."""
    value = cache.get(_key("queue", direction, host, since))
    if not isinstance(value, dict):
        return None, None
    try:
        return (int(value["limit"]),
                [dq.Entry.from_plain(v) for v in value["entries"]])
    except (KeyError, TypeError, ValueError):
        return None, None


def refusals(direction, host, since, ids):
    """{id: Nova's reason} of the queued moves Nova refused."""
    keys = {_key("refused", direction, host, since, i): i for i in ids}
    found = cache.get_many(list(keys)) if keys else {}
    return {keys[k]: v for k, v in found.items()}


def _refused(direction, host, since, instance_id, reason):
    cache.set(_key("refused", direction, host, since, instance_id),
              str(reason), KEEP_SECONDS)


def recently_sent(direction, host, since, ids):
    keys = {_key("sent", direction, host, since, i): i for i in ids}
    found = cache.get_many(list(keys)) if keys else {}
    return {keys[k] for k in found}


def snapshot(direction, host, since, queued, limit):
    """What the hosts overview shows of a drain without asking Nova."""
    cache.set(_key("snapshot", direction, host, ""),
              {"since": since, "queued": int(queued), "limit": int(limit)},
              KEEP_SECONDS)


def snapshots(direction, hosts):
    """{host: {"since", "queued", "limit"}} for the hosts that have one
    (one cache read, whatever the number of hosts)."""
    keys = {_key("snapshot", direction, h, ""): h for h in hosts}
    found = cache.get_many(list(keys)) if keys else {}
    return {keys[k]: v for k, v in found.items() if isinstance(v, dict)}


def send_entries(request, entries):
    """One Nova call per entry in the bounded pool; [(entry, exc|None)]."""
    by_id = {e.id: e for e in entries}

    def call(instance_id):
        entry = by_id[instance_id]
        if entry.kind == dq.COLD:
            api.nova.server_migrate(request, instance_id,
                                    host=entry.destination)
        else:
            api.nova.server_live_migrate(
                request, instance_id, host=entry.destination,
                block_migration=(entry.block if entry.block is not None
                                 else "auto"))

    if not entries:
        return []
    # Build the client (and learn the cloud's version) once, here, before
    # the pool's threads share it.
    api.nova.compute_microversion(request)
    return [(by_id[i], exc) for i, exc in submit.run(list(by_id), call)]


def _already_moving(request, instance_id, move_tasks):
    """True when Nova's refusal only says another request moved it first."""
    try:
        inst = api.nova.instance_get(request, instance_id)
    except Exception:
        return False
    return inst.task_state in move_tasks


def send_head(request, direction, host, since, to_send, move_tasks):
    """Send the head of the queue under the cache lock.

    Returns [(entry, exc|None)] of what was sent; [] when another request
    holds the lock.  A refusal is remembered (the row fails with Nova's
    reason and the queue goes on) unless the instance turns out to be in
    a move already (sent by another request): then it counts as sent."""
    if not to_send:
        return []
    lock = _key("lock", direction, host, since)
    if not cache.add(lock, 1, LOCK_SECONDS):
        return []
    try:
        sent = send_entries(request, to_send)
        out = []
        for entry, exc in sent:
            if exc is not None and _already_moving(request, entry.id,
                                                   move_tasks):
                exc = None  # another request sent it: it is in flight
            if exc is None:
                cache.set(_key("sent", direction, host, since, entry.id), 1,
                          SENT_SECONDS)
            else:
                _refused(direction, host, since, entry.id,
                         submit.explain(exc))
            out.append((entry, exc))
        return out
    finally:
        cache.delete(lock)
