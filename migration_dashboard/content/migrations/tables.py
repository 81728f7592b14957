from urllib import parse

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tables
from horizon.utils import filters as utils_filters

from migration_dashboard.content import actions
from migration_dashboard.content import links
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.content import widgets
from migration_dashboard.core import ids
from migration_dashboard.core import maintenance
from migration_dashboard.core import progress as core
from migration_dashboard.services import migrations


class _MigrationAction(tables.LinkAction):
    """A live migration's action form; offered while the row's
    ``can_<name>`` says the migration is in a state that takes it."""
    classes = ("ajax-modal", "btn-danger")

    def get_link_url(self, datum):
        return reverse("horizon:admin:migrations:" + self.name,
                       args=[datum.instance_id, datum.id])

    def allowed(self, request, datum=None):
        return datum is not None and getattr(datum, "can_" + self.name)


class AbortMigration(_MigrationAction):
    name = "abort"
    verbose_name = _("Abort")
    icon = "stop"
    policy_rules = policy.MIGRATION_ABORT


class ForceCompleteMigration(_MigrationAction):
    name = "force_complete"
    verbose_name = _("Force Complete")
    icon = "forward"
    policy_rules = policy.MIGRATION_FORCE_COMPLETE


class _OnMigrationRow:
    """The host Instances tab's Confirm / Revert (same policy rules, same
    Nova call, same messages) on a migration's row: offered while the
    migration waits for it; Nova's call takes the migration's instance."""

    def allowed(self, request, datum=None):
        return datum is not None and datum.awaiting_confirmation

    def instance_of(self, obj_id):
        return self.table.get_object_by_id(obj_id).instance_id


class ConfirmMigration(_OnMigrationRow, actions.ConfirmMigration):
    pass


class RevertMigration(_OnMigrationRow, actions.RevertMigration):
    pass


class MigrationFilterAction(tables.FilterAction):
    """Nova filters the list (one field at a time, as Horizon's own
    admin Instances filter does)."""
    filter_type = "server"
    filter_choices = (
        ("host", _("Host ="), True),
        ("status", _("Status ="), True,
         _("e.g. running, completed, failed, error, cancelled")),
        ("migration_type", _("Type ="), True,
         _("live, cold, resize or evacuation")),
        ("instance", _("Instance ="), True, _("Instance ID or exact name")),
        ("changes_since", _("Changed since ="), True,
         _("Date and time in UTC, e.g. 2026-11-26T10:00")),
    )


class MigrationRow(tables.Row):
    """Rows of migrations in progress refresh themselves (Horizon's
    ajax-update rows) until the migration ends; the refresh reads this one
    migration only.  A row that ends, or whose refresh fails, stops."""
    ajax = True

    def get_ajax_update_url(self):
        url = super().get_ajax_update_url()
        # What the refresh needs besides the migration id, so that it costs
        # one call (two while the live migration is in progress).
        extra = {"instance": self.datum.instance_id}
        if self.datum.instance_name:
            extra["instance_name"] = self.datum.instance_name
        if self.datum.project_name:
            extra["project_name"] = self.datum.project_name
        return url + "&" + parse.urlencode(extra)

    def get_data(self, request, obj_id):
        # Both ids go into a Nova URL: only ids Nova can have.
        instance_id = ids.instance_id(request.GET.get("instance"))
        if not instance_id or not ids.migration_id(obj_id):
            raise exceptions.NotFound(_("No such migration."))
        return migrations.load_row(request, instance_id, obj_id,
                                   request.GET.get("instance_name"),
                                   request.GET.get("project_name"))

    def load_cells(self, datum=None):
        super().load_cells(datum)
        datum = datum or self.datum
        if datum is None:
            return
        if not datum.in_progress and "ajax-update" in self.classes:
            self.classes.remove("ajax-update")
        if datum.failed:
            self.classes.append("danger")
        progress = datum.progress
        if progress is not None and progress.percent is not None:
            # Horizon's row refresh draws its bar from this attribute.
            self.cells["status"].attrs["percent"] = "%d%%" % progress.percent


