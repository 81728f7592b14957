from urllib import parse

from django import shortcuts
from django.template import defaultfilters as filters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import tables
from horizon.utils import filters as utils_filters

from migration_dashboard import api
from migration_dashboard.content import actions
from migration_dashboard.content import common
from migration_dashboard.content import links
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.core import scheduler_counts
from migration_dashboard.services import evacuation


DisableHost = actions.host_link(
    "disable", _("Disable"), "horizon:admin:hosts:disable",
    policy.SERVICE_UPDATE, lambda host: host is None or
    host.status == "enabled", icon="pause")


class DisableHosts(policy.PolicyOncePerRequest, tables.Action):
    """Table action: disable several hosts with one reason; the dialog
    opens with the ticked hosts checked."""
    name = "disable_many"
    verbose_name = _("Disable Hosts")
    verbose_name_plural = _("Disable Hosts")
    icon = "pause"
    requires_input = False
    policy_rules = policy.SERVICE_UPDATE

    def allowed(self, request, host=None):
        return True

    def single(self, table, request, obj_id):
        return self.handle(table, request, [obj_id])

    def handle(self, table, request, obj_ids):
        return shortcuts.redirect(
            reverse("horizon:admin:hosts:disable_many") + "?" +
            parse.urlencode([("host", h) for h in obj_ids]))


EnableHost = actions.nova_batch(
    actions.ReasonedBatchAction, "enable", "service_enable", "disabled",
    policy.SERVICE_UPDATE, ngettext_lazy("Enable Host", "Enable Hosts"),
    ngettext_lazy("Enabled Host", "Enabled Hosts"), icon="play",
    help_text=_("The scheduler will place new instances on the host "
                "again."))


ForceDownHost = actions.host_link(
    "force_down", _("Force Down"), "horizon:admin:hosts:force_down",
    policy.SERVICE_UPDATE, lambda host: host is None or not host.forced_down,
    classes=("ajax-modal", "btn-danger"))


class ForceUpHost(actions.ReasonedBatchAction):
    name = "force_up"
    policy_rules = policy.SERVICE_UPDATE
    action_type = "danger"
    help_text = _("Only force a host up once its compute service runs "
                  "again. Nova refuses while evacuation records of the host "
                  "are still 'done': restart the compute service first.")
    present = ngettext_lazy("Force Up Host", "Force Up Hosts")
    past = ngettext_lazy("Forced Up Host", "Forced Up Hosts")

    def allowed(self, request, host=None):
        return host is None or host.forced_down

    def action(self, request, obj_id):
        try:
            api.nova.service_force_down(request, obj_id, False)
        except Exception as exc:
            raise evacuation.explain_force_up(exc, obj_id)


PrepareDestination = actions.host_link(
    "prepare_destination", _("Prepare as Destination"),
    "horizon:admin:hosts:prepare_destination", policy.SERVICE_UPDATE,
    lambda host: host is None or (host.state == "up" and
                                  not host.forced_down))

# A prepared destination is re-enabled with its source, not alone.
CompleteMaintenance = actions.host_link(
    "complete_maintenance", _("Complete Maintenance"),
    "horizon:admin:hosts:complete_maintenance", policy.SERVICE_UPDATE,
    lambda host: host is None or (host.status == "disabled" and
                                  not host.prepared_for))

# Offered for every host: for a host whose compute service is up the page
# explains that it must be fenced and forced down first, and links to
# Force Down.
EvacuateHost = actions.host_link(
    "evacuate", _("Evacuate Host"), "horizon:admin:hosts:evacuate_host",
    policy.EVACUATE, classes=("btn-danger",))


class MoveBack(policy.PolicyOncePerRequest, tables.LinkAction):
    """Offered while instances the host's last drain moved are still on
    other hosts (the index marks them: ``move_back_since``)."""
    name = "move_back"
    verbose_name = _("Move Back")
    policy_rules = policy.DRAIN

    def allowed(self, request, host=None):
        return getattr(host, "move_back_since", None) is not None

    def get_link_url(self, host):
        return links.drain_move_back(host.host, host.move_back_since)


# Disable, plan, submit, track.
DrainHost = actions.host_link("drain", _("Drain Host"),
                              "horizon:admin:hosts:drain_start", policy.DRAIN)


FILTER_FIELDS = ("host", "zone", "status", "state", "disabled_reason")


def filter_hosts(hosts, field, value):
    """Hosts whose ``field`` (any of FILTER_FIELDS if not one of them)
    contains ``value``, case-insensitive."""
    fields = (field,) if field in FILTER_FIELDS else FILTER_FIELDS
    return common.filter_rows(hosts, fields, value)


