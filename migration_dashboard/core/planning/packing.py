"""Predicting the scheduler for the rows it places: a first-fit-decreasing
packing of the moving instances over the enabled, up hosts, honouring
anti-affinity, affinity (members that move together), pinned zones and
required traits; plus why a hard-affinity group cannot move one member at a
time."""

from __future__ import annotations

from migration_dashboard.core.planning.model import Strategy, submission_key
from migration_dashboard.core.preflight import BLOCKER, NOTE, WARNING, Finding
from migration_dashboard.core.preflight.wording import both, short_list
from migration_dashboard.core.i18n import N_, NP_, joined

# The four Placement dimensions of a need or of free room, in this order.
_DIMENSIONS = ("RAM", "vCPUs", "PCPUs", "disk")


def _fmt_dim(i, value):
    if i == 0:
        return N_("%(gib)s GiB RAM",
                  gib=_gib(value))
    if i == 3:
        return N_("%(gib)d GiB disk",
                  gib=value)
    return "%d %s" % (value, _DIMENSIONS[i])


def _gib(mb):
    return ("%d" % (mb // 1024)) if mb % 1024 == 0 else "%.1f" % (mb / 1024)


def _traits_fit(required, forbidden, host):
    """Placement's trait pre-filter on ``host``: True, False, or None when
    its traits are unknown."""
    if not required and not forbidden:
        return True
    if host.traits is None:
        return None
    traits = set(host.traits)
    return required <= traits and not forbidden & traits


def restricted(e, up):
    """Whether some enabled, up host other than its source could not take
    ``e`` for its traits (unknown traits count as could not)."""
    p = e.p
    if p is None or not (p.required_traits or p.forbidden_traits):
        return False
    return any(
        _traits_fit(p.required_traits, p.forbidden_traits, h) is not True
        for h in up
        if e.src is None or h.name != e.src.name
    )


class _Unit:
    """Instances the scheduler must place together (an affinity group's
    moving members) or one instance."""

    __slots__ = ("entries", "need", "zones", "anti", "allowed", "soft",
                 "group", "required", "forbidden")

    def __init__(self, entries):
        self.entries = entries
        need = [0, 0, 0, 0]
        zones = set()
        required, forbidden = set(), set()
        for e in entries:
            p = e.p
            need[0] += p.ram
            need[1] += p.vcpu_need
            need[2] += p.pcpu_need
            need[3] += p.disk_need
            if e.inst.pinned_availability_zone:
                zones.add(e.inst.pinned_availability_zone)
            required |= p.required_traits
            forbidden |= p.forbidden_traits
        self.need = need
        self.zones = zones
        # Placement pre-filters hosts by traits before any weigher: the
        # packing must not predict a host that lacks them.
        self.required = frozenset(required)
        self.forbidden = frozenset(forbidden)
        self.anti = []  # (group, limit, hard)
        self.allowed = None  # host names, None = any
        self.soft = False  # soft-affinity unit: may be split
        self.group = None


def groups_of(p):
    return p.groups or ()


def pack(scheduled, hosts_by_name, usage, plan_findings):
    """Predict the scheduler: first-fit-decreasing over enabled, up hosts."""
    candidates = _candidate_hosts(scheduled, hosts_by_name, plan_findings)
    # Per host: [free [ram, vcpus, pcpus, disk], instance ids, Host].
    state = {h.name: [usage.free(h), usage.members(h), h] for h in candidates}
    # Roomiest first: the scheduler's default RAM weigher spreads.
    order = sorted(
        candidates,
        key=lambda h: (-(state[h.name][0][0] or 0), h.name),
    )
    _note_members_unknown(scheduled, candidates, state, plan_findings)
    units = _units(scheduled, state)
    units.sort(key=lambda u: min(submission_key(e) for e in u.entries))
    demand, total_free = _totals(units, candidates, state)
    initial = {n: list(s[0]) for n, s in state.items()}
    _note_capacity_unknown(candidates, state, demand, plan_findings)
    placed, unplaced = _place_all(units, order, state, usage)
    if unplaced:
        _report_shortage(units, unplaced, placed, demand, total_free,
                         (order, state, initial), plan_findings)


def _candidate_hosts(scheduled, hosts_by_name, plan_findings):
    """The enabled, up hosts other than the sources, by name; a note for
    each host whose state is unknown (its room is not counted)."""
    src_names = {e.src.name for e in scheduled}
    candidates = []
    for h in sorted(hosts_by_name.values(), key=lambda h: h.name):
        if h.name in src_names:
            continue
        if h.status == "enabled" and h.is_down is False:
            candidates.append(h)
        elif h.status is None or h.is_down is None:
            plan_findings.append(
                Finding(
                    NOTE,
                    "plan-host-state-unknown",
                    N_("Could not tell whether %(host)s is enabled and up;"
                       " its room is not counted.",
                       host=h.name),
                    N_("Read the compute services."),
                )
            )
    return candidates


def _note_members_unknown(scheduled, candidates, state, plan_findings):
    members_unknown = sorted(
        h.name for h in candidates if state[h.name][1] is None
    )
    if members_unknown and any(groups_of(e.p) for e in scheduled):
        plan_findings.append(
            Finding(
                NOTE,
                "plan-groups-unknown",
                N_("Could not check server-group members on"
                   " %(members_unknown)s; the prediction assumes none are"
                   " there.",
                   members_unknown=short_list(members_unknown)),
                N_("List the instances on every host."),
            )
        )


def _totals(units, candidates, state):
    """Demand and free capacity summed over the candidates (None:
    unknown), per dimension."""
    demand = [0, 0, 0, 0]
    for u in units:
        for i in range(4):
            demand[i] += u.need[i]
    total_free = [0, 0, 0, 0]
    for h in candidates:
        for i, v in enumerate(state[h.name][0]):
            if total_free[i] is None or v is None:
                total_free[i] = None
            else:
                total_free[i] += max(v, 0)
    return demand, total_free


def _note_capacity_unknown(candidates, state, demand, plan_findings):
    """A note per host whose free room is unknown in a dimension the
    instances need: the prediction assumes it has room."""
    for name in sorted(h.name for h in candidates):
        dims = [
            d
            for d, v, n in zip(_DIMENSIONS, state[name][0], demand)
            if v is None and n
        ]
        if not dims:
            continue
        plan_findings.append(
            Finding(
                NOTE,
                "plan-capacity-unknown",
                N_("Could not check the free %(resources)s of %(host)s; the"
                   " prediction assumes it has room.",
                   resources=joined(dims, N_(", ")), host=name),
                N_("Read Placement inventories and usages of %(host)s.",
                   host=name),
            )
        )


def _place_all(units, order, state, usage):
    """First fit of each unit in order: (instances placed, units left)."""
    placed_count = 0
    unplaced = []
    for u in units:
        host = _first_fit(u, order, state, soft_ok=False)
        if host is None and u.anti:
            host = _first_fit(u, order, state, soft_ok=True)
            if host is not None:
                _warn_anti_affinity_spread(u, host)
        if host is None and u.soft and len(u.entries) > 1:
            placed, left = _split_soft_affinity(u, order, state, usage)
            placed_count += placed
            unplaced += left
        elif host is None:
            unplaced.append(u)
        else:
            _place(u, host, state, usage)
            placed_count += len(u.entries)
    return placed_count, unplaced


def _warn_anti_affinity_spread(u, host):
    for e in u.entries:
        e.findings.append(
            Finding(
                WARNING,
                "plan-anti-affinity-spread",
                N_("No host without a member of %(instance)s's soft-anti-affinity"
                   " group has room; the scheduler will likely put it next to"
                   " one (on %(host)s).",
                   instance=e.name, host=host),
                N_("Accept it, or free a host."),
            )
        )


def _split_soft_affinity(u, order, state, usage):
    """No host takes the whole soft-affinity unit: the scheduler spreads
    its members; place them one by one.  (placed, units left)."""
    for e in u.entries:
        e.findings.append(
            Finding(
                WARNING,
                "plan-affinity-split",
                N_("No single host has room for all %(entries_count)d moving"
                   " members of soft-affinity group %(group)s"
                   " (%(needs_text)s); the scheduler will spread them.",
                   entries_count=len(u.entries),
                   group=u.group,
                   needs_text=_needs_text(u.need)),
                N_("Free a host, or accept the split."),
            )
        )
    placed, left = 0, []
    for s in [_Unit([e]) for e in u.entries]:
        s.anti = [a for a in u.anti]
        h = _first_fit(s, order, state, soft_ok=True)
        if h is None:
            left.append(s)
        else:
            _place(s, h, state, usage)
            placed += 1
    return placed, left


def _report_shortage(units, unplaced, placed, demand, total_free, packing,
                     plan_findings):
    """The plan-level shortage (BLOCKER when the total room is short, else
    a packing effect), then why each unit was left out."""
    m = sum(len(u.entries) for u in units)
    short = [
        (i, demand[i] - total_free[i])
        for i in range(4)
        if total_free[i] is not None and demand[i] > total_free[i]
    ]
    if short:
        shortage = joined([_fmt_dim(i, v) for i, v in short], N_(", "))
        headline = (
            N_("The other enabled, up hosts have room for only %(placed)d of"
               " %(total)d instances: %(shortage)s short.",
               placed=placed, total=m, shortage=shortage)
        )
    else:
        headline = (
            N_("The other enabled, up hosts have room for only %(placed)d of"
               " %(total)d instances as packed; their total room would suffice,"
               " so the scheduler may still place more.",
               placed=placed, total=m)
        )
    plan_findings.append(
        Finding(
            BLOCKER if short else WARNING,
            "plan-capacity-short",
            headline,
            N_("Free capacity on other hosts, enable more hosts, or exclude"
               " some instances."),
        )
    )
    order, state, initial = packing
    for u in unplaced:
        _report_unplaced(u, order, state, initial, headline, bool(short))


def _units(scheduled, state):
    """Affinity groups' moving members as one unit, others alone."""
    by_group = {}
    units = []
    for e in scheduled:
        aff = None
        for g in groups_of(e.p):
            if "affinity" in (g.policy or "").lower() and "anti" not in (
                g.policy or ""
            ).lower():
                aff = g
                break
        if aff is None:
            units.append(_Unit([e]))
        else:
            by_group.setdefault(aff.id, (aff, []))[1].append(e)
    for gid in sorted(by_group):
        g, members = by_group[gid]
        u = _Unit(members)
        u.group = g.name or g.id
        u.soft = (g.policy or "").lower().startswith("soft-")
        moving = {e.instance_id for e in members}
        outside = set(g.members) - moving
        holders = {
            name
            for name, (free, ids, h) in state.items()
            if ids is not None and outside & ids
        }
        if holders:
            u.allowed = holders
        units.append(u)
    for u in units:
        seen = set()
        for e in u.entries:
            for g in groups_of(e.p):
                policy = (g.policy or "").lower()
                if "anti-affinity" not in policy or g.id in seen:
                    continue
                seen.add(g.id)
                hard = not policy.startswith("soft-")
                limit = max(1, g.max_server_per_host) if hard else 1
                u.anti.append((g, limit, hard))
    return units


def _fits(u, name, free, ids, host, soft_ok, capacity_only=False):
    for i in range(4):
        if u.need[i] and free[i] is not None and free[i] < u.need[i]:
            return False
    if capacity_only:
        return True
    if _traits_fit(u.required, u.forbidden, host) is False:
        return False  # unknown traits: assumed to fit (noted elsewhere)
    if u.allowed is not None and name not in u.allowed:
        return False
    if u.zones and host.zone is not None and u.zones != {host.zone}:
        return False
    if u.anti and ids is not None:
        for g, limit, hard in u.anti:
            if not hard and soft_ok:
                continue
            mine = sum(1 for e in u.entries if e.instance_id in g.members)
            there = sum(1 for m in g.members if m in ids)
            if there + mine > limit:
                return False
    return True


def _first_fit(u, order, state, soft_ok):
    for h in order:
        free, ids, host = state[h.name]
        if _fits(u, h.name, free, ids, host, soft_ok):
            return h.name
    return None


def _place(u, name, state, usage):
    s = state[name]
    free = s[0]
    for i in range(4):
        if free[i] is not None:
            free[i] -= u.need[i]
    new_ids = frozenset(e.instance_id for e in u.entries)
    if s[1] is not None:
        s[1] = s[1] | new_ids
    for e in u.entries:
        e.expected_host = name
        usage.add(name, e.p)


def _needs_text(need):
    return joined([_fmt_dim(i, v) for i, v in enumerate(need) if v],
                  N_(", "))


def _report_unplaced(u, order, state, initial, headline, certain):
    """Say why the packing left ``u`` out, BLOCKER when certain."""
    any_capacity = any(
        _fits(u, h.name, initial[h.name], None, h, True, capacity_only=True)
        for h in order
    )
    could_alone = any(
        _fits(u, h.name, initial[h.name], state[h.name][1], h, False)
        for h in order
    )
    names = joined([e.name for e in u.entries], N_(", "))
    hard_anti = [g for g, limit, hard in u.anti if hard]
    if hard_anti and any_capacity and not could_alone:
        g = hard_anti[0]
        code = "plan-anti-affinity-spread"
        message = (
            NP_("%(names)s is in anti-affinity group %(group)s (at most"
                " %(limit)d member per host); no enabled, up host with room"
                " is free of its members, so the scheduler refuses.",
                "%(names)s is in anti-affinity group %(group)s (at most"
                " %(limit)d members per host); no enabled, up host with room"
                " is free of its members, so the scheduler refuses.",
                max(1, g.max_server_per_host),
                names=names,
                group=g.name or g.id,
                limit=max(1, g.max_server_per_host))
        )
        severity = BLOCKER
    elif u.allowed is not None and not could_alone:
        code = "plan-affinity-together"
        message = (
            N_("%(names)s must join the other members of affinity group"
               " %(group)s on %(allowed)s, which lacks room for"
               " %(needs_text)s.",
               names=names,
               group=u.group,
               allowed=short_list(u.allowed),
               needs_text=_needs_text(u.need))
        )
        severity = BLOCKER if not u.soft else WARNING
    elif (u.required or u.forbidden) and not could_alone:
        code = "plan-capacity-short"
        able = [
            h.name for h in order
            if _traits_fit(u.required, u.forbidden, h) is not False
        ]
        wants = []
        if u.required:
            wants.append(N_("trait(s) %(required)s",
                            required=short_list(u.required)))
        if u.forbidden:
            wants.append(N_("none of %(forbidden)s",
                            forbidden=short_list(u.forbidden)))
        wants = both(wants)
        if able:
            message = (
                N_("%(names)s can only go to a host with %(wants)s: %(able)s,"
                   " which %(lacks)s room for it (needs %(needs_text)s).",
                   names=names,
                   wants=wants,
                   able=short_list(able),
                   lacks=NP_("lacks", "lack", len(able)),
                   needs_text=_needs_text(u.need))
            )
        else:
            message = (
                N_("%(names)s needs a host with %(wants)s; no other enabled,"
                   " up host has them, so Placement finds none.",
                   names=names, wants=wants)
            )
        severity = BLOCKER
    else:
        code = "plan-capacity-short"
        if not could_alone:
            message = (
                N_("No enabled, up host has room for %(names)s (needs"
                   " %(needs_text)s). %(headline)s",
                   names=names,
                   needs_text=_needs_text(u.need),
                   headline=headline)
            )
            severity = BLOCKER
        else:
            message = N_("%(names)s needs %(needs_text)s. %(headline)s",
                         names=names,
                         needs_text=_needs_text(u.need),
                         headline=headline)
            severity = BLOCKER if certain else WARNING
    for e in u.entries:
        e.findings.append(
            Finding(
                severity,
                code,
                message,
                N_("Free capacity on other hosts, enable more hosts, or"
                   " exclude some instances."),
            )
        )
        if severity is BLOCKER:
            e.block_it(N_("no room predicted: %(why)s", why=message))


# Affinity groups that cannot move one member at a time -----------------------


def affinity_notes(entries, hosts_by_name, usage):
    """A hard-affinity group whose members are all on the source is refused
    by the scheduler one member at a time (pre-flight says so on each
    row); say which hosts could take the whole group together."""
    groups = {}
    for e in entries:
        if e.p is None or e.strategy is not Strategy.BLOCKED:
            continue
        if not any(f.code == "affinity-conflict" for f in e.findings):
            continue
        for g in groups_of(e.p):
            if (g.policy or "").lower() == "affinity":
                groups.setdefault(g.id, (g, []))[1].append(e)
    for gid in sorted(groups):
        g, members = groups[gid]
        need = _Unit(members).need
        src = members[0].src.name
        room = [
            h.name
            for h in sorted(hosts_by_name.values(), key=lambda h: h.name)
            if h.name != src
            and h.status == "enabled"
            and h.is_down is False
            and all(
                v is None or v >= n for v, n in zip(usage.free(h), need)
            )
        ]
        said = dict(group=g.name or g.id, members_count=len(members),
                    needs_text=_needs_text(need))
        if room:
            message = (
                NP_("Affinity group %(group)s (%(members_count)d member here,"
                    " %(needs_text)s) can only move together: %(room)s"
                    " %(has)s room for all of them. Nova accepts that only as"
                    " forced live migrations to one host (microversion 2.30"
                    " to 2.67 with force, or below 2.30).",
                    "Affinity group %(group)s (%(members_count)d members"
                    " here, %(needs_text)s) can only move together: %(room)s"
                    " %(has)s room for all of them. Nova accepts that only as"
                    " forced live migrations to one host (microversion 2.30"
                    " to 2.67 with force, or below 2.30).",
                    len(members),
                    **said,
                    room=short_list(room),
                    has=NP_("has", "have", len(room)))
            )
            severity = NOTE
        else:
            message = (
                NP_("Affinity group %(group)s (%(members_count)d member here)"
                    " needs one host with room for all of them"
                    " (%(needs_text)s); no enabled, up host has it.",
                    "Affinity group %(group)s (%(members_count)d members"
                    " here) needs one host with room for all of them"
                    " (%(needs_text)s); no enabled, up host has it.",
                    len(members),
                    **said)
            )
            severity = WARNING
        for e in members:
            e.findings.append(
                Finding(
                    severity,
                    "plan-affinity-together",
                    message,
                    N_("Exclude the group and move it by hand, or delete and"
                       " recreate its members."),
                )
            )

