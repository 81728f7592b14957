"""Included by content/hosts/urls.py without a namespace, so the names live
in the hosts panel's (horizon:admin:hosts:...).  Each pattern spells out
its whole path (``<host>/instances/...``) so that every pattern carries all
its keyword arguments."""
from django.urls import re_path

from migration_dashboard.content.hosts.instances import reset
from migration_dashboard.content.hosts.instances import views
from migration_dashboard.core import ids

# Only ids Nova can have reach a view (anything else is a 404); they are
# then checked against the host's instances.
INSTANCE = r"(?P<instance_id>%s)" % ids.INSTANCE_PATTERN
PREFIX = r"^(?P<host>[^/]+)/instances/"

urlpatterns = [
    re_path(PREFIX + r"live_migrate/$", views.LiveMigrateView.as_view(),
            name="instances_live_migrate"),
    re_path(PREFIX + r"cold_migrate/$", views.ColdMigrateView.as_view(),
            name="instances_cold_migrate"),
    re_path(PREFIX + r"findings/$", views.FindingsView.as_view(),
            name="instances_findings"),
    re_path(PREFIX + INSTANCE + r"/live_migrate/$",
            views.LiveMigrateView.as_view(),
            name="instance_live_migrate"),
    re_path(PREFIX + INSTANCE + r"/reset_state/$",
            reset.ResetStateView.as_view(), name="instance_reset_state"),
    re_path(PREFIX + INSTANCE + r"/cold_migrate/$",
            views.ColdMigrateView.as_view(),
            name="instance_cold_migrate"),
]
