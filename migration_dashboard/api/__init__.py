"""Thin wrappers around the OpenStack APIs the plugin uses.

One module per service.  Every function takes the Django request (so the
clients are built from Horizon's Keystone session for the logged-in user),
fetches whole lists in one call, and lets the client's exceptions through
unchanged so that views can turn them into messages with
``horizon.exceptions.handle``.
"""
from migration_dashboard.api import keystone  # noqa: F401
from migration_dashboard.api import microversions  # noqa: F401
from migration_dashboard.api import neutron  # noqa: F401
from migration_dashboard.api import nova  # noqa: F401
from migration_dashboard.api import nova_records  # noqa: F401
from migration_dashboard.api import placement  # noqa: F401
