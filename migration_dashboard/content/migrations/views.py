from django.urls import reverse
from django.urls import reverse_lazy
from django.utils import dateparse
from django.utils.translation import gettext_lazy as _
from novaclient import exceptions as nova_exceptions

from horizon import messages
from horizon import tables
from horizon.utils import functions as utils
from horizon.utils import memoized

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.api import microversions as mv
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import older_nova
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content import refresh
from migration_dashboard.content.migrations import forms as mig_forms
from migration_dashboard.content.migrations import tables as mig_tables
from migration_dashboard.core import migration_events
from migration_dashboard.core import progress as core
from migration_dashboard.services import migrations
from migration_dashboard.services import projects

INDEX_URL = reverse_lazy("horizon:admin:migrations:index")


class _PagedView(tables.DataTableView):
    """One page of migrations (limit/marker at 2.59+, else all of them)."""
    _more = False

    def has_more_data(self, table):
        return self._more

    @memoized.memoized_method
    def cloud_version(self):
        return migrations.version(self.request)

    def get_table(self):
        # Before 2.80 "Requested by" would be "-" on every row: the column
        # goes (also from a row's refresh), and one line says why.
        table = super().get_table()
        if older_nova.older(self.cloud_version(), older_nova.REQUESTED_BY):
            table.columns.pop("project", None)
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["older_nova"] = older_nova.list_notes(
            self.cloud_version(), self.get_table().data or ())
        return context

    def _page(self, filters, names):
        request = self.request
        version = self.cloud_version()
        paging = core.version_at_least(version, mv.MIGRATIONS_PAGING)
        limit = utils.get_page_size(request) if paging else None
        marker = request.GET.get(
            self.table_class._meta.pagination_param) if paging else None
        try:
            rows, self._more = migrations.load_rows(
                request, filters=filters, marker=marker, limit=limit,
                names=names, current_version=version)
        except Exception as exc:
            self._more = False
            presentation.show_error(
                request, _("Unable to list migrations: %(reason)s"), exc)
            return []
        return rows


class IndexView(_PagedView):
    table_class = mig_tables.MigrationsTable
    template_name = "admin/migrations/index.html"
    page_title = _("Migrations")

    def _api_filters(self):
        """Nova's filters from the table's filter box, or None when the
        filter cannot match anything (the reason is shown)."""
        filters = {}
        for field, value in self.get_filters().items():
            value = value.strip()
            if field in ("host", "status"):
                filters[field] = value if field == "host" else value.lower()
            elif field == "migration_type":
                kind = migrations.TYPE_ALIASES.get(value.lower())
                if kind is None:
                    messages.warning(self.request, _(
                        "Unknown migration type %s: use live, cold, resize "
                        "or evacuation.") % value)
                    return None
                filters["migration_type"] = kind
            elif field == "instance":
                if base.is_uuid(value):
                    filters["instance_id"] = value
                    continue
                try:
                    ids = migrations.instance_ids_named(self.request, value)
                except Exception as exc:
                    messages.warning(self.request, _(
                        "Unable to look up instance %(name)s (filter by "
                        "instance ID instead): %(reason)s") % {
                            "name": value,
                            "reason": base.error_reason(exc)})
                    return None
                if len(ids) != 1:
                    messages.warning(self.request, _(
                        "%(count)d instances are named %(name)s: filter by "
                        "instance ID.") % {"count": len(ids), "name": value})
                    return None
                filters["instance_id"] = ids[0]
            elif field == "changes_since":
                try:
                    when = (dateparse.parse_datetime(value) or
                            _date(value))
                except ValueError:
                    # Well formed but impossible (2026-02-30): Horizon
                    # keeps the filter in the session, so every later
                    # page reads it again.
                    when = None
                if when is None:
                    messages.warning(self.request, _(
                        "Not a date and time: %s (use e.g. "
                        "2026-11-26T10:00).") % value)
                    return None
                filters["changes_since"] = when.strftime("%Y-%m-%dT%H:%M:%S")
        return filters

    def get_data(self):
        filters = self._api_filters()
        if filters is None:
            return []
        return self._page(filters, None)


