"""The drain queue: which moves of a drain (or of a move back) go to Nova
now, and which wait.

Nova runs live migrations ``max_concurrent_live_migrations`` at a time per
source compute but accepts every request at once, and nothing bounds cold
migrations; an operator draining a host wants "no more than N at a time".
The queue keeps no state of its own: each time someone looks at the drain,
what is in flight and what still waits is read from Nova again, and the
first free places go to the head of the queue.  The queue's order is the
plan's submission order, host-restricted moves first (see
:func:`planning.submission_key`): they are the head, so they are placed
before the others fill the few hosts that can take them.

Two Horizon workers looking at once pick the same instances (the head of
the same queue, a deterministic prefix); Nova refuses the second move of an
instance that is already moving (its task state), so nothing is sent twice.
"""
import dataclasses
import re
from typing import Optional
from typing import Union
from migration_dashboard.core.i18n import N_

# Bounds of N, the moves in flight at once.
MIN_IN_FLIGHT = 1
MAX_IN_FLIGHT = 50
DEFAULT_IN_FLIGHT = 2

LIVE = "live"
COLD = "cold"

# ASCII digits only (str.isdigit() accepts other scripts' digits), short
# enough that int() never meets a 5,000-digit value.
_DIGITS = re.compile(r"^[0-9]{1,3}$")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One move of the submitted plan, as it will be sent."""
    id: str
    name: str = ""
    kind: str = LIVE  # LIVE or COLD
    destination: Optional[str] = None  # None: the scheduler chooses
    block: Union[bool, str, None] = None  # live only: True, False, "auto"
    restricted: bool = False

    def to_plain(self):
        """A tuple of plain values (for a cache that pickles or not)."""
        return (self.id, self.name, self.kind, self.destination, self.block,
                self.restricted)

    @classmethod
    def from_plain(cls, values):
        return cls(*values)


def entries_from_plan(plan):
    """The queue of a planning.Plan: its moving rows in submission order."""
    out = []
    for instance_id in plan.order:
        row = plan.row(instance_id)
        kind = COLD if row.strategy.value == "cold" else LIVE
        block = None
        if kind == LIVE:
            block = row.block_migration if row.block_migration is not None \
                else "auto"
        out.append(Entry(id=row.instance_id, name=row.name or "",
                         kind=kind, destination=row.destination,
                         block=block, restricted=bool(row.restricted)))
    return out


@dataclasses.dataclass(frozen=True)
class QueueState:
    limit: int
    in_flight: tuple  # ids of the moves Nova has under way (host-wide)
    queued: tuple  # Entry, in queue order, not sent yet
    to_send: tuple  # Entry: the head of the queue that fits now

    @property
    def free(self):
        return max(0, self.limit - len(self.in_flight))

    def position(self, instance_id):
        """(k, n): the k-th of n queued moves; None when not queued."""
        for k, entry in enumerate(self.queued, 1):
            if entry.id == instance_id:
                return k, len(self.queued)
        return None

    @property
    def waiting(self):
        """Queued moves that cannot go yet (every place is taken)."""
        return len(self.queued) - len(self.to_send)


def derive(entries, waiting_ids, in_flight_ids, limit, refused=()):
    """The queue now.

    ``entries``: the submitted moves in queue order; ``waiting_ids``: those
    of them Nova still shows where they were, idle, with no move since the
    drain began; ``in_flight_ids``: every move Nova has under way off the
    host (drain) or onto it (move back), the drain's or not, lost requests
    excluded (they never finish and would hold a place for ever);
    ``refused``: ids Nova refused while queued (they fail, the queue goes
    on); ``limit``: N."""
    limit = max(MIN_IN_FLIGHT, int(limit))
    waiting_ids = set(waiting_ids)
    refused = set(refused)
    in_flight = tuple(sorted(set(in_flight_ids)))
    queued = tuple(e for e in entries
                   if e.id in waiting_ids and e.id not in refused and
                   e.id not in in_flight)
    free = max(0, limit - len(in_flight))
    return QueueState(limit=limit, in_flight=in_flight, queued=queued,
                      to_send=queued[:free])


def parse_limit(raw, default=DEFAULT_IN_FLIGHT):
    """(N, None) from a form or URL value, or (None, error text) when it is
    not a whole number in MIN_IN_FLIGHT..MAX_IN_FLIGHT; empty: the
    default (None stays None: "not given")."""
    if raw is None or str(raw).strip() == "":
        return (clamp(default) if default is not None else None), None
    text = str(raw).strip()
    if not _DIGITS.match(text):
        return None, N_("not a whole number")
    value = int(text)
    if not MIN_IN_FLIGHT <= value <= MAX_IN_FLIGHT:
        return None, N_("outside %(min_in_flight)d..%(max_in_flight)d",
                        min_in_flight=MIN_IN_FLIGHT,
                        max_in_flight=MAX_IN_FLIGHT)
    return value, None


def clamp(value):
    """A configured default brought into MIN_IN_FLIGHT..MAX_IN_FLIGHT."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = DEFAULT_IN_FLIGHT
    return min(MAX_IN_FLIGHT, max(MIN_IN_FLIGHT, value))
