"""The Keystone session every api module uses, and how to read what the
services send back (ids, times, the reason of a failure).

Horizon's own novaclient factory authenticates again with the user's token
(identity discovery + POST /auth/tokens on every page).  The token Horizon
obtained at login already carries the service catalog, so the plugin sends
it straight to the catalog's endpoint: the same user, the same token, two
round trips fewer per page.
"""
import datetime
import uuid

from django.conf import settings
from django.utils import dateparse
from django.utils import timezone
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base as horizon_base
from openstack_dashboard.contrib.developer.profiler import api as profiler

# Seconds before a call to a service is abandoned: a slow or hung service
# becomes a message on the page instead of a hung request.
DEFAULT_TIMEOUT = 30


def trace_calls(namespace, *names):
    """Wrap the functions ``names`` of an api module (``namespace``: its
    globals()) in Horizon's profiler trace, in place.

    The same as ``@profiler.trace`` on each: the trace is named
    ``<module>.<function>`` from the function itself, and calls between
    functions of the module go through the traced name.  Applied after the
    definitions rather than as a decorator because mutmut 3 never mutates
    a decorated function (docs/mutation.md): the api layer's requests would
    escape mutation testing.
    """
    for name in names:
        namespace[name] = profiler.trace(namespace[name])


def endpoint(request, service_type):
    """The catalog URL of ``service_type`` for the logged-in user."""
    return horizon_base.url_for(request, service_type)


def token_session(request, service_type):
    """A keystoneauth session bound to the user's token and one endpoint."""
    verify = True
    if getattr(settings, "OPENSTACK_SSL_NO_VERIFY", False):
        verify = False
    elif getattr(settings, "OPENSTACK_SSL_CACERT", None):
        verify = settings.OPENSTACK_SSL_CACERT
    auth = token_endpoint.Token(endpoint(request, service_type),
                                request.user.token.id)
    timeout = getattr(settings, "MIGRATION_DASHBOARD_API_TIMEOUT",
                      DEFAULT_TIMEOUT)
    return session.Session(auth=auth, verify=verify, timeout=timeout)


def in_catalog(request, *service_types):
    """True when the user's service catalog lists one of
    ``service_types``."""
    user = getattr(request, "user", None)
    catalog = getattr(user, "service_catalog", None) or []
    return any(service.get("type") in service_types for service in catalog)


def _api_sig_detail(exc):
    """The ``detail`` of an error answered in the API working group's form
    ({"errors": [{"title", "detail"}]}, as Placement does), or None:
    keystoneauth keeps the title, the HTTP status's own words, as the
    message, and the service's words as details."""
    response = getattr(exc, "response", None)
    if not isinstance(exc, ks_exceptions.HttpError) or response is None or \
            not response.headers.get("Content-Type", "").startswith(
                "application/json"):
        return None
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return None
    if not errors or not isinstance(exc.details, str) or not exc.details:
        return None
    return exc.details


def error_reason(exc):
    """Nova's (or Keystone's, or Placement's) own words for a failure, for
    a message."""
    detail = _api_sig_detail(exc)
    if detail is not None:
        return "%s: %s" % (exc.message, detail) if exc.message else detail
    for attr in ("message", "details"):
        value = getattr(exc, attr, None)
        if value and isinstance(value, str):
            return value
    return str(exc) or type(exc).__name__


def parse_time(value):
    """An aware UTC datetime from Nova's ISO strings (naive = UTC); None
    for nothing or what is not a time."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        try:
            parsed = dateparse.parse_datetime(str(value))
        except ValueError:
            parsed = None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def is_uuid(value):
    """True when ``value`` reads as a UUID (ids from URLs and filters)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