def _date(value):
    import datetime
    parsed = dateparse.parse_date(value)
    if parsed is None:
        return None
    return datetime.datetime(parsed.year, parsed.month, parsed.day)


def _instance(request, instance_id):
    """The instance (for its name and fault), or None if unreadable."""
    try:
        return api.nova.instance_get(request, instance_id)
    except nova_exceptions.NotFound:
        return None
    except Exception as exc:
        presentation.show_error(
            request, _("Unable to read instance %(id)s: %(reason)s"), exc,
            id=instance_id)
        return None


class InstanceView(_PagedView):
    """Every migration of one instance (linked from anywhere by its id)."""
    table_class = mig_tables.InstanceMigrationsTable
    template_name = "admin/migrations/instance.html"
    page_title = _("Migrations of {{ instance_name }}")

    @memoized.memoized_method
    def get_instance(self):
        return _instance(self.request, self.kwargs["instance_id"])

    def get_data(self):
        instance_id = self.kwargs["instance_id"]
        instance = self.get_instance()
        names = {instance_id: instance.name} if instance else {}
        return self._page({"instance_id": instance_id}, names)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        instance = self.get_instance()
        context["instance"] = instance
        context["instance_id"] = self.kwargs["instance_id"]
        context["instance_name"] = (instance.name if instance and
                                    instance.name else
                                    self.kwargs["instance_id"])
        return context


class DetailView(refresh.SummaryRefresh, tables.DataTableView):
    """A migration's steps, live progress, stuck advice, failure reason,
    and Confirm / Revert while a cold migration waits for them (the
    summary and the steps refresh themselves)."""
    table_class = mig_tables.MigrationStatusTable
    template_name = "admin/migrations/detail.html"
    summary_template = "admin/migrations/_detail_summary.html"
    page_title = _("Migration {{ row.id }} of {{ row.display_name }}")

    @memoized.memoized_method
    def get_instance(self):
        return _instance(self.request, self.kwargs["instance_id"])

    @memoized.memoized_method
    def get_row(self):
        instance_id = self.kwargs["instance_id"]
        migration_id = self.kwargs["migration_id"]
        instance = self.get_instance()
        try:
            row = migrations.load_row(self.request, instance_id,
                                      migration_id,
                                      instance.name if instance else None)
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to read migration %(mid)s of "
                                "instance %(id)s: %(reason)s"), exc,
                redirect=INDEX_URL, mid=migration_id, id=instance_id)
        if instance is not None:
            # Confirm / Revert need the instance in VERIFY_RESIZE too.
            row.instance_status = instance.status
        self._read_move_action(row)
        return row

    def _read_move_action(self, row):
        """The move's instance action (two calls), for a failed or
        cancelled migration only: where it stopped and, failed, why."""
        self._action = None
        if not row.ended_early:
            return
        try:
            self._action = migrations.move_action(self.request, row)
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to read the instance actions of "
                                "%(name)s (where the migration stopped "
                                "and why): %(reason)s"), exc,
                name=row.display_name)
            return
        row.events = self._action.events if self._action else []

    def get_data(self):
        return [self.get_row()]

    @memoized.memoized_method
    def _requester(self):
        """{"project": name or id, "user": name or id} of who asked for
        the move (2.80), {} before: two Keystone reads, once a page."""
        row = self.get_row()
        if older_nova.older(row.version, older_nova.REQUESTED_BY) or not (
                row.project_id or row.user_id):
            return {}
        project, user = projects.requester(self.request, row.project_id,
                                           row.user_id)
        return {"project": project or row.project_id,
                "user": user or row.user_id}

    def _summary_context(self):
        row = self.get_row()
        instance = self.get_instance()
        # The instance settles a moment after its record: both final.
        changing = row.in_progress or (instance is not None and bool(
            instance.task_state or instance.status in ("MIGRATING",
                                                       "RESIZE")))
        context = {
            "row": row, "instance": instance, "steps": row.steps,
            "stop_unknown": row.ended_early and not any(
                step.state in ("failed", "cancelled") for step in row.steps),
            "requester": self._requester(),
            "requester_note": older_nova.notes(
                row.version, older_nova.REQUESTED_BY).get(
                    older_nova.REQUESTED_BY),
            "instance_url": reverse("horizon:admin:migrations:instance",
                                    args=[row.instance_id]),
        }
        context.update(refresh.context(self.request, "summary", changing))
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.get_row()
        action = self._action if row.failed else None
        events = []
        if action is not None:
            events = (migration_events.failed_events(action.events) or
                      action.events)
        context.update(self._summary_context())
        context.update({
            "action": action,
            "events": events,
            "log_sources": migration_events.log_sources(
                row.source_compute, row.dest_compute,
                action.events if action else ()) if row.failed else (),
            "older_nova": older_nova.notes(
                row.version, older_nova.EVENT_HOST,
                older_nova.EVENT_DETAILS) if events else {},
            "url": reverse("horizon:admin:migrations:index"),
            "stuck_window": int(float(migrations.option("stuck_window"))),
            "time_budget": core.human_seconds(
                float(migrations.option("time_budget"))),
            "nova_limits": migrations.nova_limits(row, self.get_instance())
            if row.in_progress and row.is_live else None,
        })
        return context


