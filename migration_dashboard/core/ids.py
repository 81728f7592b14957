"""Which ids from a URL, a query string or a form the plugin passes on to
Nova (no Django).

Nova's instance ids are UUIDs and its migration ids integers.  An id goes
into a Nova URL path: '.', '..', a slash or a percent sign there would make
the HTTP stack call another URL ('/servers/<id>/migrations/..' is
'/servers/<id>', whose DELETE deletes the instance).  Instance ids are
checked for what an id may hold (letters, digits and hyphens, as in a UUID)
rather than for the UUID layout, which changes nothing for Nova's ids.
"""
import re

# For URL patterns: an instance id, a migration id.
INSTANCE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9-]{0,63}"
MIGRATION_PATTERN = r"[0-9]{1,18}"

_INSTANCE = re.compile(INSTANCE_PATTERN)
_MIGRATION = re.compile(MIGRATION_PATTERN)


def instance_id(value):
    """``value`` when it can be a Nova instance id, else None."""
    if isinstance(value, str) and _INSTANCE.fullmatch(value):
        return value
    return None


def migration_id(value):
    """``value`` (a string) when it can be a Nova migration id, else
    None."""
    value = str(value) if isinstance(value, int) else value
    if isinstance(value, str) and _MIGRATION.fullmatch(value):
        return value
    return None
