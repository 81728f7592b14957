"""A host's instance move pages (see content/urlparts.py); the views
check the instance ids against the host's instances."""
from django.urls import re_path

from migration_dashboard.content.hosts.instances import reset
from migration_dashboard.content.hosts.instances import views
from migration_dashboard.content import urlparts

PREFIX = urlparts.host_part("instances")

urlpatterns = [
    re_path(PREFIX + r"live_migrate/$", views.LiveMigrateView.as_view(),
            name="instances_live_migrate"),
    re_path(PREFIX + r"cold_migrate/$", views.ColdMigrateView.as_view(),
            name="instances_cold_migrate"),
    re_path(PREFIX + r"findings/$", views.FindingsView.as_view(),
            name="instances_findings"),
    re_path(PREFIX + urlparts.INSTANCE + r"/live_migrate/$",
            views.LiveMigrateView.as_view(),
            name="instance_live_migrate"),
    re_path(PREFIX + urlparts.INSTANCE + r"/reset_state/$",
            reset.ResetStateView.as_view(), name="instance_reset_state"),
    re_path(PREFIX + urlparts.INSTANCE + r"/cold_migrate/$",
            views.ColdMigrateView.as_view(),
            name="instance_cold_migrate"),
]