class HostFilterAction(tables.FilterAction):
    """Filters on the server: the view filters every host before it cuts
    the page (a filter in the browser would only see the page shown)."""
    filter_type = "server"
    filter_choices = (
        ("any", _("Host, zone, status, state or reason"), False),
        ("host", _("Host"), False),
        ("zone", _("Zone"), False),
        ("status", _("Status"), False, _("enabled or disabled")),
        ("state", _("State"), False, _("up or down")),
        ("disabled_reason", _("Disabled reason"), False),
    )

    def filter(self, table, hosts, filter_string):
        # The view already applied it to all hosts; applying it again to
        # the page keeps the table right wherever its data comes from.
        return filter_hosts(hosts, table.get_filter_field(), filter_string)


def _status(host):
    # A label, which table striping does not wash out (row colours alone
    # did not make a disabled host stand out).
    status = nova_words.said(nova_words.SERVICE_STATUS, host.status)
    if host.in_maintenance:
        return format_html('<span class="label label-warning host-disabled-'
                           'label">{}</span>', status)
    return status


def _capacity(used_attr, total_attr, text="%(used)s / %(total)s"):
    """Nova's hypervisor figures of a host, "used / total"."""
    def render(host):
        used = getattr(host, used_attr)
        total = getattr(host, total_attr)
        if used is None or total is None:
            return "-"
        return text % {"used": used, "total": total}
    return render


def _scheduler(resource_class, hypervisor, text):
    """What the scheduler counts of ``resource_class`` on a host, "used /
    capacity" in ``text``, with Nova's figure (``hypervisor``, a render
    function) in the tooltip; Nova's figure alone when Placement was not
    read (the view then shows the hypervisor headers)."""
    def render(host):
        nova = hypervisor(host)
        count = host.scheduler
        if count is None:
            return nova
        if count.state == scheduler_counts.NOT_PROVIDER:
            # The page says once what the dash means.
            return "\u2014"
        if count.state == scheduler_counts.NO_ROOM:
            return format_html('<span title="{}">{}</span>', _(
                "Placement offers no room for one vCPU nor for one MiB of "
                "RAM on this host. Nova's hypervisor record (physical): "
                "%(figures)s") % {"figures": nova}, _("no room"))
        # A provider without the class (a host of dedicated CPUs only has
        # no shared vCPUs) offers none of it.
        used, capacity = count.figures(resource_class) or (0, 0)
        return format_html(
            '<span title="{}">{}</span>',
            _("Nova's hypervisor record (physical): %(figures)s")
            % {"figures": nova},
            text % {"used": used, "total": capacity})
    return render


def _scheduler_column(resource_class, used_attr, total_attr, text,
                      verbose_name, what):
    """A "used / capacity" column of what the scheduler counts, whose
    header says so."""
    return tables.Column(
        _scheduler(resource_class, _capacity(used_attr, total_attr, text),
                   text),
        verbose_name=verbose_name, help_text=format_lazy(_(
            "What the scheduler counts (Placement): {what} allocated to "
            "instances / the capacity, (total - reserved) × allocation "
            "ratio. Hover a figure for Nova's hypervisor record "
            "(physical). \"no room\": Placement offers neither a vCPU nor "
            "a MiB of RAM on the host."), what=what))


def _reserved_help(option):
    # Lazy: said in the language of the request that draws the header.
    return format_lazy(_(
        "From Nova's hypervisor record: used counts what is reserved for "
        "the host ({option}), so an empty host shows it; the total is "
        "physical, before the allocation ratio. The host's Overview shows "
        "what the scheduler counts."), option=option)


# The headers of the capacity columns when Placement could not be read and
# the cells show Nova's hypervisor records: physical totals, and used RAM
# and disk that count what is reserved for the host.
HYPERVISOR_HEADERS = {
    "vcpus": (_("vCPUs (used / physical)"), _(
        "From Nova's hypervisor record: the vCPUs of its instances out of "
        "the host's physical CPUs, before the allocation ratio the "
        "scheduler applies (Placement may allow several times as many). "
        "The host's Overview shows what the scheduler counts.")),
    "memory": (_("RAM (used + reserved / physical)"),
               _reserved_help("reserved_host_memory_mb")),
    "disk": (_("Disk (used + reserved / physical)"),
             _reserved_help("reserved_host_disk_mb")),
}


def show_hypervisor_headers(table):
    """Head the capacity columns of ``table`` as Nova's hypervisor
    figures (the columns of this table instance only)."""
    for name, (verbose_name, help_text) in HYPERVISOR_HEADERS.items():
        column = table.columns[name]
        column.verbose_name = verbose_name
        column.help_text = help_text


