"""Pieces of the plugin's URL patterns, each spelled once.

The hosts panel includes the urls of its parts (``evacuation/``,
``drain/``, ``instances/``) without a namespace, so their names live in
the hosts panel's (``horizon:admin:hosts:...``); each of their patterns
spells out its whole path (``<host>/<part>/...``) so that every pattern
carries all its keyword arguments."""
from migration_dashboard.core import ids

# Host names are Nova's service host strings: anything but a slash.
HOST = r"(?P<host>[^/]+)"
# Only ids Nova can have reach a view (anything else is a 404).
INSTANCE = r"(?P<instance_id>%s)" % ids.INSTANCE_PATTERN
MIGRATION = r"(?P<migration_id>%s)" % ids.MIGRATION_PATTERN


def host_part(part):
    """The start of every pattern of a host's ``part``."""
    return r"^%s/%s/" % (HOST, part)
