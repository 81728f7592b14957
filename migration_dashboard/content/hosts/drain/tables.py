"""The Drain Host action, the submission's result table and the drain's
status table (rows in flight refresh themselves)."""
from urllib import parse

from django import shortcuts
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horizon import messages
from horizon import tables
from horizon.utils import filters as utils_filters

from migration_dashboard import api
from migration_dashboard.content.hosts.drain import data
from migration_dashboard.content.hosts.instances import submit
from migration_dashboard.content.hosts.instances import tables as move_tables
from migration_dashboard.content.migrations import links as migration_links


# ---------------------------------------------------------------- actions

class DrainHost(tables.LinkAction):
    """Hosts table row action: disable, plan, submit, track."""
    name = "drain"
    verbose_name = _("Drain Host")
    url = "horizon:admin:hosts:drain_start"
    classes = ("ajax-modal",)
    policy_rules = data.POLICY

    def allowed(self, request, host=None):
        return True


class ConfirmMigration(move_tables.ConfirmMigration):
    """Confirm the selected (or this row's) cold migration."""


class RevertMigration(move_tables.RevertMigration):
    """Revert the selected (or this row's) cold migration."""


class ConfirmAll(tables.Action):
    """Confirm every cold migration of the drain waiting in VERIFY_RESIZE,
    one call each in the bounded pool, one message each."""
    name = "confirm_all"
    verbose_name = _("Confirm All")
    verbose_name_plural = _("Confirm All")
    requires_input = False
    classes = ("btn-confirm",)
    policy_rules = move_tables.CONFIRM
    help_text = move_tables.TWO_STEPS

    def allowed(self, request, datum=None):
        return True

    def single(self, table, request, obj_id):
        return self.handle(table, request, [])

    def handle(self, table, request, obj_ids):
        rows = [r for r in table.data if r.status == "VERIFY_RESIZE"]
        if not rows:
            messages.info(request, _("No migration waits for a confirm."))
            return shortcuts.redirect(table.get_full_url())
        names = {r.id: r.name or r.id for r in rows}
        done = []
        for obj_id, exc in submit.run(
                names, lambda i: api.nova.server_confirm_resize(request, i)):
            if exc is None:
                done.append(names[obj_id])
            else:
                messages.error(request, _(
                    "Unable to confirm the migration of %(obj)s: "
                    "%(reason)s") % {"obj": names[obj_id],
                                     "reason": submit.explain(exc)})
        if done:
            messages.success(request, _("Confirmed: %s") % ", ".join(done))
        return shortcuts.redirect(table.get_full_url())


# ---------------------------------------------------------------- columns

def _instance_link(row):
    try:
        return reverse("horizon:admin:instances:detail", args=[row.id])
    except Exception:
        return None


def _name(row):
    return row.name or row.id


def _destination(row):
    return row.destination or _("scheduler")


def _outcome(row):
    return data.OUTCOME_TEXT.get(row.outcome, row.outcome)


class ResultTable(tables.DataTable):
    OUTCOME_CHOICES = (
        (data.ACCEPTED, True), (data.REFUSED, False),
        (data.NOT_SENT, False), (data.EXCLUDED, True),
        (data.NOTHING, True))
    name = tables.WrappingColumn(_name, verbose_name=_("Instance"),
                                 link=_instance_link)
    strategy = tables.Column("strategy", verbose_name=_("Strategy"))
    destination = tables.Column(_destination,
                                verbose_name=_("Destination asked"))
    outcome = tables.Column("outcome", verbose_name=_("Request"),
                            status=True, status_choices=OUTCOME_CHOICES,
                            display_choices=tuple(
                                data.OUTCOME_TEXT.items()))
    reason = tables.WrappingColumn("reason", verbose_name=_("Reason"),
                                   empty_value="-")

    def get_object_id(self, datum):
        return datum.id

    def get_object_display(self, datum):
        return datum.name or datum.id

    class Meta(object):
        name = "drain_result"
        verbose_name = _("Submitted")
        status_columns = ["outcome"]
        multi_select = False


