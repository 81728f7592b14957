from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from horizon import tables
from horizon import tabs
from horizon.utils import functions as utils
from horizon.utils import memoized

from migration_dashboard import api
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content.hosts import forms as host_forms
from migration_dashboard.content.hosts import tables as host_tables
from migration_dashboard.content.hosts import tabs as host_tabs
from migration_dashboard.core import drain_history
from migration_dashboard.core import maintenance
from migration_dashboard.core import paging
from migration_dashboard.core import scheduler_counts
from migration_dashboard.services import capacity
from migration_dashboard.services import drain

INDEX_URL = reverse_lazy("horizon:admin:hosts:index")

# The overview counts in-progress migrations among the newest records only:
# one call, whatever the size of the migration history.
RECENT_MIGRATIONS = 1000


def load_hosts(request, with_migrations=True, records=None):
    """Every compute host as a HostSummary: three list calls in all
    (``records``, a list, receives the migration records read).

    A failing list leaves its columns empty and says so; the page renders.
    """
    services, hypervisors, migrations = [], [], []
    try:
        services = api.nova.service_list(request)
    except Exception as exc:
        presentation.show_error(
            request, _("Unable to list compute services: %(reason)s"), exc)
        return []
    try:
        hypervisors = api.nova.hypervisor_list(request)
    except Exception as exc:
        presentation.show_error(request, _("Unable to read host capacity "
                                           "(hypervisors): %(reason)s"), exc)
    if with_migrations:
        try:
            migrations = api.nova.migration_list(request,
                                                 limit=RECENT_MIGRATIONS)
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to list migrations: %(reason)s"), exc)
    if records is not None:
        records.extend(migrations)
    return maintenance.summarize(services, hypervisors, migrations)


def mark_move_back(rows, records):
    """Set ``move_back_since`` on the hosts whose drain (its marker, or
    the start remembered once the marker was gone) moved instances that
    have not moved since, by the newest migration records (no call)."""
    for row in rows:
        since = drain.parse_marker(row.disabled_reason)[0] or \
            drain.remembered_start(row.host)
        if since is not None and drain_history.moved_away(
                records, row.host, since - drain.CLOCK_SKEW):
            row.move_back_since = since


def _find_host(request, rows, host):
    """``host``'s row, or a redirect to the index with a message."""
    for row in rows:
        if row.host == host:
            return row
    presentation.redirect_with_error(
        request, _("Compute host %s was not found.") % host, INDEX_URL)


def load_host(request, host, with_migrations=False):
    """One host's summary, or a redirect to the index with a message."""
    return _find_host(request, load_hosts(request, with_migrations), host)


class IndexView(tables.DataTableView):
    """One page of hosts (the user's page size), in the natural order of
    their names (cmp2 before cmp10).

    Nova cannot page services and hypervisors together, so the three list
    calls fetch every host as before; what a long page costs is rendering
    its rows (~15 cells and 8 actions each), so the page is cut here, after
    the filter, and the summary counts every host.
    """
    table_class = host_tables.HostsTable
    template_name = "admin/hosts/index.html"
    page_title = _("Compute Hosts")
    _prev = _more = False
    _counts = _matching = None
    _waiting = ()
    _not_providers = 0

    def has_prev_data(self, table):
        return self._prev

    def has_more_data(self, table):
        return self._more

    def get_data(self):
        records = []
        hosts = load_hosts(self.request, records=records)
        self._counts = maintenance.count_hosts(hosts)
        self._waiting = drain.waiting_drains(hosts)
        table = self.get_table()
        value = table.get_filter_string().strip()
        if value:
            hosts = host_tables.filter_hosts(hosts, table.get_filter_field(),
                                             value)
            self._matching = len(hosts)
        meta = table._meta
        rows, self._prev, self._more = paging.page(
            hosts, name=_host_name, size=utils.get_page_size(self.request),
            marker=self.request.GET.get(meta.pagination_param) or None,
            prev_marker=self.request.GET.get(
                meta.prev_pagination_param) or None)
        mark_move_back(rows, records)
        # Only the rows shown: the calls are the same for one host or all.
        if capacity.read_scheduler_counts(self.request, rows):
            self._not_providers = sum(
                1 for r in rows
                if r.scheduler.state == scheduler_counts.NOT_PROVIDER)
        else:
            host_tables.show_hypervisor_headers(table)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = self._counts
        context["matching"] = self._matching
        context["not_providers"] = self._not_providers
        context["drains_waiting"] = [
            {"host": host, "queued": queued,
             "url": reverse("horizon:admin:hosts:drain_status", args=[host])}
            for host, queued in self._waiting]
        return context


