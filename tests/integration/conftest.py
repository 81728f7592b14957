import pytest
from django.test import RequestFactory

from tests import democloud


@pytest.fixture(scope="session")
def cloud():
    democloud.ensure_running()
    return democloud


@pytest.fixture(scope="session")
def admin_session(cloud):
    return cloud.session()


@pytest.fixture(scope="session")
def nova_admin(admin_session):
    """A novaclient of the test's own, to set up and to check results."""
    return democloud.nova(admin_session)


@pytest.fixture
def admin_request(admin_session):
    """A Django request logged in as the demo cloud's admin, the way
    Horizon's Keystone backend logs a user in: the plugin's api layer then
    builds its clients from this user's token and service catalog."""
    from openstack_auth import user as auth_user

    access = admin_session.auth.get_access(admin_session)
    request = RequestFactory().get("/")
    request.session = {}
    token = auth_user.Token(auth_ref=access)
    request.user = auth_user.create_user_from_token(
        request, token, democloud.KEYSTONE_URL)
    return request
