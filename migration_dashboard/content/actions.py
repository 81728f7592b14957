"""Table actions shared by the hosts panel's tables (hosts, a host's
instances, a drain's instances): one call per object, each failure with
the service's own reason."""
from django import shortcuts
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import messages
from horizon import tables
from horizon.utils import filters as utils_filters

from migration_dashboard import api
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.services import submit

TWO_STEPS = _(
    "A cold migration has two steps. Nova copies the instance to the new "
    "host and leaves it there in VERIFY_RESIZE, with the source kept as it "
    "was. Check that the instance works on its new host, then Confirm (the "
    "copy on the source is deleted) or Revert (the instance goes back to "
    "its source host as it was). Nova does not confirm on its own unless "
    "resize_confirm_window is set.")


def _report(action, request, done):
    if done:
        messages.success(request, _("%(action)s: %(objs)s") % {
            "action": action._get_action_name(done, past=True),
            "objs": ", ".join(done)})


def _link(bases, name, verbose_name, url, policy_rules, allowed=None,
          classes=("ajax-modal",), **attrs):
    """A row's link action to ``url`` (a modal form unless ``classes``
    says otherwise), offered where ``allowed(datum)`` holds (always when
    not given)."""
    def _allowed(self, request, datum=None):
        return allowed is None or allowed(datum)
    attrs.update(name=name, verbose_name=verbose_name, url=url,
                 policy_rules=policy_rules, classes=classes,
                 allowed=_allowed)
    return type(name.title().replace("_", ""), bases + (tables.LinkAction,),
                attrs)


def host_link(*args, **kwargs):
    """A link of a host's row to ``url`` for that host (see :func:`_link`);
    its policy rules are checked once per request."""
    return _link((policy.PolicyOncePerRequest,), *args, **kwargs)


def _instance_link_url(self, datum):
    return reverse(self.url, args=[datum.host or self.table.kwargs.get("host"),
                                   datum.id])


def instance_link(*args, **kwargs):
    """A link of an instance's row to ``url`` for (its host, its id), the
    host of the table when the instance has none (see :func:`_link`)."""
    return _link((), *args, get_link_url=_instance_link_url, **kwargs)


class CountedNames:
    """A batch action named by ``present`` and ``past``, each an
    ``ngettext_lazy(singular, plural)``: the button and the message say one
    object or several."""
    present = past = None

    def action_present(self, count):
        return self.present % count

    def action_past(self, count):
        return self.past % count


def where_now_columns():
    """The columns "Host now" and "Instance status" of a table of moving
    instances (Horizon orders columns as they are created: call it where
    they stand among the table's columns)."""
    return (
        tables.Column("host", verbose_name=_("Host now"), empty_value="-"),
        tables.Column("status", verbose_name=_("Instance status"),
                      empty_value="-",
                      display_choices=nova_words.INSTANCE_STATUS))


def started_column():
    """The column "Started": when the row's migration record was
    created."""
    return tables.Column("created_at", verbose_name=_("Started"),
                         empty_value="-",
                         filters=(utils_filters.parse_isotime,))


class InstanceRowsTable(tables.DataTable):
    """A table with one row per instance (its id), named by its name."""

    def get_object_id(self, datum):
        return datum.id

    def get_object_display(self, datum):
        return datum.name or datum.id


class ReasonedBatchAction(CountedNames, policy.PolicyOncePerRequest,
                          tables.BatchAction):
    """A BatchAction run object by object, whose failures carry the
    service's own reason: BatchAction.handle only says "Unable to
    <action>: <names>", and Nova's reason (e.g. evacuations still 'done'
    when forcing up) is what the operator needs to act on."""

    def handle(self, table, request, obj_ids):
        done = []
        for obj_id in obj_ids:
            datum = table.get_object_by_id(obj_id)
            display = table.get_object_display(datum) or obj_id
            if not table._filter_action(self, request, datum):
                messages.error(request, _("You are not allowed to "
                                          "%(action)s %(obj)s.") % {
                    "action": self._get_action_name().lower(),
                    "obj": display})
                continue
            try:
                self.action(request, obj_id)
            except Exception as exc:
                presentation.show_error(
                    request, _("Unable to %(action)s %(obj)s: %(reason)s"),
                    exc, action=self._get_action_name().lower(),
                    obj=display)
                continue
            done.append(display)
            self.success_ids.append(obj_id)
        _report(self, request, done)
        return shortcuts.redirect(table.get_full_url())


class ConcurrentBatchAction(CountedNames, tables.BatchAction):
    """A BatchAction whose N calls run concurrently (bounded), each
    instance reported with Nova's own reason."""

    def handle(self, table, request, obj_ids):
        rows = []
        for obj_id in obj_ids:
            datum = table.get_object_by_id(obj_id)
            display = table.get_object_display(datum) if datum else None
            display = display or obj_id
            if datum is None:
                messages.error(request, _(
                    "%(obj)s is no longer on this host.") % {"obj": display})
                continue
            if not table._filter_action(self, request, datum):
                messages.error(request, _(
                    "Cannot %(action)s %(obj)s in its current state "
                    "(%(status)s).") % {
                        "action": self._get_action_name().lower(),
                        "obj": display, "status": datum.status})
                continue
            rows.append((obj_id, display))
        names = dict(rows)
        done = []
        for obj_id, exc in submit.run(
                names, lambda i: self.action(request, i)):
            if exc is None:
                done.append(names[obj_id])
                self.success_ids.append(obj_id)
            else:
                messages.error(request, _(
                    "Unable to %(action)s %(obj)s: %(reason)s") % {
                        "action": self._get_action_name().lower(),
                        "obj": names[obj_id],
                        "reason": submit.explain(exc)})
        _report(self, request, done)
        return shortcuts.redirect(table.get_full_url())


def nova_batch(base, name, call, status, policy_rules, present, past,
               **attrs):
    """A ``base`` batch action that calls ``api.nova.<call>(request, id)``
    for each selected row whose status is ``status``, named by
    ``present``/``past`` (see :class:`CountedNames`)."""
    def allowed(self, request, datum=None):
        return datum is None or datum.status == status

    def action(self, request, obj_id):
        getattr(api.nova, call)(request, self.instance_of(obj_id))

    def instance_of(self, obj_id):
        # Rows are instances here; a migration's table says otherwise.
        return obj_id

    attrs.setdefault("instance_of", instance_of)
    attrs.update(name=name, policy_rules=policy_rules, present=present,
                 past=past, allowed=allowed, action=action)
    return type(name.title(), (base,), attrs)


# Confirm / revert the selected (or this row's) cold migration.
ConfirmMigration = nova_batch(
    ConcurrentBatchAction, "confirm", "server_confirm_resize",
    "VERIFY_RESIZE", policy.CONFIRM,
    ngettext_lazy("Confirm Migration", "Confirm Migrations"),
    ngettext_lazy("Confirmed Migration", "Confirmed Migrations"),
    classes=("btn-confirm", "btn-action-required"), help_text=TWO_STEPS)
RevertMigration = nova_batch(
    ConcurrentBatchAction, "revert", "server_revert_resize", "VERIFY_RESIZE",
    policy.REVERT, ngettext_lazy("Revert Migration", "Revert Migrations"),
    ngettext_lazy("Reverted Migration", "Reverted Migrations"),
    classes=("btn-revert",), action_type="danger", help_text=TWO_STEPS)
