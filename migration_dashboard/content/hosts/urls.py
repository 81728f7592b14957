from django.urls import include
from django.urls import re_path

from migration_dashboard.content.hosts import views
from migration_dashboard.content import urlparts

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^disable/$", views.DisableManyView.as_view(),
            name="disable_many"),
    re_path(r"^",
            include("migration_dashboard.content.hosts.evacuation.urls")),
    re_path(r"^", include("migration_dashboard.content.hosts.drain.urls")),
    re_path(r"^%s/$" % urlparts.HOST, views.DetailView.as_view(),
            name="detail"),
    re_path(r"^", include("migration_dashboard.content.hosts.instances.urls")),
    re_path(r"^%s/disable/$" % urlparts.HOST, views.DisableView.as_view(),
            name="disable"),
    re_path(r"^%s/force_down/$" % urlparts.HOST,
            views.ForceDownView.as_view(), name="force_down"),
    re_path(r"^%s/prepare_destination/$" % urlparts.HOST,
            views.PrepareDestinationView.as_view(),
            name="prepare_destination"),
    re_path(r"^%s/complete_maintenance/$" % urlparts.HOST,
            views.CompleteMaintenanceView.as_view(),
            name="complete_maintenance"),
]
