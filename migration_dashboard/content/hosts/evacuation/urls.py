"""A host's evacuation pages (see content/urlparts.py)."""
from django.urls import re_path

from migration_dashboard.content.hosts.evacuation import views
from migration_dashboard.content import urlparts

PREFIX = urlparts.host_part("evacuation")

urlpatterns = [
    re_path(PREFIX + r"$", views.EvacuateHostView.as_view(),
            name="evacuate_host"),
    re_path(PREFIX + r"status/$", views.StatusView.as_view(),
            name="evacuation_status"),
    re_path(PREFIX + r"instance/" + urlparts.INSTANCE + r"/$",
            views.EvacuateInstanceView.as_view(),
            name="evacuate_instance"),
]
