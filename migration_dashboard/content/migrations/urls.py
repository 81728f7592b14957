from django.urls import re_path

from migration_dashboard.content.migrations import views
from migration_dashboard.core import ids

# Only ids Nova can have reach a view (anything else is a 404).
INSTANCE = r"(?P<instance_id>%s)" % ids.INSTANCE_PATTERN
MIGRATION = r"(?P<migration_id>%s)" % ids.MIGRATION_PATTERN

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^instance/%s/$" % INSTANCE, views.InstanceView.as_view(),
            name="instance"),
    re_path(r"^%s/%s/$" % (INSTANCE, MIGRATION), views.DetailView.as_view(),
            name="detail"),
    re_path(r"^%s/%s/abort/$" % (INSTANCE, MIGRATION),
            views.AbortView.as_view(), name="abort"),
    re_path(r"^%s/%s/force_complete/$" % (INSTANCE, MIGRATION),
            views.ForceCompleteView.as_view(), name="force_complete"),
]
