from django.utils.translation import gettext_lazy as _

from horizon import tabs

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.content import presentation
from migration_dashboard.content.hosts import tables as host_tables
from migration_dashboard.content.hosts.instances import \
    tables as instance_tables
from migration_dashboard.core import maintenance
from migration_dashboard.services import migrations
from migration_dashboard.services import projects

# How many of the host's most recent migrations the Migrations tab shows.
HOST_MIGRATIONS = 50


class OverviewTab(tabs.Tab):
    name = _("Overview")
    slug = "overview"
    template_name = "admin/hosts/_detail_overview.html"
    # Placement is read only when this tab is shown, not on every tab.
    preload = False

    def get_context_data(self, request):
        host = self.tab_group.kwargs["summary"]
        capacity = None
        if host.node_ids and base.is_uuid(host.node_ids[0]):
            # Placement's view: allocation ratios and reserved amounts,
            # which the hypervisor record does not show.
            try:
                capacity = api.placement.provider_capacity(
                    request, host.node_ids[0])
            except Exception as exc:
                presentation.show_error(
                    request, _("Unable to read Placement capacity of "
                               "%(host)s: %(reason)s"), exc, host=host.host)
        return {"host": host,
                "cpu": maintenance.cpu_summary(host.cpu_info),
                "capacity": sorted((capacity or {}).items()),
                "capacity_known": capacity is not None}


class _HostListTab(tabs.TableTab):
    """A tab listing something of the host, read only when it is shown."""
    template_name = "horizon/common/_detail_table.html"
    preload = False

    def _read(self, call, failure):
        """``call(request, host)``, or None and ``failure`` shown."""
        host = self.tab_group.kwargs["summary"].host
        try:
            return call(self.request, host)
        except Exception as exc:
            presentation.show_error(self.request, failure, exc, host=host)
            return None


class InstancesTab(_HostListTab):
    name = _("Instances")
    slug = "instances"
    table_classes = (instance_tables.InstancesTable,)

    def get_instances_data(self):
        request = self.request
        instances = self._read(
            lambda r, host: api.nova.instance_list(r, host=host),
            _("Unable to list the instances on %(host)s: %(reason)s"))
        if instances is None:
            return []
        names = projects.project_names(request)
        for instance in instances:
            instance.project_name = names.get(instance.project_id)
        instance_tables.attach_moves(request, instances, host=self.tab_group
                                     .kwargs["summary"].host)
        return sorted(instances, key=lambda i: (i.name or "").lower())


class MigrationsTab(_HostListTab):
    name = _("Migrations")
    slug = "migrations"
    table_classes = (host_tables.MigrationsTable,)

    def get_migrations_data(self):
        rows = self._read(
            lambda r, host: api.nova.migration_list(r, host=host,
                                                    limit=HOST_MIGRATIONS),
            _("Unable to list the migrations of %(host)s: %(reason)s")) or []
        names = migrations.instance_names(self.request, rows)
        for m in rows:
            m.instance_name = names.get(m.instance_id)
        return rows


class HostDetailTabs(tabs.DetailTabsGroup):
    slug = "host_details"
    tabs = (OverviewTab, InstancesTab, MigrationsTab)
    sticky = True
