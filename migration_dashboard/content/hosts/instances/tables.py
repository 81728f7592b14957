"""The Instances tab of a compute host, with the instance move actions."""
from urllib import parse

from django import shortcuts
from django.template import defaultfilters as filters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import messages
from horizon import tables

from migration_dashboard import api
from migration_dashboard.content import common
from migration_dashboard.content.hosts.evacuation import tables as evac_tables
from migration_dashboard.content.hosts.instances import submit

LIVE = (("compute", "os_compute_api:os-migrate-server:migrate_live"),)
LIVE_HOST = (("compute",
              "os_compute_api:os-migrate-server:migrate_live:host"),)
COLD = (("compute", "os_compute_api:os-migrate-server:migrate"),)
COLD_HOST = (("compute", "os_compute_api:os-migrate-server:migrate:host"),)
CONFIRM = (("compute", "os_compute_api:servers:confirm_resize"),)
REVERT = (("compute", "os_compute_api:servers:revert_resize"),)
START = (("compute", "os_compute_api:servers:start"),)

LIVE_STATES = ("ACTIVE", "PAUSED")
COLD_STATES = ("ACTIVE", "SHUTOFF")

TWO_STEPS = _(
    "A cold migration has two steps. Nova copies the instance to the new "
    "host and leaves it there in VERIFY_RESIZE, with the source kept as it "
    "was. Check that the instance works on its new host, then Confirm (the "
    "copy on the source is deleted) or Revert (the instance goes back to "
    "its source host as it was). Nova does not confirm on its own unless "
    "resize_confirm_window is set.")


def _host_of(table):
    return table.kwargs.get("host")


def _idle(instance):
    return not instance.task_state


# ---------------------------------------------------------------- actions

class LiveMigrate(tables.LinkAction):
    name = "live_migrate"
    verbose_name = _("Live Migrate")
    url = "horizon:admin:hosts:instance_live_migrate"
    classes = ("ajax-modal", "btn-migrate")
    policy_rules = LIVE

    def allowed(self, request, instance=None):
        return (instance is not None and instance.status in LIVE_STATES and
                _idle(instance))

    def get_link_url(self, datum):
        return reverse(self.url, args=[datum.host or _host_of(self.table),
                                       datum.id])


class ColdMigrate(LiveMigrate):
    name = "cold_migrate"
    verbose_name = _("Cold Migrate")
    url = "horizon:admin:hosts:instance_cold_migrate"
    policy_rules = COLD

    def allowed(self, request, instance=None):
        return (instance is not None and instance.status in COLD_STATES and
                _idle(instance))


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
    policy_rules = LIVE


class ColdMigrateSelected(_SelectedAction):
    name = "cold_migrate_selected"
    verbose_name = _("Cold Migrate Instances")
    verbose_name_plural = verbose_name
    form_url = "horizon:admin:hosts:instances_cold_migrate"
    policy_rules = COLD


class ConcurrentBatchAction(tables.BatchAction):
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
        if done:
            messages.success(request, _("%(action)s: %(objs)s") % {
                "action": self._get_action_name(done, past=True),
                "objs": ", ".join(done)})
        return shortcuts.redirect(table.get_full_url())


class ConfirmMigration(ConcurrentBatchAction):
    name = "confirm"
    classes = ("btn-confirm", "btn-action-required")
    policy_rules = CONFIRM
    help_text = TWO_STEPS

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Confirm Migration", "Confirm Migrations",
                             count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Confirmed Migration", "Confirmed Migrations",
                             count)

    def allowed(self, request, instance=None):
        return instance is None or instance.status == "VERIFY_RESIZE"

    def action(self, request, obj_id):
        api.nova.server_confirm_resize(request, obj_id)


class RevertMigration(ConcurrentBatchAction):
    name = "revert"
    classes = ("btn-revert",)
    action_type = "danger"
    policy_rules = REVERT
    help_text = TWO_STEPS

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Revert Migration", "Revert Migrations", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Reverted Migration", "Reverted Migrations",
                             count)

    def allowed(self, request, instance=None):
        return instance is None or instance.status == "VERIFY_RESIZE"

    def action(self, request, obj_id):
        api.nova.server_revert_resize(request, obj_id)


class StartInstance(ConcurrentBatchAction):
    name = "start"
    classes = ("btn-confirm",)
    policy_rules = START
    help_text = _("A cold-migrated instance that was shut off stays shut "
                  "off on its new host until it is started.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Start Instance", "Start Instances", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Started Instance", "Started Instances", count)

    def allowed(self, request, instance=None):
        return instance is None or instance.status == "SHUTOFF"

    def action(self, request, obj_id):
        api.nova.server_start(request, obj_id)


# ---------------------------------------------------------------- columns

def _instance_link(instance):
    try:
        return reverse("horizon:admin:instances:detail", args=[instance.id])
    except Exception:
        return None


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


class InstancesTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Name"),
                                 link=_instance_link)
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
        table_actions = (LiveMigrateSelected, ColdMigrateSelected,
                         ConfirmMigration, RevertMigration, StartInstance)
        row_actions = (LiveMigrate, ColdMigrate, ConfirmMigration,
                       RevertMigration, StartInstance,
                       evac_tables.EvacuateInstance)
