"""The Instances tab of a compute host, with the instance move actions."""
from urllib import parse

from django import shortcuts
from django.template import defaultfilters as filters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import exceptions
from horizon import messages
from horizon import tables

from migration_dashboard import api
from migration_dashboard.content import actions
from migration_dashboard.content import common
from migration_dashboard.content import links
from migration_dashboard.content import policy
from migration_dashboard.core import states

LIVE_STATES = ("ACTIVE", "PAUSED")
COLD_STATES = ("ACTIVE", "SHUTOFF")


def _host_of(table):
    return table.kwargs.get("host")


def _idle(instance):
    return not instance.task_state


# ---------------------------------------------------------------- actions

def _movable(move_states):
    """Whether a row's instance may start a move: in one of
    ``move_states``, with no task under way."""
    def allowed(instance):
        return (instance is not None and instance.status in move_states and
                _idle(instance))
    return allowed


LiveMigrate = actions.instance_link(
    "live_migrate", _("Live Migrate"),
    "horizon:admin:hosts:instance_live_migrate", policy.LIVE,
    _movable(LIVE_STATES), classes=("ajax-modal", "btn-migrate"))

ColdMigrate = actions.instance_link(
    "cold_migrate", _("Cold Migrate"),
    "horizon:admin:hosts:instance_cold_migrate", policy.COLD,
    _movable(COLD_STATES), classes=("ajax-modal", "btn-migrate"))


class _SelectedAction(tables.Action):
    """Table action: open the move form for the selected instances."""
    requires_input = True
    form_url = None

    def allowed(self, request, instance=None):
        return True

    def handle(self, table, request, obj_ids):
        host = _host_of(table)
        if not obj_ids:
            messages.info(request, _("Select the instances to move first."))
            return shortcuts.redirect(request.get_full_path())
        url = reverse(self.form_url, args=[host])
        return shortcuts.redirect(
            url + "?" + parse.urlencode([("instance", i) for i in obj_ids]))


class LiveMigrateSelected(_SelectedAction):
    name = "live_migrate_selected"
    verbose_name = _("Live Migrate Instances")
    verbose_name_plural = verbose_name
    icon = "exchange"
    form_url = "horizon:admin:hosts:instances_live_migrate"
    policy_rules = policy.LIVE


class ColdMigrateSelected(_SelectedAction):
    name = "cold_migrate_selected"
    verbose_name = _("Cold Migrate Instances")
    verbose_name_plural = verbose_name
    form_url = "horizon:admin:hosts:instances_cold_migrate"
    policy_rules = policy.COLD


StartInstance = actions.nova_batch(
    actions.ConcurrentBatchAction, "start", "server_start", "SHUTOFF",
    policy.START, ngettext_lazy("Start Instance", "Start Instances"),
    ngettext_lazy("Started Instance", "Started Instances"),
    classes=("btn-confirm",),
    help_text=_("A cold-migrated instance that was shut off stays shut "
                "off on its new host until it is started."))


# Evacuate one instance of a failed host.
EvacuateInstance = actions.instance_link(
    "evacuate", _("Evacuate"), "horizon:admin:hosts:evacuate_instance",
    policy.EVACUATE, lambda instance: instance is not None,
    classes=("ajax-modal", "btn-danger"))


# ---------------------------------------------------------------- columns

def _project(instance):
    return getattr(instance, "project_name", None) or instance.project_id


def _boot_source(instance):
    if instance.volume_backed:
        return _("Volume")
    return _("Image (local disk)")


def _migration_specs(instance):
    specs = common.migration_relevant_specs(instance.extra_specs)
    if not specs:
        return "-"
    return ", ".join("%s=%s" % item for item in specs)


def _status(instance):
    if instance.status == "VERIFY_RESIZE":
        return format_html(
            '{} <span class="help-block verify-resize-hint">{}</span>',
            instance.status,
            _("Confirm or revert the cold migration."))
    return instance.status


def changing(instance):
    """Whether the instance's row still changes by itself (a task, a move
    under way) or waits for the operator's confirm (which the page must
    follow once given)."""
    return bool(instance.task_state) or instance.status in (
        states.BUSY_STATUSES + (states.VERIFY_RESIZE,))


class InstanceRow(tables.Row):
    """Rows of instances whose state is changing refresh themselves (one
    instance read each) until it is final; an instance that left the host
    leaves the table."""
    ajax = True

    def get_ajax_update_url(self):
        url = super().get_ajax_update_url()
        # The project's name, so that the refresh costs one call.
        name = getattr(self.datum, "project_name", None)
        return url + ("&" + parse.urlencode({"project_name": name})
                      if name else "")

    def get_data(self, request, obj_id):
        instance = api.nova.instance_get(request, obj_id)
        if instance.host != _host_of(self.table):
            raise exceptions.NotFound(_("No longer on this host."))
        instance.project_name = request.GET.get("project_name")
        return instance

    @property
    def status_class(self):
        # Horizon refreshes only rows drawn as in progress ("warning").
        return "warning" if self.datum is not None and \
            changing(self.datum) else ""

    def load_cells(self, datum=None):
        super().load_cells(datum)
        datum = datum or self.datum
        if datum is not None and not changing(datum) and \
                "ajax-update" in self.classes:
            self.classes.remove("ajax-update")


class InstancesTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Name"),
                                 link=links.instance_detail)
    id = tables.Column("id", verbose_name=_("ID"))
    project = tables.Column(_project, verbose_name=_("Project"))
    status = tables.Column(_status, verbose_name=_("Status"))
    task_state = tables.Column("task_state", verbose_name=_("Task"),
                               empty_value="-")
    flavor = tables.Column("flavor_name", verbose_name=_("Flavor"))
    specs = tables.WrappingColumn(_migration_specs,
                                  verbose_name=_("Migration-relevant specs"))
    boot = tables.Column(_boot_source, verbose_name=_("Boot source"))
    config_drive = tables.Column(
        "config_drive", verbose_name=_("Config drive"),
        filters=(filters.yesno, filters.capfirst))

    def get_object_display(self, datum):
        return datum.name or datum.id

    class Meta(object):
        name = "instances"
        verbose_name = _("Instances")
        row_class = InstanceRow
        table_actions = (LiveMigrateSelected, ColdMigrateSelected,
                         actions.ConfirmMigration, actions.RevertMigration,
                         StartInstance)
        row_actions = (LiveMigrate, ColdMigrate, actions.ConfirmMigration,
                       actions.RevertMigration, StartInstance,
                       EvacuateInstance)
