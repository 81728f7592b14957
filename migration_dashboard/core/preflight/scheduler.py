"""When no destination is chosen: every candidate host is checked.

Nova's scheduler places a move on an enabled, up compute that passes its
filters (capacity in Placement, traits, availability zone, server groups,
NUMA) and, for live migration, the conductor's hypervisor checks.  With
"let the scheduler choose" the pre-flight therefore runs the destination
rules against every other host and says what the scheduler can do:

* no host can take the instance: a BLOCKER (``no-valid-host``) naming each
  host and why -- Nova would answer "No valid host was found";
* some can: a NOTE (``scheduler-candidates``) naming them, with every other
  host's reason in :attr:`Finding.details` (shown collapsed).

Both messages are free of the instance's name, so the same verdict on every
row of a plan reads the same and a page can say it once (see
:mod:`.summary`).

Speed: a host's verdict depends on the instance only through what its flavor
and image ask for (and its zone), so it is computed once per such
signature and host, and again only when what the plan already put on the
host leaves too little room (:func:`.rules.capacity.room_left`).  An
instance in a server group with other members is checked on its own.
"""

from __future__ import annotations

from migration_dashboard.core.preflight.context import Context
from migration_dashboard.core.preflight.model import (
    BLOCKER,
    NOTE,
    WARNING,
    Finding,
)
from migration_dashboard.core.preflight.rules import RULES
from migration_dashboard.core.preflight.rules.capacity import room_left
from migration_dashboard.core.preflight.rules.groups import rule_server_groups
from migration_dashboard.core.preflight.wording import first_names
from migration_dashboard.core.i18n import N_, NP_, joined

NO_VALID_HOST = "no-valid-host"
CANDIDATES = "scheduler-candidates"
CODES = frozenset((NO_VALID_HOST, CANDIDATES))

# How many hosts the headline names before "and N more" (every host is in
# the details).
_NAMED = 8


def service_reason(host):
    """Why the scheduler never considers ``host`` from its compute service
    alone: "" when it may, None when its state is unknown."""
    if host.forced_down:
        return N_("forced down")
    if host.state == "down":
        return N_("down")
    if host.status is not None and host.status != "enabled":
        if host.disabled_reason:
            return N_("disabled (reason: '%(disabled_reason)s')",
                      disabled_reason=host.disabled_reason)
        return N_("disabled")
    if host.status is None or host.state is None:
        return None
    return ""


_rules = {}


def _destination_rules(kind):
    """The destination rules for ``kind`` and the server-group rule (which
    looks at the members on a destination when it has one), but the
    service rule: a host's service is judged by :func:`service_reason`
    before any rule runs."""
    fns = _rules.get(kind)
    if fns is None:
        fns = _rules[kind] = tuple(
            r.fn for r in RULES
            if kind in r.kinds and not r.on_source
            and (r.needs_destination or r.fn is rule_server_groups))
    return fns


