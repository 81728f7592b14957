from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import tabs

from migration_dashboard import api
from migration_dashboard.content import common
from migration_dashboard.content.hosts import tables as host_tables
from migration_dashboard.content.hosts.instances import \
    tables as instance_tables
from migration_dashboard.core import maintenance

# How many of the host's most recent migrations the Migrations tab shows.
HOST_MIGRATIONS = 50


def _is_uuid(value):
    import uuid
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class OverviewTab(tabs.Tab):
    name = _("Overview")
    slug = "overview"
    template_name = "admin/hosts/_detail_overview.html"
    # Placement is read only when this tab is shown, not on every tab.
    preload = False

    def get_context_data(self, request):
        host = self.tab_group.kwargs["summary"]
        capacity = None
        if host.node_ids and _is_uuid(host.node_ids[0]):
            # Placement's view: allocation ratios and reserved amounts,
            # which the hypervisor record does not show.
            try:
                capacity = api.placement.provider_capacity(
                    request, host.node_ids[0])
            except Exception as exc:
                exceptions.handle(
                    request,
                    _("Unable to read Placement capacity of %(host)s: "
                      "%(reason)s") % {"host": host.host,
                                       "reason": common.error_reason(exc)},
                    details="")
        return {"host": host,
                "cpu": maintenance.cpu_summary(host.cpu_info),
                "capacity": sorted((capacity or {}).items()),
                "capacity_known": capacity is not None}


class InstancesTab(tabs.TableTab):
    name = _("Instances")
    slug = "instances"
    table_classes = (instance_tables.InstancesTable,)
    template_name = "horizon/common/_detail_table.html"
    preload = False

    def get_instances_data(self):
        request = self.request
        host = self.tab_group.kwargs["summary"].host
        try:
            instances = api.nova.instance_list(request, host=host)
        except Exception as exc:
            exceptions.handle(request,
                              _("Unable to list the instances on %(host)s: "
                                "%(reason)s") % {
                                  "host": host,
                                  "reason": common.error_reason(exc)},
                              details="")
            return []
        names = common.project_names(request)
        for instance in instances:
            instance.project_name = names.get(instance.project_id)
        return sorted(instances, key=lambda i: (i.name or "").lower())


class MigrationsTab(tabs.TableTab):
    name = _("Migrations")
    slug = "migrations"
    table_classes = (host_tables.MigrationsTable,)
    template_name = "horizon/common/_detail_table.html"
    preload = False

    def get_migrations_data(self):
        request = self.request
        host = self.tab_group.kwargs["summary"].host
        try:
            return api.nova.migration_list(request, host=host,
                                           limit=HOST_MIGRATIONS)
        except Exception as exc:
            exceptions.handle(request,
                              _("Unable to list the migrations of "
                                "%(host)s: %(reason)s") % {
                                  "host": host,
                                  "reason": common.error_reason(exc)},
                              details="")
            return []


class HostDetailTabs(tabs.DetailTabsGroup):
    slug = "host_details"
    tabs = (OverviewTab, InstancesTab, MigrationsTab)
    sticky = True