class _ActionView(formbase.ModalFormView):
    """An action on one migration, posted to
    ``horizon:admin:migrations:<name>`` (form ``<name>_migration_form``)."""
    template_name = "admin/migrations/action_form.html"
    name = None
    #: the consequence, shown above the confirm button (escaped)
    consequence = ""

    @memoized.memoized_method
    def get_row(self):
        """The migration as it is now (None if it is gone)."""
        instance = _instance(self.request, self.kwargs["instance_id"])
        try:
            return migrations.load_row(
                self.request, self.kwargs["instance_id"],
                self.kwargs["migration_id"],
                instance.name if instance else None)
        except nova_exceptions.NotFound:
            return None
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to read migration %(mid)s: "
                                "%(reason)s"), exc,
                mid=self.kwargs["migration_id"])
            return None

    def get_success_url(self):
        return links.migration_url(self.kwargs["instance_id"],
                                   self.kwargs["migration_id"])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_initial(self):
        row = self.get_row()
        return {"instance_id": self.kwargs["instance_id"],
                "migration_id": self.kwargs["migration_id"],
                "instance_name": row.instance_name if row else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_url"] = reverse("horizon:admin:migrations:" +
                                        self.name, args=[
            self.kwargs["instance_id"], self.kwargs["migration_id"]])
        context["row"] = self.get_row()
        context["consequence"] = self.consequence
        return context

    @property
    def form_id(self):
        return "%s_migration_form" % self.name


class AbortView(_ActionView):
    form_class = mig_forms.AbortForm
    name = "abort"
    modal_header = _("Abort Live Migration")
    submit_label = _("Abort Migration")
    policy_rules = policy.MIGRATION_ABORT
    consequence = _(
        "Nova stops copying the instance and rolls the migration back: the "
        "instance keeps running on its source host without interruption "
        "and the migration ends 'cancelled'. Use this when the instance "
        "changes its memory faster than it can be copied and you cannot "
        "accept a pause (guide section 5.10.2). The copying done so far is "
        "lost.")


class ForceCompleteView(_ActionView):
    form_class = mig_forms.ForceCompleteForm
    name = "force_complete"
    modal_header = _("Force Live Migration to Complete")
    submit_label = _("Force Complete")
    policy_rules = policy.MIGRATION_FORCE_COMPLETE

    def get_context_data(self, **kwargs):
        # What Nova does depends on [libvirt] live_migration_permit_post_copy
        # (declared, since no API shows it): pause, or post-copy.
        context = super().get_context_data(**kwargs)
        words = migrations.force_complete_words()
        context["consequence"] = words["effect"]
        context["consequence_notes"] = words["notes"]
        return context
