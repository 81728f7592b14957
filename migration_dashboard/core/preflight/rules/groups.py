"""Server groups: affinity and anti-affinity."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.wording import short_list


@rule()
def rule_server_groups(c):
    """ServerGroup(Anti)AffinityFilter: anti-affinity counts members on the
    destination (max_server_per_host, default 1); affinity accepts only a
    host that already holds a member (the source is always excluded)."""
    groups = c.p.groups
    if groups is None:
        c.add(
            NOTE,
            "groups-unknown",
            "Could not check the server groups of %s." % c.p.label,
            "Read the server groups (all projects).",
        )
        return
    for g in groups:
        others = set(g.members) - {c.inst.id}
        if not others:
            continue
        if c.dst is None:
            _group_with_scheduler(c, g, others)
        else:
            _group_on_destination(c, g, others)


def _group_with_scheduler(c, g, others):
    """No destination: only a hard-affinity group whose other members are
    all on the source is certain to fail."""
    label, policy, gname = c.p.label, (g.policy or "").lower(), g.name or g.id
    on_src = c.members_on(c.src, others)
    if policy == "affinity" and on_src == others:
        c.add(
            BLOCKER,
            "affinity-conflict",
            "%s is in affinity group %s and all its other members are"
            " on %s; the scheduler accepts only a host that holds a"
            " member, and never the source." % (label, gname, c.src.name),
            "A hard-affinity group cannot be moved one member at a"
            " time; choose a host that already holds a member.",
        )
    else:
        c.add(
            NOTE,
            "group-scheduler",
            "%s is in %s group %s; the scheduler will honour the"
            " policy." % (label, policy, gname),
        )


def _group_on_destination(c, g, others):
    """The members of ``g`` on the chosen destination, once the earlier
    moves of the plan are done, against the group's policy."""
    label, policy, gname = c.p.label, (g.policy or "").lower(), g.name or g.id
    hard = not policy.startswith("soft-")
    on_dst = c.members_on(c.dst, others)
    if on_dst is None:
        c.add(
            NOTE,
            "group-dest-unknown",
            "Could not check %s group %s on %s: its instances are unknown."
            % (policy, gname, c.dst.name),
            "List the instances on %s." % c.dst.name,
        )
        return
    if "anti-affinity" in policy:
        limit = max(1, g.max_server_per_host) if hard else 1
        if len(on_dst) >= limit:
            c.add(
                BLOCKER if hard else WARNING,
                "anti-affinity-conflict",
                "%s is in %s group %s; %s already holds %d member(s) of it"
                " (%s)%s."
                % (
                    label,
                    policy,
                    gname,
                    c.dst.name,
                    len(on_dst),
                    short_list(g.name_of(m) for m in on_dst),
                    ", so the scheduler refuses" if hard else "",
                ),
                "Choose a host without members of %s." % gname,
                reason="%s peer%s %s there" % (
                    policy, "s" if len(on_dst) > 1 else "",
                    short_list(g.name_of(m) for m in on_dst)),
            )
    elif "affinity" in policy and not on_dst:
        c.add(
            BLOCKER if hard else WARNING,
            "affinity-conflict",
            "%s is in %s group %s, but %s holds none of its other %d"
            " member(s)%s."
            % (
                label,
                policy,
                gname,
                c.dst.name,
                len(others),
                "; the scheduler refuses" if hard else "",
            ),
            "Choose a host that already holds a member of %s." % gname,
            reason="holds no member of %s group %s" % (policy, gname),
        )


RULES = (
    rule_server_groups,
)
