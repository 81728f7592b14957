"""Migration progress arithmetic: steps, percent, rate, ETA, stuck.

Plain Python over plain data: a :class:`Sample` is what Nova's
GET /servers/{id}/migrations/{mid} said at one moment (memory_* and disk_*
bytes).  Nova reports ``memory_processed`` growing past ``memory_total`` when
dirty pages are sent again, and ``memory_remaining`` can rise between two
samples for the same reason; nothing here ever shows a bar moving back:
the shown percent holds and the state says "re-sending dirty memory".

The status families come from :mod:`migration_dashboard.core.states`.
No Django, no HTTP.
"""
import dataclasses

from migration_dashboard.core import states
from migration_dashboard.core import versions
from migration_dashboard.core.versions import at_least as version_at_least
from migration_dashboard.core.i18n import N_

# ----------------------------------------------------------------- statuses

LIVE = "live-migration"
COLD = "migration"
RESIZE = "resize"
EVACUATION = "evacuation"

# The healthy path of each kind of migration, in the order Nova walks it.
LIVE_STEPS = states.LIVE_IN_PROGRESS + ("completed",)
COLD_STEPS = ("pre-migrating", "migrating", "post-migrating", "finished",
              "confirming", "confirmed")
EVACUATION_STEPS = states.EVACUATION_IN_PROGRESS + ("completed",)

# Nova's migration statuses in words a translator can reach (the steps
# a migration page shows).
STATUS_TEXT = {
    "queued": N_("queued"), "preparing": N_("preparing"),
    "running": N_("running"), "post-migrating": N_("post-migrating"),
    "completed": N_("completed"), "accepted": N_("accepted"),
    "pre-migrating": N_("pre-migrating"), "migrating": N_("migrating"),
    "finished": N_("finished"), "confirming": N_("confirming"),
    "confirmed": N_("confirmed"), "failed": N_("failed"),
    "error": N_("error"), "cancelled": N_("cancelled"),
    "reverting": N_("reverting"), "reverted": N_("reverted"),
    "done": N_("done"),
}

# How a migration can end other than by its last step.
FAILED = ("failed", "error")
CANCELLED = ("cancelled",)
REVERTED = ("reverting", "reverted")

# Abort: a running live migration from versions.ABORT_LIVE, queued and
# preparing ones too from versions.ABORT_QUEUED.
ABORTABLE_2_24 = ("running",)
ABORTABLE_2_65 = ("queued", "preparing", "running")


def _norm(value):
    return (value or "").strip().lower()


def family(migration_type):
    """live | cold | evacuation for a Nova migration_type."""
    kind = _norm(migration_type)
    if kind == LIVE:
        return "live"
    if kind == EVACUATION:
        return "evacuation"
    return "cold"  # migration, resize (and pre-2.23 records without type)


def is_in_progress(status, migration_type=None):
    """True while Nova still works on the migration."""
    status = _norm(status)
    kind = family(migration_type)
    if migration_type is None:
        return status in states.IN_PROGRESS
    if kind == "live":
        return status in states.LIVE_IN_PROGRESS
    if kind == "evacuation":
        return status in states.EVACUATION_IN_PROGRESS
    return status in states.COLD_IN_PROGRESS


def is_failed(status):
    return _norm(status) in FAILED


def outcome(status):
    """success | failed | cancelled | reverted | in-progress."""
    status = _norm(status)
    if status in FAILED:
        return "failed"
    if status in CANCELLED:
        return "cancelled"
    if status in REVERTED:
        return "reverted"
    if status in ("completed", "confirmed"):
        return "success"
    return "in-progress"


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    state: str  # done | current | waiting | todo | failed | cancelled

    @property
    def text(self):
        """The step as a person reads it: Nova's status, translatable."""
        return STATUS_TEXT.get(self.name, self.name)


