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
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content.migrations import tables as mig_tables
from migration_dashboard.core import states
from migration_dashboard.services import migrations

LIVE_STATES = ("ACTIVE", "PAUSED")
COLD_STATES = ("ACTIVE", "SHUTOFF")
# Instance statuses of a move under way or waiting for its confirm.
MOVE_STATUSES = ("MIGRATING", "RESIZE", states.VERIFY_RESIZE,
                 "REVERT_RESIZE")


def _host_of(table):
    return table.kwargs.get("host")


def _idle(instance):
    return not instance.task_state


def _host_up(table):
    """The host's compute service runs: its instances move by migration
    (Nova refuses to migrate off a host whose service is down)."""
    host = table.kwargs.get("summary")
    return host is None or not host.is_down


# ---------------------------------------------------------------- actions

def _movable(move_states):
    """Whether a row's instance may start a move: in one of
    ``move_states``, with no task under way."""
    def allowed(instance):
        return (instance is not None and instance.status in move_states and
                _idle(instance))
    return allowed


class _WhileHostUp:
    """A move offered only while the host's compute service is up."""

    def allowed(self, request, instance=None):
        return super().allowed(request, instance) and _host_up(self.table)


class _WhileHostDown:
    """Offered only while the host is down or forced down."""

    def allowed(self, request, instance=None):
        return (super().allowed(request, instance) and
                not _host_up(self.table))


class LiveMigrate(_WhileHostUp, actions.instance_link(
        "live_migrate", _("Live Migrate"),
        "horizon:admin:hosts:instance_live_migrate", policy.LIVE,
        _movable(LIVE_STATES), classes=("ajax-modal", "btn-migrate"))):
    pass

class ColdMigrate(_WhileHostUp, actions.instance_link(
        "cold_migrate", _("Cold Migrate"),
        "horizon:admin:hosts:instance_cold_migrate", policy.COLD,
        _movable(COLD_STATES), classes=("ajax-modal", "btn-migrate"))):
    pass


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


class EvacuateInstance(_WhileHostDown, actions.instance_link(
        "evacuate", _("Evacuate"), "horizon:admin:hosts:evacuate_instance",
        policy.EVACUATE, lambda instance: instance is not None,
        classes=("ajax-modal", "btn-danger"))):
    """Evacuate one instance of a failed host: offered only while the
    host is down or forced down (on a healthy host its instances move by
    migration; evacuating would run a second copy)."""


def _move(instance):
    """The move the instance is in (a migration row), when read."""
    return getattr(instance, "move", None) if instance is not None else None


def moving(instance):
    """The instance is in a move (a migration, a resize, its confirm or
    revert): what the operator does now is about that move."""
    return instance is not None and (
        instance.status in MOVE_STATUSES or
        (instance.task_state or "") in states.MOVE_TASKS)


def attach_moves(request, instances, host=None):
    """Give each instance in a move its migration (``instance.move``):
    one call for the page, made only when one of them moves.  Unreadable,
    the rows still offer the instance's migrations page."""
    if not any(moving(i) for i in instances):
        return
    try:
        if host is None:
            moves = migrations.moves_of(request, instance_id=instances[0].id)
        else:
            moves = migrations.moves_of(request, host=host)
    except Exception as exc:
        presentation.show_error(
            request, _("Unable to read the migrations under way: "
                       "%(reason)s"), exc)
        return
    for instance in instances:
        instance.move = moves.get(instance.id)


class FollowMigration(tables.LinkAction):
    """The page of the move an instance is in (its steps, progress,
    Abort / Confirm / Revert), or its migrations when the move is not
    known yet."""
    name = "follow_migration"
    verbose_name = _("Follow Migration")
    classes = ("btn-follow-migration",)
    icon = "external-link"

    def allowed(self, request, instance=None):
        return moving(instance) and self.get_link_url(instance) is not None

    def get_link_url(self, instance):
        move = _move(instance)
        if move is not None:
            return links.detail_url(move)
        return links.instance_url(instance.id)


class AbortMove(mig_tables.AbortMigration):
    """The Migrations panel's Abort (same form, same policy) on the row
    of the instance whose live migration Nova can abort now."""

    def allowed(self, request, instance=None):
        move = _move(instance)
        return (move is not None and move.can_abort and
                links.detail_url(move) is not None)

    def get_link_url(self, instance):
        return super().get_link_url(_move(instance))


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
    status = nova_words.said(nova_words.INSTANCE_STATUS, instance.status)
    if instance.status == "VERIFY_RESIZE":
        return format_html(
            '{} <span class="help-block verify-resize-hint">{}</span>',
            status, _("Confirm or revert the cold migration."))
    return status


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
        # Its move's actions (Follow, Abort) stay on the refreshed row:
        # one more call, only while it moves.
        attach_moves(request, [instance])
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
        row_actions = (actions.ConfirmMigration, FollowMigration,
                       LiveMigrate, ColdMigrate, actions.RevertMigration,
                       AbortMove, StartInstance, EvacuateInstance)