def _progress(row):
    if row.state != data.MIGRATING:
        return "-"
    return render_to_string("admin/migrations/_progress_cell.html",
                            {"progress": row.progress, "row": _ProgressRef(
                                row)})


class _ProgressRef:
    """What _progress_cell.html reads of a migrations row."""

    def __init__(self, row):
        self.progress_text = row.progress_text
        self.progress_error = row.progress_error
        self.in_progress = row.state == data.MIGRATING
        self.is_live = (row.migration_type or "") == "live-migration"


class _MigrationRef:
    def __init__(self, row):
        self.id = row.migration_id
        self.instance_id = row.id


def _migration(row):
    if row.migration_id is None:
        return "-"
    text = "%s %s (%s)" % (row.migration_type or "", row.migration_status,
                           row.migration_id)
    url = migration_links.detail_url(_MigrationRef(row))
    if url:
        from django.utils.html import format_html
        return format_html('<a href="{}">{}</a>', url, text)
    return text


class DrainRow(tables.Row):
    """Rows waiting or migrating refresh themselves (the instance and its
    migrations, and the bytes of a running live migration)."""
    ajax = True

    def load_cells(self, datum=None):
        datum = datum or self.datum
        self.ajax = bool(datum is not None and datum.in_flight)
        super().load_cells(datum)
        if datum is not None and datum.state in (data.FAILED, data.GONE):
            self.classes.append("danger")

    def get_ajax_update_url(self):
        table = self.table
        host = table.kwargs.get("host")
        url = reverse("horizon:admin:hosts:drain_status", args=[host])
        params = [("action", self.ajax_action_name),
                  ("table", table.name),
                  ("obj_id", table.get_object_id(self.datum)),
                  ("direction", table.kwargs.get("direction", data.DRAIN))]
        since = table.kwargs.get("since")
        if since is not None:
            params.append(("since", data.stamp(since)))
        return "%s?%s" % (url, parse.urlencode(params))

    def get_data(self, request, obj_id):
        host = self.table.kwargs.get("host")
        direction = request.GET.get("direction")
        direction = data.BACK if direction == data.BACK else data.DRAIN
        since = data.parse_since(request.GET.get("since"))
        return data.row_update(request, host, obj_id, direction, since)


class DrainTable(tables.DataTable):
    STATE_CHOICES = (
        (data.WAITING, None), (data.MIGRATING, None),
        (data.CONFIRM, True), (data.DONE, True), (data.FAILED, False),
        (data.GONE, False))
    name = tables.WrappingColumn(_name, verbose_name=_("Instance"),
                                 link=_instance_link)
    state = tables.Column("state", verbose_name=_("State"), status=True,
                          status_choices=STATE_CHOICES,
                          display_choices=tuple(data.STATE_TEXT.items()))
    progress = tables.Column(_progress, verbose_name=_("Progress"))
    reason = tables.WrappingColumn("reason", verbose_name=_("Details"),
                                   empty_value="-")
    host = tables.Column("host", verbose_name=_("Host now"),
                         empty_value="-")
    status = tables.Column("status", verbose_name=_("Instance status"),
                           empty_value="-")
    migration = tables.Column(_migration, verbose_name=_("Migration record"))
    started = tables.Column("created_at", verbose_name=_("Started"),
                            empty_value="-",
                            filters=(utils_filters.parse_isotime,))

    def get_object_id(self, datum):
        return datum.id

    def get_object_display(self, datum):
        return datum.name or datum.id

    class Meta(object):
        name = "drain"
        verbose_name = _("Drain")
        row_class = DrainRow
        status_columns = ["state"]
        table_actions = (ConfirmAll, ConfirmMigration, RevertMigration)
        row_actions = (ConfirmMigration, RevertMigration)