def _reason(host):
    return host.disabled_reason or "-"


def _hypervisor(host):
    if not host.hypervisor_type:
        return "-"
    if host.hypervisor_version is None:
        return host.hypervisor_type
    return "%s %s" % (host.hypervisor_type, host.hypervisor_version)


def _migrations(host):
    if not host.migrations_in_progress:
        return "0"
    return _("%(out)s out, %(in)s in") % {"out": host.migrations_from,
                                          "in": host.migrations_to}


def _instances(host):
    return "-" if host.instances is None else host.instances


class MaintenanceRow(tables.Row):
    """Rows of hosts in maintenance (disabled) or down stand out."""

    def load_cells(self, datum=None):
        super().load_cells(datum)
        datum = datum or self.datum
        if datum is not None:
            if datum.is_down:
                self.classes.extend(("danger", "host-down"))
            elif datum.in_maintenance:
                self.classes.extend(("warning", "host-disabled"))


class HostsTable(tables.DataTable):
    STATUS_CHOICES = (
        ("enabled", True), ("disabled", True),
        ("up", True), ("down", False),
    )
    host = tables.Column(
        "host", verbose_name=_("Host"),
        link="horizon:admin:hosts:detail")
    zone = tables.Column("zone", verbose_name=_("Zone"))
    status = tables.Column(_status, verbose_name=_("Status"),
                           sortable=True)
    disabled_reason = tables.WrappingColumn(
        _reason, verbose_name=_("Disabled Reason"))
    state = tables.Column("state", verbose_name=_("State"), status=True,
                          status_choices=STATUS_CHOICES,
                          display_choices=nova_words.SERVICE_STATE)
    forced_down = tables.Column(
        "forced_down", verbose_name=_("Forced Down"),
        filters=(filters.yesno, filters.capfirst))
    hypervisor = tables.Column(_hypervisor, verbose_name=_("Hypervisor"))
    # What the scheduler counts (Placement, read for every host in three
    # calls by the view); Nova's hypervisor figures in each cell's tooltip,
    # or in the cells when Placement could not be read.
    vcpus = _scheduler_column(
        "VCPU", "vcpus_used", "vcpus", "%(used)s / %(total)s",
        _("vCPUs (used / capacity)"), _("vCPUs"))
    memory = _scheduler_column(
        "MEMORY_MB", "memory_mb_used", "memory_mb",
        _("%(used)s / %(total)s MiB"), _("RAM (used / capacity)"),
        _("MiB of RAM"))
    disk = _scheduler_column(
        "DISK_GB", "local_gb_used", "local_gb", _("%(used)s / %(total)s GiB"),
        _("Disk (used / capacity)"), _("GiB of disk"))
    instances = tables.Column(_instances, verbose_name=_("Instances"))
    migrations = tables.Column(_migrations,
                               verbose_name=_("Migrations in progress"))
    updated_at = tables.Column(
        "updated_at", verbose_name=_("Last report"),
        filters=(utils_filters.parse_isotime, filters.timesince))

    def get_object_id(self, datum):
        return datum.host

    def get_object_display(self, datum):
        return datum.host

    class Meta(object):
        name = "hosts"
        verbose_name = _("Compute Hosts")
        row_class = MaintenanceRow
        status_columns = ["state"]
        table_actions = (HostFilterAction, DisableHosts, EnableHost)
        row_actions = (DisableHost, EnableHost, PrepareDestination,
                       CompleteMaintenance, ForceDownHost, ForceUpHost,
                       EvacuateHost, DrainHost, MoveBack)


# ----------------------------------------------------------- detail tables

class MigrationsTable(tables.DataTable):
    id = tables.Column("id", verbose_name=_("ID"),
                       link=links.detail_url)
    instance = tables.Column(
        lambda m: getattr(m, "instance_name", None) or m.instance_id,
        verbose_name=_("Instance"))
    migration_type = tables.Column("migration_type", verbose_name=_("Type"))
    source = tables.Column("source_compute", verbose_name=_("Source"))
    dest = tables.Column("dest_compute", verbose_name=_("Destination"))
    status = tables.Column("status", verbose_name=_("Status"),
                           display_choices=nova_words.MIGRATION_STATUS)
    created = tables.Column("created_at", verbose_name=_("Started"),
                            filters=(utils_filters.parse_isotime,))
    updated = tables.Column("updated_at", verbose_name=_("Updated"),
                            filters=(utils_filters.parse_isotime,))

    class Meta(object):
        name = "migrations"
        verbose_name = _("Migrations")
        multi_select = False
