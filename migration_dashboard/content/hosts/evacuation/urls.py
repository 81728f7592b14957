"""Included by content/hosts/urls.py without a namespace, so the names live
in the hosts panel's (horizon:admin:hosts:...).  Each pattern spells out
its whole path (``<host>/evacuation/...``) so that every pattern carries all
its keyword arguments."""
from django.urls import re_path

from migration_dashboard.content.hosts.evacuation import views
from migration_dashboard.core import ids

# Only ids Nova can have reach a view (anything else is a 404).
INSTANCE = r"(?P<instance_id>%s)" % ids.INSTANCE_PATTERN
PREFIX = r"^(?P<host>[^/]+)/evacuation/"

urlpatterns = [
    re_path(PREFIX + r"$", views.EvacuateHostView.as_view(),
            name="evacuate_host"),
    re_path(PREFIX + r"status/$", views.StatusView.as_view(),
            name="evacuation_status"),
    re_path(PREFIX + r"instance/" + INSTANCE + r"/$",
            views.EvacuateInstanceView.as_view(),
            name="evacuate_instance"),
]
