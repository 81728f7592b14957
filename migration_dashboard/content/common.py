"""Helpers shared by the plugin's panels (Django side)."""
import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from horizon import exceptions
from horizon import messages
from openstack_dashboard import policy

# Flavor extra specs that change what a migration may do; shown on the
# host's Instances tab so the operator sees them before choosing a move.
MIGRATION_SPEC_PREFIXES = (
    "hw:cpu_policy", "hw:cpu_thread_policy", "hw:numa_", "hw:mem_page_size",
    "hw:emulator_threads_policy", "hw:tpm_", "hw:mem_encryption", "hw:pmem",
    "hw:machine_type", "pci_passthrough:", "resources:VGPU", "resources:PGPU",
    "accel:", "trait:", "hw:vif_multiqueue", "hw:cpu_mode",
)


def migration_relevant_specs(extra_specs):
    """Sorted (key, value) pairs of the specs that matter for migration."""
    return sorted((k, v) for k, v in (extra_specs or {}).items()
                  if k.startswith(MIGRATION_SPEC_PREFIXES))


def error_reason(exc):
    """Nova's (or Keystone's) own words for a failure, for a message."""
    for attr in ("message", "details"):
        value = getattr(exc, attr, None)
        if value and isinstance(value, str):
            return value
    return str(exc) or type(exc).__name__


def handle_error(request, message, exc=None, redirect=None, escalate=False):
    """Show ``message`` and the service's reason; never a 500 for a
    recognised API error (401 still logs the user out, as Horizon does)."""
    return exceptions.handle(request, message, redirect=redirect,
                             escalate=escalate)


def batch_handle_with_reasons(action, table, request, obj_ids):
    """Run a BatchAction row by row, reporting each failure with the
    service's reason instead of Horizon's aggregate "Unable to ..."."""
    done = []
    for obj_id in obj_ids:
        datum = table.get_object_by_id(obj_id)
        display = table.get_object_display(datum) or obj_id
        if not table._filter_action(action, request, datum):
            messages.error(request, _("You are not allowed to %(action)s "
                                      "%(obj)s.") % {
                "action": action._get_action_name().lower(),
                "obj": display})
            continue
        try:
            action.action(request, obj_id)
        except Exception as exc:
            exceptions.handle(
                request,
                _("Unable to %(action)s %(obj)s: %(reason)s") % {
                    "action": action._get_action_name().lower(),
                    "obj": display, "reason": error_reason(exc)},
                details="")
            continue
        done.append(display)
        action.success_ids.append(obj_id)
    if done:
        messages.success(request, _("%(action)s: %(objs)s") % {
            "action": action._get_action_name(done, past=True),
            "objs": ", ".join(done)})
    return _redirect(table, request)


def _redirect(table, request):
    from django import shortcuts
    return shortcuts.redirect(table.get_full_url())


def filter_rows(rows, fields, value):
    """Rows where any of ``fields`` contains ``value`` (case-insensitive)."""
    value = (value or "").strip().lower()
    if not value:
        return list(rows)
    return [row for row in rows
            if any(value in str(getattr(row, f, "") or "").lower()
                   for f in fields)]


def project_names(request):
    """{project id: name} from one Keystone call; {} if it fails (the page
    then shows project ids, and says why)."""
    from migration_dashboard import api
    try:
        projects = api.keystone.project_list(request)
    except Exception as exc:
        exceptions.handle(request, _("Unable to list projects: %s") %
                          error_reason(exc), details="")
        return {}
    return {p.id: p.name for p in projects}


class PolicyRequiredMixin:
    """Checks the view's Nova policy rules before anything else runs.

    Table actions hide themselves through ``policy_rules``; this makes a
    direct GET or POST to the action's URL refuse in the same way, so the
    policy file, not the button, is what protects the action.
    """
    policy_rules = ()

    def dispatch(self, request, *args, **kwargs):
        if self.policy_rules and not policy.check(self.policy_rules,
                                                  request):
            raise exceptions.NotAuthorized(
                _("You are not allowed to do this (policy %s).")
                % ", ".join(rule for _svc, rule in self.policy_rules))
        return super().dispatch(request, *args, **kwargs)


def policy_allows(request, rules):
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


class PolicyOncePerRequest:
    """Mixin for table actions: their policy rules are checked once per
    request (see :func:`policy_allows`), then ``allowed()`` per row.

    Horizon checks an action's policy for every row it is rendered on;
    actions that give a per-row target (``get_policy_target``) keep that.
    """

    def _allowed(self, request, datum):
        if self.policy_rules and not self.get_policy_target(request, datum):
            if not policy_allows(request, self.policy_rules):
                return False
            return self.allowed(request, datum)
        return super()._allowed(request, datum)


# A move or an evacuation request that shows no sign of life for this long
# was lost on its way (nova-conductor killed or restarted while it held
# it): Nova leaves the instance in its task for ever and never retries.
# Moves take seconds to a few minutes to leave their first state.
STALL_SECONDS = 300


def stall_seconds():
    """The delay after which the pages call a request lost (setting
    MIGRATION_DASHBOARD_STALL_SECONDS)."""
    return int(getattr(settings, "MIGRATION_DASHBOARD_STALL_SECONDS",
                       STALL_SECONDS))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def stalled_for(last, now=None):
    """Whole seconds since ``last`` (an aware datetime, the last sign of
    life of a request) when that is at least stall_seconds(); else None
    (also when ``last`` is unknown)."""
    if last is None:
        return None
    age = ((now or utcnow()) - last).total_seconds()
    return int(age) if age >= stall_seconds() else None


def age_text(seconds):
    """'45 seconds' / '7 minutes' for the stall messages."""
    seconds = int(seconds)
    if seconds < 120:
        return ngettext("%d second", "%d seconds", seconds) % seconds
    minutes = seconds // 60
    return ngettext("%d minute", "%d minutes", minutes) % minutes