def _signature(p):
    """What the destination rules read of the instance, or None when its
    verdicts cannot be shared (a server group with other members)."""
    for g in p.groups or ():
        if len(g.members) > 1 or (g.members and p.inst.id not in g.members):
            return None
    key = (p.vcpus, p.ram, p.disk_need, p.inst.pinned_availability_zone,
           tuple(p.es.items()), tuple(p.img.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


class Candidates:
    """Every other host of a cloud as a destination the scheduler may pick,
    for one source; keeps the verdicts of one page (never shared between
    requests)."""

    def __init__(self, source, hosts):
        self.source = source
        self.hosts = sorted(
            (h for h in hosts if h.name != source.name),
            key=lambda h: h.name)
        self._hosts = [(h, h.name, service_reason(h)) for h in self.hosts]
        self._cache = {}
        self._room = {}
        self._findings = {}

    def verdicts(self, p, req, usage=None, moved=frozenset()):
        """[(host, reasons, cautions)] for every host: ``reasons`` why the
        scheduler cannot place ``p`` there (empty: it can), ``cautions``
        what a move there risks (warnings), both short and label-free."""
        usage = usage or {}
        sig = _signature(p)
        shared = room = None
        if sig is not None:
            key = (sig, req.kind, req.block_migration, req.microversion,
                   req.compute_service_version)
            shared = self._cache.get(key)
            if shared is None:
                shared = self._cache[key] = {}
                self._room[key] = {}
            room = self._room[key]
        out = []
        for host, name, why in self._hosts:
            if why:
                out.append((host, (why,), ()))
                continue
            u = usage.get(name)
            if shared is None:
                reasons, cautions = self._run(p, host, req, usage, moved)
            else:
                # The verdict before the plan puts anything anywhere; the
                # rules run again only when what the plan put on the host
                # leaves too little room (checked after new arrivals).
                hit = shared.get(name)
                if hit is None:
                    hit = shared[name] = self._run(p, host, req, None,
                                                   frozenset())
                reasons, cautions = hit
                if u is not None and not reasons:
                    arrived = len(u.arrived)
                    if room.get(name) != arrived:
                        if room_left(p, host, u):
                            room[name] = arrived
                        else:
                            reasons, cautions = self._run(p, host, req,
                                                          usage, moved)
            if why is None:
                cautions = (N_("compute service state unknown"),) + cautions
            out.append((host, reasons, cautions))
        return out

    def _run(self, p, host, req, usage, moved):
        c = Context(p, self.source, host, req, usage, moved, scheduled=True)
        for fn in _destination_rules(req.kind):
            fn(c)
        reasons = tuple(f.reason or f.message for f in c.out
                        if f.severity is BLOCKER)
        cautions = tuple(f.reason or f.message for f in c.out
                         if f.severity is WARNING)
        return reasons, cautions

    def finding(self, p, req, usage=None, moved=frozenset()):
        """(the finding about the scheduler's choice, the host it would
        most likely pick or None)."""
        verdicts = self.verdicts(p, req, usage, moved)
        usable = [h for h, reasons, _ in verdicts if not reasons]
        # Many instances of a plan get the same verdicts: one finding.
        key = tuple([v[1:] for v in verdicts])
        finding = self._findings.get(key)
        if finding is None:
            if len(self._findings) > 1000:
                self._findings.clear()
            finding = self._findings[key] = self._make(verdicts, usable)
        if not usable:
            return finding, None
        return finding, _roomiest(usable, usage or {})

    def _make(self, verdicts, usable):
        details = tuple(
            N_("%(host)s: %(reasons)s", host=h.name,
               reasons=joined(reasons or cautions, N_("; ")))
            for h, reasons, cautions in verdicts if reasons or cautions)
        if not usable:
            return self._none(verdicts, details)
        names = [h.name for h in usable]
        others = len(verdicts) - len(usable)
        if others:
            message = NP_("The scheduler will choose among %(names)s"
                          " (%(usable)d of %(hosts)d hosts); the other"
                          " %(count)d cannot take it.",
                          "The scheduler will choose among %(names)s"
                          " (%(usable)d of %(hosts)d hosts); the other"
                          " %(count)d cannot take it.",
                          others, names=first_names(names, _NAMED),
                          usable=len(usable), hosts=len(verdicts))
        else:
            message = N_("The scheduler will choose among %(names)s (every"
                         " other host).",
                         names=first_names(names, _NAMED))
        cautioned = [c for h, reasons, c in verdicts if not reasons and c]
        severity = NOTE
        if len(cautioned) == len(usable):
            # Whichever host the scheduler picks, the move carries a risk.
            severity = WARNING
            message = N_("%(choice)s Every one of them has a caution: see"
                         " the details.", choice=message)
        return Finding(severity, CANDIDATES, message,
                       N_("Choose a destination to check one host in detail."),
                       details=details)

    def _none(self, verdicts, details):
        if not verdicts:
            message = (N_("There is no other compute host, so Nova's"
                          " scheduler would answer 'No valid host was found'."))
        else:
            named = [N_("%(host)s: %(reasons)s", host=h.name,
                        reasons=reasons[0])
                     for h, reasons, _ in verdicts[:_NAMED]]
            more = len(verdicts) - _NAMED
            message = (N_("No host can take it, so Nova's scheduler would"
                          " answer 'No valid host was found':"
                          " %(hosts)s%(more)s.",
                          hosts=joined(named, N_("; ")),
                          more=NP_("; and %(count)d more",
                                    "; and %(count)d more", more)
                          if more > 0 else ""))
        return Finding(BLOCKER, NO_VALID_HOST, message,
                       N_("Enable a host, free room on one, or change what"
                          " blocks the others (see the reasons)."),
                       reason=N_("no host can take it (Nova's scheduler would"
                                 " answer 'No valid host was found')"),
                       details=details)



def _roomiest(hosts, usage):
    """The host Nova's default RAM weigher prefers: the most free RAM left
    after what the plan put there (unknown counts as none; the first by
    name on a tie)."""
    best, best_free = None, None
    for h in hosts:
        u = usage.get(h.name)
        free = (h.free_ram_mb or 0) - (u.ram if u is not None else 0)
        if best is None or free > best_free:
            best, best_free = h, free
    return best
