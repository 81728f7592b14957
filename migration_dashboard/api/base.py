"""The Keystone session every api module uses.

Horizon's own novaclient factory authenticates again with the user's token
(identity discovery + POST /auth/tokens on every page).  The token Horizon
obtained at login already carries the service catalog, so the plugin sends
it straight to the catalog's endpoint: the same user, the same token, two
round trips fewer per page.
"""
from django.conf import settings
from keystoneauth1 import session
from keystoneauth1 import token_endpoint
from openstack_dashboard.api import base as horizon_base

# Seconds before a call to a service is abandoned: a slow or hung service
# becomes a message on the page instead of a hung request.
DEFAULT_TIMEOUT = 30


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