def path_of(status, migration_type=None):
    """The steps, in order, of the migration's family (a reverted cold
    migration walks back instead of confirming)."""
    status = _norm(status)
    kind = family(migration_type)
    if kind == "live":
        return LIVE_STEPS
    if kind == "evacuation":
        return EVACUATION_STEPS
    if status in REVERTED:
        return COLD_STEPS[:4] + REVERTED
    return COLD_STEPS


def awaiting_confirmation(status, migration_type=None):
    """A cold migration or resize Nova has finished: the instance runs on
    the destination in VERIFY_RESIZE until someone confirms or reverts it
    (Nova's confirm and revert look for a "finished" migration)."""
    return family(migration_type) == "cold" and _norm(status) == "finished"


def steps(status, migration_type=None, stopped=None):
    """The steps of the migration's family with the current one marked.

    A failed/error/cancelled migration marks ``stopped`` (the step where
    it stopped, from its instance action's events:
    :func:`migration_events.stopped_at`) "failed" or "cancelled", the ones
    before it done and the ones after it not reached.  Nova's record alone
    does not say which step that was: without ``stopped`` every step is
    left not done and none is marked.  A cold migration that Nova finished
    waits for a confirm: that step is "waiting", not "current".
    """
    status = _norm(status)
    path = path_of(status, migration_type)
    if status in path:
        index = path.index(status)
        last = index == len(path) - 1
        now = ("waiting" if awaiting_confirmation(status, migration_type)
               else "current")
        return [Step(name, "done" if i < index or (i == index and last)
                     else now if i == index else "todo")
                for i, name in enumerate(path)]
    if status in FAILED or status in CANCELLED:
        end = "cancelled" if status in CANCELLED else "failed"
        if stopped not in path:
            return [Step(name, "todo") for name in path]
        index = path.index(stopped)
        return [Step(name, "done" if i < index else end if i == index
                     else "todo") for i, name in enumerate(path)]
    return [Step(name, "todo") for name in path]


def can_abort(status, migration_type, version):
    """Nova accepts DELETE /servers/{id}/migrations/{mid} (abort)."""
    if family(migration_type) != "live":
        return False
    status = _norm(status)
    if version_at_least(version, versions.ABORT_QUEUED):
        return status in ABORTABLE_2_65
    if version_at_least(version, versions.ABORT_LIVE):
        return status in ABORTABLE_2_24
    return False


def can_force_complete(status, migration_type, version):
    """Nova accepts the force_complete action (running live only)."""
    return (family(migration_type) == "live" and
            _norm(status) == "running" and
            version_at_least(version, versions.FORCE_COMPLETE))


# ----------------------------------------------------------------- progress

@dataclasses.dataclass(frozen=True)
class Sample:
    """What Nova reported at ``at`` (seconds, any monotonic-ish clock)."""
    at: float
    memory_total: int = None
    memory_processed: int = None
    memory_remaining: int = None
    disk_total: int = None
    disk_processed: int = None
    disk_remaining: int = None

    def to_list(self):
        return [self.at, self.memory_total, self.memory_processed,
                self.memory_remaining, self.disk_total, self.disk_processed,
                self.disk_remaining]

    @classmethod
    def from_list(cls, values):
        values = list(values or [])[:7]
        values += [None] * (7 - len(values))
        return cls(*values)


def _int(value):
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def sample_of(record, at):
    """A Sample from a server-migration record (attrs or dict)."""
    def get(name):
        if isinstance(record, dict):
            return record.get(name)
        return getattr(record, name, None)
    return Sample(at=at,
                  memory_total=_int(get("memory_total")),
                  memory_processed=_int(get("memory_processed")),
                  memory_remaining=_int(get("memory_remaining")),
                  disk_total=_int(get("disk_total")),
                  disk_processed=_int(get("disk_processed")),
                  disk_remaining=_int(get("disk_remaining")))


def _done(total, processed, remaining):
    """Bytes done out of ``total`` (None when unknown); remaining wins over
    processed, which counts re-sent pages and can exceed the total."""
    if not total or total <= 0:
        return None
    if remaining is not None and remaining >= 0:
        return max(0, min(total, total - remaining))
    if processed is not None and processed >= 0:
        return min(total, processed)
    return None


