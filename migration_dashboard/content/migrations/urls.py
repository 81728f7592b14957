from django.urls import re_path

from migration_dashboard.content.migrations import views
from migration_dashboard.content import urlparts

# One migration: <instance id>/<migration id>/...
MIGRATION = r"^%s/%s/" % (urlparts.INSTANCE, urlparts.MIGRATION)

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^instance/%s/$" % urlparts.INSTANCE,
            views.InstanceView.as_view(), name="instance"),
    re_path(MIGRATION + r"$", views.DetailView.as_view(), name="detail"),
    re_path(MIGRATION + r"abort/$", views.AbortView.as_view(), name="abort"),
    re_path(MIGRATION + r"force_complete/$",
            views.ForceCompleteView.as_view(), name="force_complete"),
]
