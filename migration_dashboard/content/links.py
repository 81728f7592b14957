"""URLs the panels link to each other with, each written once.

The Migrations panel may be absent (its enabled file removed): its links
are then None and the pages leave them out.
"""
from django.urls import NoReverseMatch
from django.urls import reverse

from migration_dashboard.services import drain

HOSTS_INDEX = "horizon:admin:hosts:index"


def host_detail(host, tab=None):
    """A compute host's page, on one of its tabs (instances, migrations)."""
    url = reverse("horizon:admin:hosts:detail", args=[host])
    if tab:
        url += "?tab=host_details__%s" % tab
    return url


def hosts_index():
    return reverse(HOSTS_INDEX)


def drain_move_back(host, since=None):
    """Move Back for ``host``'s drain that began at ``since`` (carried in
    the URL: Nova forgets it once the host is enabled again)."""
    url = reverse("horizon:admin:hosts:drain_move_back", args=[host])
    if since is not None:
        url += "?since=" + drain.stamp(since)
    return url


def instance_detail(instance):
    """Horizon's page of an instance (anything with an ``id``), None when
    Horizon's admin Instances panel is absent."""
    try:
        return reverse("horizon:admin:instances:detail", args=[instance.id])
    except Exception:
        return None


def migration_url(instance_id, migration_id):
    """The detail page of one migration (None when the panel is absent)."""
    if migration_id is None or not instance_id:
        return None
    try:
        return reverse("horizon:admin:migrations:detail",
                       args=[instance_id, migration_id])
    except NoReverseMatch:
        return None


def detail_url(migration):
    """The detail page of ``migration`` (a column link)."""
    return migration_url(migration.instance_id, migration.id)


def instance_url(instance_id):
    """The migrations of one instance (None when the panel is absent)."""
    try:
        return reverse("horizon:admin:migrations:instance",
                       args=[instance_id])
    except NoReverseMatch:
        return None


def migrations_index():
    """The Migrations panel (None when it is absent)."""
    try:
        return reverse("horizon:admin:migrations:index")
    except NoReverseMatch:
        return None