def raw_percent(sample):
    """Percent transferred (0-100, float) or None when nothing is known.

    Memory and disk bytes are summed when Nova reports disk bytes (block
    migration); a disk total of 0 (shared storage, or Nova's usual 0) is
    ignored.
    """
    if sample is None:
        return None
    mem = _done(sample.memory_total, sample.memory_processed,
                sample.memory_remaining)
    disk = _done(sample.disk_total, sample.disk_processed,
                 sample.disk_remaining)
    done = total = 0
    if mem is not None:
        done, total = done + mem, total + sample.memory_total
    if disk is not None:
        done, total = done + disk, total + sample.disk_total
    if not total:
        return None
    return 100.0 * done / total


def _remaining(sample):
    """Bytes still to send (memory + disk) or None."""
    if sample is None:
        return None
    parts = []
    if sample.memory_remaining is not None:
        parts.append(max(0, sample.memory_remaining))
    elif sample.memory_total and sample.memory_processed is not None:
        parts.append(max(0, sample.memory_total - sample.memory_processed))
    if sample.disk_total and sample.disk_remaining is not None:
        parts.append(max(0, sample.disk_remaining))
    return sum(parts) if parts else None


def _processed(sample):
    parts = [v for v in (sample.memory_processed,
                         sample.disk_processed if sample.disk_total else None)
             if v is not None]
    return sum(parts) if parts else None


def rate(previous, current):
    """Bytes per second sent between two samples (re-sent pages count:
    they use the link too), or None."""
    if previous is None or current is None:
        return None
    elapsed = current.at - previous.at
    if elapsed <= 0:
        return None
    before, after = _processed(previous), _processed(current)
    if before is None or after is None or after < before:
        return None
    return (after - before) / elapsed


def eta(previous, current):
    """Seconds until nothing remains, from how fast ``remaining`` fell
    between the two samples; None when it did not fall (no estimate)."""
    if previous is None or current is None:
        return None
    elapsed = current.at - previous.at
    before, after = _remaining(previous), _remaining(current)
    if elapsed <= 0 or before is None or after is None:
        return None
    if after == 0:
        return 0.0
    drop = before - after
    if drop <= 0:
        return None
    return after / (drop / elapsed)


# Jitter below which a smaller percent is not called "going back".
BACKWARDS_TOLERANCE = 0.5


def resending(previous, current):
    """True when the remaining bytes grew: dirty memory is sent again."""
    before, after = _remaining(previous), _remaining(current)
    if before is None or after is None:
        return False
    return after > before


def stuck(samples, window, budget=None, elapsed=None):
    """(is_stuck, reason) for a live migration.

    Stuck when ``elapsed`` seconds exceed ``budget``, or when over the last
    ``window`` seconds of samples (oldest first) the remaining bytes never
    went below what remained at the start of the window.  Too few samples
    to cover the window: not stuck (yet).
    """
    if budget is not None and elapsed is not None and elapsed > budget:
        return True, "budget"
    points = [(s.at, _remaining(s)) for s in samples or ()
              if _remaining(s) is not None]
    if len(points) < 2 or window is None:
        return False, None
    latest = points[-1][0]
    start = None
    for at, remaining in points:
        if latest - at >= window:
            start = (at, remaining)  # newest sample at least window old
    if start is None:
        return False, None
    later = [r for at, r in points if at > start[0]]
    if later and min(later) >= start[1] and start[1] > 0:
        return True, "not-decreasing"
    return False, None


