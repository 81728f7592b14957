"""What a pre-flight rule works with: :class:`Context` (one instance, its
source, a destination and the request), :class:`Usage` (what earlier moves
of a plan put on a destination) and the :func:`rule` declaration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from migration_dashboard.core import versions
from migration_dashboard.core.preflight.model import AUTO, BLOCKER, Finding
from migration_dashboard.core.states import Kind


class Usage:
    """What earlier moves of a plan put on one destination (check_many)."""

    __slots__ = ("vcpus", "pcpus", "ram", "disk", "numa", "arrived")

    def __init__(self):
        self.vcpus = self.pcpus = self.ram = self.disk = 0
        self.numa = {}  # cell id -> [pcpus, ram_mb]
        self.arrived = set()  # instance ids moved here by the plan


_NO_USAGE = Usage()


class Context:
    """What one rule sees: the profile, the hosts, the request and what
    earlier moves of a plan did; ``add`` records a finding."""

    __slots__ = (
        "p",
        "inst",
        "src",
        "dst",
        "req",
        "kind",
        "mv",
        "block",
        "forced",
        "used",
        "usage",
        "moved",
        "out",
    )

    def __init__(self, p, src, dst, req, usage=None, moved=frozenset(),
                 scheduled=False):
        """``scheduled``: ``dst`` is one of the hosts the scheduler may
        pick (no destination chosen), so nothing is forced."""
        self.p = p
        self.inst = p.inst
        self.src = src
        self.dst = dst
        self.req = req
        self.kind = req.kind
        self.mv = mv = versions.parse(req.microversion)
        block = req.block_migration
        if block is None:
            block = AUTO if mv >= versions.BLOCK_MIGRATION_AUTO else False
        self.block = block
        # A forced move skips the scheduler (and its filters).
        if dst is None or scheduled:
            self.forced = False
        elif self.kind is Kind.LIVE:
            self.forced = mv < versions.LIVE_MIGRATE_FORCE or (
                req.force and mv < versions.FORCE_REMOVED
            )
        elif self.kind is Kind.EVACUATE:
            self.forced = mv < versions.EVACUATE_FORCE or (
                req.force and mv < versions.FORCE_REMOVED
            )
        else:
            self.forced = False
        self.usage = usage or {}
        self.used = self.usage.get(dst.name, _NO_USAGE) if dst else _NO_USAGE
        self.moved = moved
        self.out = []

    def add(self, severity, code, message, remedy="", reason=""):
        self.out.append(Finding(severity, code, message, remedy, reason))

    def computes_older_than(self, needed):
        """The oldest nova-compute's service version when it is known and
        older than ``needed``, else None."""
        svc = self.req.compute_service_version
        return svc if svc is not None and svc < needed else None

    def block_if_computes_older(self, needed, code, message, remedy):
        """Add the BLOCKER ``code`` when the oldest nova-compute is older
        than service version ``needed``; ``message(svc)`` builds its text
        from that oldest version (only known here).  True when added, so
        the rule can skip what it says for up-to-date computes."""
        svc = self.computes_older_than(needed)
        if svc is None:
            return False
        self.add(BLOCKER, code, message(svc), remedy)
        return True

    def members_on(self, host, others):
        """Members of ``others`` on ``host`` once earlier moves are done."""
        ids = host.instance_ids
        if ids is None:
            return None
        arrived = (
            self.usage[host.name].arrived if host.name in self.usage else ()
        )
        return {
            m
            for m in others
            if (m in ids and m not in self.moved) or m in arrived
        }


@dataclass(frozen=True)
class Rule:
    fn: Callable
    kinds: frozenset
    needs_destination: bool
    # Also runs when the destination is the source itself (to say so).
    on_source: bool = False


_ALL = frozenset(Kind)


def rule(fn, kinds=_ALL, needs_destination=False, on_source=False):
    """The :class:`Rule` of ``fn``: it runs for ``kinds`` and, when
    ``needs_destination``, only when a destination other than the source
    was chosen (``on_source``: also when it is the source).  Each rules
    module lists its rules in its ``RULES`` tuple after their definitions,
    not with a decorator, because mutmut 3.8.1 does not mutate decorated
    functions (docs/mutation.md); ``rules.RULES`` fixes the order in which
    the rules run."""
    return Rule(fn, frozenset(kinds), needs_destination, on_source)
