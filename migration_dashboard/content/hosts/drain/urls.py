"""A host's drain pages (see content/urlparts.py)."""
from django.urls import re_path

from migration_dashboard.content.hosts.drain import views
from migration_dashboard.content import urlparts

PREFIX = urlparts.host_part("drain")

urlpatterns = [
    re_path(PREFIX + r"$", views.StartView.as_view(), name="drain_start"),
    re_path(PREFIX + r"plan/$", views.PlanView.as_view(), name="drain_plan"),
    re_path(PREFIX + r"status/$", views.StatusView.as_view(),
            name="drain_status"),
    re_path(PREFIX + r"move_back/$", views.MoveBackView.as_view(),
            name="drain_move_back"),
]
