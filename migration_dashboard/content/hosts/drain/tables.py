"""The submission's result table and the drain's status table (read
again whole by the status block's refresh)."""
from django import shortcuts
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from horizon import messages
from horizon import tables

from migration_dashboard import api
from migration_dashboard.content import actions
from migration_dashboard.content import links
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.content import widgets
from migration_dashboard.content.hosts.instances import reset
from migration_dashboard.services import drain
from migration_dashboard.services import drain_tracking as tracking
from migration_dashboard.services import migrations as migrations_svc
from migration_dashboard.services import submit


# ---------------------------------------------------------------- actions

class ConfirmAll(tables.Action):
    """Confirm every cold migration of the drain waiting in VERIFY_RESIZE,
    one call each in the bounded pool, one message each."""
    name = "confirm_all"
    verbose_name = _("Confirm All")
    verbose_name_plural = _("Confirm All")
    requires_input = False
    classes = ("btn-confirm",)
    policy_rules = policy.CONFIRM
    help_text = actions.TWO_STEPS

    def allowed(self, request, datum=None):
        return True

    def single(self, table, request, obj_id):
        return self.handle(table, request, [])

    def handle(self, table, request, obj_ids):
        # A plain Action: Horizon checks no policy before handle() for it,
        # so a direct POST must be refused here.
        if not policy.allows(request, self.policy_rules):
            messages.error(request, _(
                "You are not allowed to confirm migrations (policy %s).")
                % self.policy_rules[0][1])
            return shortcuts.redirect(table.get_full_url())
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

def _name(row):
    return row.name or row.id


def _destination(row):
    return row.destination or _("scheduler")


def _outcome(row):
    return drain.OUTCOME_TEXT.get(row.outcome, row.outcome)


class ResultTable(actions.InstanceRowsTable):
    OUTCOME_CHOICES = (
        (drain.ACCEPTED, True), (drain.REFUSED, False),
        (drain.NOT_SENT, False), (drain.EXCLUDED, True),
        (drain.NOTHING, True))
    name = tables.WrappingColumn(_name, verbose_name=_("Instance"),
                                 link=links.instance_detail)
    strategy = tables.Column("strategy", verbose_name=_("Strategy"))
    destination = tables.Column(_destination,
                                verbose_name=_("Destination asked"))
    outcome = tables.Column("outcome", verbose_name=_("Request"),
                            status=True, status_choices=OUTCOME_CHOICES,
                            display_choices=tuple(
                                drain.OUTCOME_TEXT.items()))
    reason = tables.WrappingColumn("reason", verbose_name=_("Reason"),
                                   empty_value="-")

    class Meta(object):
        name = "drain_result"
        verbose_name = _("Submitted")
        status_columns = ["outcome"]
        multi_select = False


def _progress(row):
    if row.state != tracking.MIGRATING:
        return "-"
    return widgets.progress_cell(
        row.progress, row.progress_text, row.progress_error,
        waiting=(row.migration_type or "") == "live-migration")


def _migration(row):
    if row.migration_id is None:
        return "-"
    text = _("%(type)s: %(status)s (%(id)s)") % {
        "type": migrations_svc.TYPE_NAMES.get(row.migration_type,
                                              row.migration_type or "?"),
        "status": nova_words.said(nova_words.MIGRATION_STATUS,
                                  row.migration_status),
        "id": row.migration_id}
    url = links.migration_url(row.id, row.migration_id)
    if url:
        return format_html('<a href="{}">{}</a>', url, text)
    return text


class StateColumn(tables.Column):
    """The state, and for a queued move its place: "Queued (k of n)"."""

    def get_data(self, datum):
        if datum.state == tracking.QUEUED and datum.queue_position:
            k, n = datum.queue_position
            return format_html(
                '<span class="drain-queued-position">{}</span>',
                _("Queued (%(k)d of %(n)d)") % {"k": k, "n": n})
        return super().get_data(datum)


class DrainRow(tables.Row):
    """A failed or vanished move stands out.  No row refreshes itself
    (Horizon's ``?action=row_update``): the status block around the table
    is read again with one request per interval (drain/views.StatusView),
    which also moves the queue on; a row poll beside it would be a second
    look at Nova for what that one already shows."""

    def load_cells(self, datum=None):
        super().load_cells(datum)
        datum = datum or self.datum
        if datum is not None and datum.state in (tracking.FAILED,
                                                 tracking.GONE):
            self.classes.append("danger")


class DrainTable(actions.InstanceRowsTable):
    STATE_CHOICES = (
        (tracking.QUEUED, None),
        (tracking.WAITING, None), (tracking.MIGRATING, None),
        (tracking.CONFIRM, True), (tracking.DONE, True),
        (tracking.FAILED, False), (tracking.GONE, False))
    name = tables.WrappingColumn(_name, verbose_name=_("Instance"),
                                 link=links.instance_detail)
    state = StateColumn("state", verbose_name=_("State"), status=True,
                        status_choices=STATE_CHOICES,
                        display_choices=tuple(tracking.STATE_TEXT.items()))
    progress = tables.Column(_progress, verbose_name=_("Progress"))
    reason = tables.WrappingColumn("reason", verbose_name=_("Details"),
                                   empty_value="-")
    host, status = actions.where_now_columns()
    migration = tables.Column(_migration, verbose_name=_("Migration record"))
    started = actions.started_column()

    class Meta(object):
        name = "drain"
        verbose_name = _("Drain")
        row_class = DrainRow
        status_columns = ["state"]
        table_actions = (ConfirmAll, actions.ConfirmMigration,
                         actions.RevertMigration)
        row_actions = (actions.ConfirmMigration, actions.RevertMigration,
                       reset.DrainResetState)
