"""Double submit: the same live migration sent twice at once (two admins,
or a double click) gives one migration, and a clear refusal for the other."""
import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.services import submit
from tests import democloud
from tests.integration import test_migrate_api as moves

pytestmark = pytest.mark.integration


def test_same_live_migration_twice_gives_one_migration(admin_request,
                                                       nova_admin):
    server = next(iter(moves._candidates(nova_admin)), None)
    assert server is not None, "no idle ACTIVE instance to move"
    source = moves._host(server)
    _facts, usable = moves._usable_destination(admin_request, server,
                                               "live")
    assert usable, "no usable destination for %s" % server.name
    dest = usable[0]
    before = {m.id for m in nova_admin.migrations.list(
        instance_uuid=server.id)}

    results = submit.run(
        [server.id, server.id],
        lambda sid: api.nova.server_live_migrate(admin_request, sid,
                                                 host=dest))

    errors = [exc for _sid, exc in results if exc is not None]
    assert len(errors) == 1, results
    # Nova's own refusal: 409/400 once the instance is migrating, or 500
    # when both requests race through its task-state check at once.
    assert isinstance(errors[0], nova_exceptions.ClientException), errors
    explained = str(submit.explain(errors[0]))
    assert ("refused" in explained or
            "another operation on the instance" in explained), explained

    def new_migrations():
        return [m for m in nova_admin.migrations.list(
            instance_uuid=server.id) if m.id not in before]

    migrations = democloud.wait_for(new_migrations, timeout=30,
                                    what="the new migration record")
    assert len(migrations) == 1
    done = democloud.wait_for(
        lambda: (lambda ms: ms[0] if ms and ms[0].status in
                 moves.FINAL["live"] else None)(new_migrations()),
        timeout=moves.TIMEOUT, what="the migration to end")
    assert done.status == "completed", done.status
    arrived = moves._wait_idle(nova_admin, server.id, "ACTIVE")
    assert moves._host(arrived) == dest != source
