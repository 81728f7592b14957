"""Required and forbidden Placement traits."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.wording import short_list


@rule(needs_destination=True)
def rule_traits(c):
    """Required/forbidden traits from the flavor, the image, vTPM and
    accelerators are Placement pre-filters on any scheduled move."""
    p, dst = c.p, c.dst
    if not p.required_traits and not p.forbidden_traits:
        return
    if dst.traits is None:
        c.add(
            NOTE,
            "traits-unknown",
            "Could not check the traits %s requires on %s: %s."
            % (
                p.label,
                dst.name,
                short_list(p.required_traits | p.forbidden_traits),
            ),
            "Read the resource provider traits of %s from Placement."
            % dst.name,
        )
        return
    sev = WARNING if c.forced else BLOCKER
    missing = p.required_traits - set(dst.traits)
    if missing:
        c.add(
            sev,
            "dest-missing-traits",
            "%s requires trait(s) %s, which %s lacks."
            % (p.label, short_list(missing), dst.name),
            "Choose a host that has them.",
            reason="lacks trait(s) %s" % short_list(missing),
        )
    present = p.forbidden_traits & set(dst.traits)
    if present:
        c.add(
            sev,
            "dest-forbidden-traits",
            "%s forbids trait(s) %s, which %s has."
            % (p.label, short_list(present), dst.name),
            "Choose a host without them.",
            reason="has forbidden trait(s) %s" % short_list(present),
        )


RULES = (
    rule_traits,
)
