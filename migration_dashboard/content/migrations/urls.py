from django.urls import re_path

from migration_dashboard.content.migrations import views

# Instance ids are UUIDs; migration ids are Nova's integer ids.
INSTANCE = r"(?P<instance_id>[^/]+)"
MIGRATION = r"(?P<migration_id>[0-9]+)"

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
