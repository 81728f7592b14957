"""Included by content/hosts/urls.py without a namespace, so the names live
in the hosts panel's (horizon:admin:hosts:...).  Each pattern spells out
its whole path (``<host>/drain/...``) so that every pattern carries all
its keyword arguments."""
from django.urls import re_path

from migration_dashboard.content.hosts.drain import views

PREFIX = r"^(?P<host>[^/]+)/drain/"

urlpatterns = [
    re_path(PREFIX + r"$", views.StartView.as_view(), name="drain_start"),
    re_path(PREFIX + r"plan/$", views.PlanView.as_view(), name="drain_plan"),
    re_path(PREFIX + r"status/$", views.StatusView.as_view(),
            name="drain_status"),
    re_path(PREFIX + r"move_back/$", views.MoveBackView.as_view(),
            name="drain_move_back"),
]