def _host_name(row):
    return row.host


class DetailView(tabs.TabbedTableView):
    tab_group_class = host_tabs.HostDetailTabs
    template_name = "horizon/common/_detail.html"
    page_title = _("Compute Host: {{ host.host }}")

    @memoized.memoized_method
    def get_host(self):
        return load_host(self.request, self.kwargs["host"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["host"] = self.get_host()
        context["url"] = links.hosts_index()
        table = host_tables.HostsTable(self.request)
        context["actions"] = table.render_row_actions(self.get_host())
        return context

    def get_tabs(self, request, *args, **kwargs):
        return self.tab_group_class(request, summary=self.get_host(), **kwargs)


class _HostsFormView(formbase.ModalFormView):
    """A form of the hosts panel: back to the hosts when done or
    cancelled."""
    success_url = INDEX_URL
    cancel_url = INDEX_URL
    template_name = "admin/hosts/host_form.html"
    #: extra text rendered above the form (escaped)
    description = ""
    #: an action that cannot be taken back: a red main button
    destructive = False
    policy_rules = policy.SERVICE_UPDATE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["description"] = self.description
        context["destructive"] = self.destructive
        return context


class _HostFormView(_HostsFormView):
    """A form about one host, posted to ``horizon:admin:hosts:<name>``
    (form id ``<name>_form`` unless it says otherwise)."""
    name = None

    @property
    def form_id(self):
        return "%s_form" % self.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_url"] = reverse("horizon:admin:hosts:" + self.name,
                                        args=[self.kwargs["host"]])
        context["host_name"] = self.kwargs["host"]
        return context

    def get_initial(self):
        return {"host": self.kwargs["host"]}


class DisableView(_HostFormView):
    form_class = host_forms.DisableHostForm
    name = "disable"
    form_id = "disable_host_form"
    modal_header = _("Disable Compute Host")
    submit_label = _("Disable Host")
    description = _("The scheduler stops placing new instances on a "
                    "disabled host. Instances already there keep running "
                    "until you migrate them.")


class DisableManyView(_HostsFormView):
    form_class = host_forms.DisableHostsForm
    form_id = "disable_hosts_form"
    modal_header = _("Disable Compute Hosts")
    submit_label = _("Disable Hosts")
    submit_url = reverse_lazy("horizon:admin:hosts:disable_many")
    description = DisableView.description

    def get_initial(self):
        try:
            services = api.nova.service_list(self.request)
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to list compute services: "
                                "%(reason)s"), exc, redirect=INDEX_URL)
        choices = sorted(s.host for s in services if s.status == "enabled")
        # The hosts ticked in the table (Disable Hosts carries them).
        ticked = set(self.request.GET.getlist("host"))
        return {"host_choices": choices,
                "hosts": [h for h in choices if h in ticked]}


class ForceDownView(_HostFormView):
    form_class = host_forms.ForceDownForm
    name = "force_down"
    modal_header = _("Force Down Compute Host")
    submit_label = _("Force Down")
    destructive = True
    description = _("Forcing a host down tells Nova the host is dead "
                    "without waiting for its service to miss its reports, "
                    "so its instances can be evacuated at once. Do this "
                    "only after the host is fenced (powered off or cut from "
                    "storage and network): evacuating instances of a host "
                    "that still runs them corrupts their disks. Force it up "
                    "again once the repaired compute service runs.")


