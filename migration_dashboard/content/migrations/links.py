"""URLs of the Migrations panel for other panels (a migration's detail)."""
from django.urls import NoReverseMatch
from django.urls import reverse


def detail_url(migration):
    """The detail page of ``migration`` (None when the panel is absent)."""
    if migration.id is None or not migration.instance_id:
        return None
    try:
        return reverse("horizon:admin:migrations:detail",
                       args=[migration.instance_id, migration.id])
    except NoReverseMatch:
        return None


def instance_url(instance_id):
    """The migrations of one instance (None when the panel is absent)."""
    try:
        return reverse("horizon:admin:migrations:instance",
                       args=[instance_id])
    except NoReverseMatch:
        return None
