"""Every Nova policy rule the plugin checks, once, and how it checks them.

Table actions hide themselves through ``policy_rules``; views refuse a
direct GET or POST with the same rules (:class:`PolicyRequiredMixin`), so
the policy file, not the button, is what protects each action.
"""
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from openstack_dashboard import policy

# Enable, disable, force down / up a compute service.
SERVICE_UPDATE = (("compute", "os_compute_api:os-services:update"),)
# Live / cold migration, and choosing their destination host.
LIVE = (("compute", "os_compute_api:os-migrate-server:migrate_live"),)
LIVE_HOST = (("compute",
              "os_compute_api:os-migrate-server:migrate_live:host"),)
COLD = (("compute", "os_compute_api:os-migrate-server:migrate"),)
COLD_HOST = (("compute", "os_compute_api:os-migrate-server:migrate:host"),)
# The second step of a cold migration, and starting what it left shut off.
CONFIRM = (("compute", "os_compute_api:servers:confirm_resize"),)
REVERT = (("compute", "os_compute_api:servers:revert_resize"),)
START = (("compute", "os_compute_api:servers:start"),)
EVACUATE = (("compute", "os_compute_api:os-evacuate"),)
RESET_STATE = (("compute", "os_compute_api:os-admin-actions:reset_state"),)
# A drain moves instances live and cold.
DRAIN = LIVE + COLD
# Actions on a running live migration.
MIGRATION_ABORT = (("compute", "os_compute_api:servers:migrations:delete"),)
MIGRATION_FORCE_COMPLETE = (
    ("compute", "os_compute_api:servers:migrations:force_complete"),)


def allows(request, rules):
    """``policy.check(rules, request)``, evaluated once per request.

    A table offers the same actions on every row; without a per-row target
    the answer cannot differ between rows, and the policy engine costs
    about as much per call as rendering a cell.
    """
    cache = getattr(request, "_migration_dashboard_policy", None)
    if cache is None:
        cache = request._migration_dashboard_policy = {}
    key = tuple(rules)
    allowed = cache.get(key)
    if allowed is None:
        allowed = cache[key] = bool(policy.check(rules, request))
    return allowed


def refuse(rules):
    """The refusal of an action whose ``rules`` the user's role fails."""
    return exceptions.NotAuthorized(
        _("You are not allowed to do this (policy %s).")
        % ", ".join(rule for _svc, rule in rules))


class PolicyRequiredMixin:
    """Checks the view's Nova policy rules before anything else runs."""
    policy_rules = ()

    def dispatch(self, request, *args, **kwargs):
        if self.policy_rules and not policy.check(self.policy_rules,
                                                  request):
            raise refuse(self.policy_rules)
        return super().dispatch(request, *args, **kwargs)


class PolicyOncePerRequest:
    """Mixin for table actions: their policy rules are checked once per
    request (see :func:`allows`), then ``allowed()`` per row.

    Horizon checks an action's policy for every row it is rendered on;
    actions that give a per-row target (``get_policy_target``) keep that.
    """

    def _allowed(self, request, datum):
        if self.policy_rules and not self.get_policy_target(request, datum):
            if not allows(request, self.policy_rules):
                return False
            return self.allowed(request, datum)
        return super()._allowed(request, datum)