class PrepareDestinationView(_HostFormView):
    form_class = host_forms.PrepareDestinationForm
    name = "prepare_destination"
    modal_header = _("Prepare Destination for Pinned/NUMA/DPDK Instances")
    submit_label = _("Prepare")
    template_name = "admin/hosts/prepare_destination.html"
    page_title = _("Prepare Destination")

    @memoized.memoized_method
    def _facts(self):
        host = self.kwargs["host"]
        rows = load_hosts(self.request, with_migrations=False)
        this = _find_host(self.request, rows, host)
        instances, migrations = [], []
        try:
            instances = api.nova.instance_list(self.request, host=host)
            migrations = api.nova.migration_list(self.request, host=host,
                                                 limit=RECENT_MIGRATIONS)
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to list the instances on %(host)s: "
                                "%(reason)s"), exc, redirect=INDEX_URL,
                host=host)
        return this, rows, instances, migrations

    def _others(self, source=None):
        this, _rows, instances, migrations = self._facts()
        arrived = {m.instance_id for m in migrations
                   if m.dest_compute == this.host and
                   (source is None or m.source_compute == source)}
        return [i for i in instances if i.id not in arrived]

    def get_initial(self):
        this, rows, _i, _m = self._facts()
        source = self.request.POST.get("source") or None
        return {"host": this.host,
                "sources": [r.host for r in rows],
                "others": self._others(source)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this, _rows, _i, _m = self._facts()
        context["target"] = this
        context["others"] = self._others(
            self.request.POST.get("source") or None)
        return context


class CompleteMaintenanceView(_HostFormView):
    form_class = host_forms.CompleteMaintenanceForm
    name = "complete_maintenance"
    modal_header = _("Complete Maintenance")
    submit_label = _("Enable Hosts")
    template_name = "admin/hosts/complete_maintenance.html"

    @memoized.memoized_method
    def _rows(self):
        return load_hosts(self.request, with_migrations=False)

    def get_initial(self):
        initial = super().get_initial()
        initial["to_enable"] = maintenance.maintenance_hosts_to_enable(
            self.kwargs["host"], self._rows())
        initial["forced_down"] = any(
            r.host == self.kwargs["host"] and r.forced_down
            for r in self._rows())
        return initial

    @memoized.memoized_method
    def _drain(self):
        """(when the host's drain began, [(instance, where it is)]) of the
        instances that drain moved and that are still away: read before
        the host is enabled, which clears its drain marker in Nova (a host
        without a marker or a remembered drain has none to offer)."""
        host = self.kwargs["host"]
        request = self.request
        this = next((r for r in self._rows() if r.host == host), None)
        since = drain.parse_marker(
            this.disabled_reason if this is not None else None)[0] or \
            drain.remembered_start(host)
        if since is None:
            return None, []
        try:
            instances = {i.id: i for i in api.nova.instance_list(request)}
            moved = drain_history.moved_away(
                drain.migrations_since(request, host, since), host,
                since - drain.CLOCK_SKEW,
                {i: inst.host for i, inst in instances.items()})
        except Exception as exc:
            presentation.show_error(request, _(
                "Unable to read what the drain of %(host)s moved: "
                "%(reason)s"), exc, host=host)
            return None, []
        return since, sorted((instances[i].name or i, where)
                             for i, where in moved.items())

    def get_success_url(self):
        since, moved = self._drain()
        if moved:
            # Guide 5.8 done: what the drain moved can come back now.
            return links.drain_move_back(self.kwargs["host"], since)
        return super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["to_enable"] = [
            {"host": row.host, "since": drain.parse_marker(
                row.disabled_reason)[0],
             "reason": drain.operator_reason(row.disabled_reason)}
            for row in context["form"].to_enable]
        since, moved = self._drain()
        if moved:
            context["moved"] = moved
            context["move_back_url"] = links.drain_move_back(
                self.kwargs["host"], since)
        context["forced_down"] = context["form"].initial.get("forced_down")
        return context
