"""The per-instance result / status table of an evacuation."""
from urllib import parse

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tables

from migration_dashboard.content import actions
from migration_dashboard.content import links
from migration_dashboard.core import ids
from migration_dashboard.core import progress
from migration_dashboard.content.hosts.instances import reset
from migration_dashboard.services import evacuation


def _name(row):
    return row.name or row.id


_OUTCOME_TEXT = {
    evacuation.ACCEPTED: _("Accepted"),
    evacuation.REFUSED: _("Refused by Nova"),
    evacuation.NOT_SENT: _("Not sent"),
    evacuation.NOT_MOVED: _("Not moved"),
}


def _outcome(row):
    return _OUTCOME_TEXT.get(row.outcome, row.outcome or "-")


def _requested(row):
    if row.outcome in (evacuation.NOT_MOVED,):
        return "-"
    return row.requested_host or _("scheduler")


def _reason(row):
    text = row.reason or ""
    if row.fault and row.migration_status in evacuation.FAILED:
        text = ("%s %s" % (text, row.fault)).strip()
    return text or "-"


_PROGRESS_TEXT = {
    "in flight": _("Rebuilding"),
    "rebuilt": _("Rebuilt"),
    "failed": _("Failed"),
    "stalled": _("Stalled"),
    "not moved": _("Not moved"),
}


def _progress(row):
    return _PROGRESS_TEXT.get(row.progress, row.progress)


def _migration(row):
    if row.migration_status is None:
        return "-"
    # Nova's status in words a translator reached (core.progress).
    status = progress.STATUS_TEXT.get(row.migration_status,
                                      row.migration_status)
    if row.migration_id is None:
        return status  # accepted, no migration record read yet
    url = links.migration_url(row.id, row.migration_id)
    if url:
        return format_html('<a href="{}">{} ({})</a>', url,
                           status, row.migration_id)
    return "%s (%s)" % (status, row.migration_id)


class EvacuationRow(tables.Row):
    """Rows in flight refresh themselves (one instance read and one
    migration list each time) until the rebuild is done or failed;
    rows that were not moved stand out."""
    # True for the class so that Horizon routes the row refresh here; each
    # row turns it off once its rebuild is no longer in flight.
    ajax = True

    def load_cells(self, datum=None):
        datum = datum or self.datum
        self.ajax = bool(datum is not None and datum.in_flight)
        super().load_cells(datum)
        if datum is not None and datum.progress in ("not moved", "failed",
                                                    "stalled"):
            self.classes.append("danger")

    def get_ajax_update_url(self):
        host = self.table.kwargs.get("host")
        url = reverse("horizon:admin:hosts:evacuation_status", args=[host])
        params = [("action", self.ajax_action_name),
                  ("table", self.table.name),
                  ("obj_id", self.table.get_object_id(self.datum))]
        if self.datum.requested_host:
            params.append(("requested", self.datum.requested_host))
        return "%s?%s" % (url, parse.urlencode(params))

    def get_data(self, request, obj_id):
        host = self.table.kwargs.get("host")
        if not ids.instance_id(obj_id):
            raise exceptions.NotFound(_("No such instance."))
        return evacuation.row_update(
            request, host, obj_id,
            requested_host=request.GET.get("requested"))


class EvacuationTable(actions.InstanceRowsTable):
    PROGRESS_CHOICES = (
        ("in flight", None), ("rebuilt", True), ("failed", False),
        ("stalled", False), ("not moved", False),
    )
    name = tables.WrappingColumn(_name, verbose_name=_("Instance"),
                                 link=links.instance_detail)
    outcome = tables.Column(_outcome, verbose_name=_("Request"))
    reason = tables.WrappingColumn(_reason,
                                   verbose_name=_("Nova's reason / note"))
    requested = tables.Column(_requested, verbose_name=_("Destination asked"))
    progress = tables.Column(lambda r: r.progress, verbose_name=_("Progress"),
                             status=True, status_choices=PROGRESS_CHOICES,
                             display_choices=tuple(_PROGRESS_TEXT.items()))
    migration = tables.Column(_migration,
                              verbose_name=_("Evacuation record (status)"))
    host, status = actions.where_now_columns()
    started = actions.started_column()

    class Meta(object):
        name = "evacuation"
        verbose_name = _("Evacuation")
        row_class = EvacuationRow
        status_columns = ["progress"]
        multi_select = False
        row_actions = (reset.EvacuationResetState,)
