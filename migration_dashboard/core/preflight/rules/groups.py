"""Server groups: affinity and anti-affinity."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.wording import short_list
from migration_dashboard.core.i18n import N_, NP_


def rule_server_groups(c):
    """ServerGroup(Anti)AffinityFilter: anti-affinity counts members on the
    destination (max_server_per_host, default 1); affinity accepts only a
    host that already holds a member (the source is always excluded)."""
    groups = c.p.groups
    if groups is None:
        c.add(
            NOTE,
            "groups-unknown",
            N_("Could not check the server groups of %(instance)s.",
               instance=c.p.label),
            N_("Read the server groups (all projects)."),
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
            N_("%(instance)s is in affinity group %(gname)s and all its other"
               " members are on %(source)s; the scheduler accepts only a host"
               " that holds a member, and never the source.",
               instance=label, gname=gname, source=c.src.name),
            N_("A hard-affinity group cannot be moved one member at a time;"
               " choose a host that already holds a member."),
        )
    else:
        c.add(
            NOTE,
            "group-scheduler",
            N_("%(instance)s is in %(policy)s group %(gname)s; the scheduler"
               " will honour the policy.",
               instance=label, policy=policy, gname=gname),
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
            N_("Could not check %(policy)s group %(gname)s on"
               " %(destination)s: its instances are unknown.",
               policy=policy, gname=gname, destination=c.dst.name),
            N_("List the instances on %(destination)s.",
               destination=c.dst.name),
        )
        return
    # A hard policy is the scheduler's filter; a soft one only its weigher.
    severity = BLOCKER if hard else WARNING
    said = dict(instance=label, policy=policy, gname=gname,
                destination=c.dst.name)
    if "anti-affinity" in policy:
        limit = max(1, g.max_server_per_host) if hard else 1
        if len(on_dst) >= limit:
            c.add(
                severity,
                "anti-affinity-conflict",
                NP_("%(instance)s is in %(policy)s group %(gname)s;"
                    " %(destination)s already holds %(on_dst_count)d member"
                    " of it (%(members)s)%(refusal)s.",
                    "%(instance)s is in %(policy)s group %(gname)s;"
                    " %(destination)s already holds %(on_dst_count)d members"
                    " of it (%(members)s)%(refusal)s.",
                    len(on_dst),
                    **said,
                    on_dst_count=len(on_dst),
                    members=short_list(g.name_of(m) for m in on_dst),
                    refusal=N_(", so the scheduler refuses") if hard else ""),
                N_("Choose a host without members of %(gname)s.",
                   gname=gname),
                reason=NP_("%(policy)s peer %(peers)s there",
                           "%(policy)s peers %(peers)s there",
                           len(on_dst), policy=policy,
                           peers=short_list(g.name_of(m) for m in on_dst)),
            )
    elif "affinity" in policy and not on_dst:
        c.add(
            severity,
            "affinity-conflict",
            NP_("%(instance)s is in %(policy)s group %(gname)s, but"
                " %(destination)s holds none of its other %(others_count)d"
                " member%(refusal)s.",
                "%(instance)s is in %(policy)s group %(gname)s, but"
                " %(destination)s holds none of its other %(others_count)d"
                " members%(refusal)s.",
                len(others),
                **said,
                others_count=len(others),
                refusal=N_("; the scheduler refuses") if hard else ""),
            N_("Choose a host that already holds a member of %(gname)s.",
               gname=gname),
            reason=N_("holds no member of %(policy)s group %(gname)s",
                      policy=policy, gname=gname),
        )


RULES = (
    rule(rule_server_groups),
)