def _instance_link(row):
    # The instance's migrations page names it (it reads the instance
    # anyway); the list shows ids so that it needs no server list.
    return links.instance_url(row.instance_id) if row.instance_id else None


def _project(row):
    return row.project_name or row.project_id or "-"


def _route(row):
    return "%s \u2192 %s" % (row.source_compute or "?",
                             row.dest_compute or "?")


def _duration(row):
    return core.human_seconds(row.duration)


def _progress(row):
    return widgets.progress_cell(row.progress, row.progress_text,
                                 row.progress_error,
                                 waiting=row.in_progress and row.is_live)


STATUS_CHOICES = (
    # Waiting for the operator is not "in progress": no striped bar, and
    # the row keeps refreshing (see MigrationRow) until someone acts.
    (migrations.AWAITING_CONFIRMATION, True),) + tuple(
    (status, None) for status in sorted(maintenance.IN_PROGRESS)) + (
    ("completed", True), ("confirmed", True), ("reverted", True),
    ("cancelled", True), ("failed", False), ("error", False),
)
STATUS_DISPLAY = (
    (migrations.AWAITING_CONFIRMATION, _("Waiting for confirmation")),
) + nova_words.MIGRATION_STATUS


class MigrationsTable(tables.DataTable):
    id = tables.Column("id", verbose_name=_("ID"), link=links.detail_url)
    instance = tables.WrappingColumn("display_name",
                                     verbose_name=_("Instance"),
                                     link=_instance_link)
    # Nova's migration project_id (2.80): who asked for the move, usually
    # an admin project, not the instance's owner.
    project = tables.Column(_project, verbose_name=_("Requested by"),
                            help_text=_("The project that asked for the "
                                        "migration."))
    migration_type = tables.Column("type_name", verbose_name=_("Type"))
    route = tables.Column(_route, verbose_name=_("Source → Destination"))
    status = tables.Column("state", verbose_name=_("Status"), status=True,
                           status_choices=STATUS_CHOICES,
                           display_choices=STATUS_DISPLAY)
    progress = tables.Column(_progress, verbose_name=_("Progress"))
    created = tables.Column("created_at", verbose_name=_("Started"),
                            filters=(utils_filters.parse_isotime,))
    updated = tables.Column("updated_at", verbose_name=_("Updated"),
                            filters=(utils_filters.parse_isotime,))
    duration = tables.Column(_duration, verbose_name=_("Duration"))

    def get_object_id(self, datum):
        return str(datum.id)

    def get_object_display(self, datum):
        return "%s (%s)" % (datum.id, datum.display_name)

    def get_marker(self):
        # Nova pages by migration uuid (2.59+), not by id.
        if not self.data:
            return ""
        return parse.quote_plus(str(self.data[-1].uuid or ""))

    class Meta(object):
        name = "migrations"
        verbose_name = _("Migrations")
        row_class = MigrationRow
        status_columns = ["status"]
        table_actions = (MigrationFilterAction,)
        row_actions = (AbortMigration, ForceCompleteMigration)
        multi_select = False


class InstanceMigrationsTable(MigrationsTable):
    """The migrations of one instance (no filter: the URL is the filter)."""

    class Meta(MigrationsTable.Meta):
        name = "instance_migrations"
        verbose_name = _("Migrations of the instance")
        table_actions = ()


class MigrationStatusTable(MigrationsTable):
    """The one-row live status on a migration's detail page."""

    class Meta(MigrationsTable.Meta):
        name = "migration_status"
        verbose_name = _("Status")
        table_actions = ()
        row_actions = MigrationsTable.Meta.row_actions + (
            ConfirmMigration, RevertMigration)
        columns = ("status", "progress", "updated", "duration")