@dataclasses.dataclass
class Progress:
    """What to show for one in-progress live migration."""
    percent: int = None           # shown bar width, never moves back
    raw_percent: float = None     # what the newest sample alone says
    memory_total: int = None
    memory_processed: int = None
    memory_remaining: int = None
    disk_total: int = None
    disk_processed: int = None
    disk_remaining: int = None
    rate: float = None            # bytes/s
    eta: float = None             # seconds
    resending: bool = False       # remaining grew: dirty pages sent again
    stuck: bool = False
    stuck_reason: str = None      # budget | not-decreasing

    @property
    def known(self):
        return self.percent is not None

    @property
    def state(self):
        if self.stuck:
            return N_("stuck")
        if self.resending:
            return N_("re-sending dirty memory")
        if self.percent is None:
            return N_("no progress reported yet")
        return N_("transferring")


def _same_reading(a, b):
    return a.to_list()[1:] == b.to_list()[1:]


def _last_other_reading(samples):
    """The newest sample before the last one that reads other bytes than
    it, or None.  Nova updates the bytes every few seconds; two looks in
    between read the same numbers, which say nothing about the speed
    ("0 B/s" at 30 %), so the rate and the ETA wait for a reading that
    moved."""
    current = samples[-1]
    for sample in reversed(samples[:-1]):
        if not _same_reading(sample, current):
            return sample
    return None


def progress(samples, window=120.0, budget=None, elapsed=None,
             shown=None):
    """A :class:`Progress` from samples of one migration (oldest first).

    ``shown`` is the percent shown last time (if known): the new bar is
    never narrower than the widest one shown before.
    """
    samples = [s for s in samples or () if s is not None]
    if not samples:
        is_stuck, reason = stuck((), window, budget, elapsed)
        return Progress(stuck=is_stuck, stuck_reason=reason)
    current = samples[-1]
    previous = _last_other_reading(samples)
    now = raw_percent(current)
    best = shown
    for s in samples[:-1]:
        p = raw_percent(s)
        if p is not None and (best is None or p > best):
            best = p
    if now is None:
        percent = best
    elif best is not None and now < best:
        percent = best
    else:
        percent = now
    is_resending = resending(previous, current) or (
        now is not None and best is not None and
        best - now > BACKWARDS_TOLERANCE)
    is_stuck, reason = stuck(samples, window, budget, elapsed)
    return Progress(
        percent=None if percent is None else int(min(100, max(0, percent))),
        raw_percent=now,
        memory_total=current.memory_total,
        memory_processed=current.memory_processed,
        memory_remaining=current.memory_remaining,
        disk_total=current.disk_total or None,
        disk_processed=current.disk_processed if current.disk_total
        else None,
        disk_remaining=current.disk_remaining if current.disk_total
        else None,
        rate=rate(previous, current),
        eta=None if is_resending else eta(previous, current),
        resending=is_resending,
        stuck=is_stuck,
        stuck_reason=reason)


def keep_window(samples, window, limit=30):
    """The samples worth keeping for :func:`stuck` and :func:`eta`: those
    in the last ``window`` seconds plus the newest older one, at most
    ``limit``."""
    samples = sorted((s for s in samples or () if s is not None),
                     key=lambda s: s.at)
    if not samples:
        return []
    latest = samples[-1].at
    older = [s for s in samples if latest - s.at >= window]
    recent = [s for s in samples if latest - s.at < window]
    kept = older[-1:] + recent
    return kept[-limit:]


def duration(start, end):
    """Seconds between two datetimes (None if either is missing)."""
    if start is None or end is None:
        return None
    seconds = (end - start).total_seconds()
    return max(0.0, seconds)


def human_seconds(seconds):
    """"1h 02m", "3m 05s", "42s"; "-" when unknown."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return N_("%(hours)dh %(minutes)02dm",
                  hours=hours, minutes=minutes)
    if minutes:
        return N_("%(minutes)dm %(secs)02ds",
                  minutes=minutes, secs=secs)
    return N_("%(secs)ds", secs=secs)


def human_bytes(value):
    """Binary units: "512 B", "1.5 GiB"; "-" when unknown."""
    if value is None:
        return "-"
    value = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return ("%d %s" % (value, unit) if unit == "B"
                    else "%.1f %s" % (value, unit))
        value /= 1024.0
