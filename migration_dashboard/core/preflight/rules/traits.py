"""Required and forbidden Placement traits."""

from migration_dashboard.core.preflight.context import rule
from migration_dashboard.core.preflight.model import BLOCKER, NOTE, WARNING
from migration_dashboard.core.preflight.wording import short_list
from migration_dashboard.core.i18n import N_


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
            N_("Could not check the traits %(instance)s requires on"
               " %(destination)s: %(required_traits)s.",
               instance=p.label,
               destination=dst.name,
               required_traits=short_list(p.required_traits | p.forbidden_traits)),
            N_("Read the resource provider traits of %(destination)s from"
               " Placement.",
               destination=dst.name),
        )
        return
    sev = WARNING if c.forced else BLOCKER
    missing = p.required_traits - set(dst.traits)
    if missing:
        c.add(sev, "dest-missing-traits", *_traits_said(
            c, "missing", missing,
            N_("%(instance)s requires trait(s) %(missing)s, which"
               " %(destination)s lacks."),
            N_("Choose a host that has them."),
            N_("lacks trait(s) %(missing)s"),
        ))
    present = p.forbidden_traits & set(dst.traits)
    if present:
        c.add(sev, "dest-forbidden-traits", *_traits_said(
            c, "present", present,
            N_("%(instance)s forbids trait(s) %(present)s, which"
               " %(destination)s has."),
            N_("Choose a host without them."),
            N_("has forbidden trait(s) %(present)s"),
        ))


def _traits_said(c, name, traits, message, remedy, reason):
    """Message, remedy and reason of a finding about ``traits`` of the
    destination (missing or present), listed as ``%(name)s``."""
    listed = short_list(traits)
    return (
        message % {"instance": c.p.label, name: listed,
                   "destination": c.dst.name},
        remedy,
        reason % {name: listed},
    )


RULES = (
    rule(rule_traits, needs_destination=True),
)
