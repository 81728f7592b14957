"""Double submit: the same live migration sent twice at once (two admins,
or a double click) gives one migration, and a clear refusal for the other.

The instance is the test's own, booted on cmp1 (deleted afterwards), and
both requests ask for cmp2."""
import uuid

import pytest
from novaclient import exceptions as nova_exceptions

from migration_dashboard import api
from migration_dashboard.services import submit
from tests import democloud
from tests.integration import test_migrate_api as moves

pytestmark = pytest.mark.integration

# What the person reads for each answer Nova can give the second request,
# by HTTP status: the instance is already migrating (409; 400 from older
# checks), or both requests raced through Nova's task-state check at the
# same moment and the second failed inside Nova (500).
EXPLAINED = {409: "refused in its current state (409)",
             400: "refused by Nova (400)",
             500: "another operation on the instance may have started"}


def test_same_live_migration_twice_gives_one_migration(admin_request,
                                                       nova_admin):
    democloud.computes_ready(nova_admin)
    server = democloud.boot(
        nova_admin, "race-it-%s" % uuid.uuid4().hex[:8], moves.SOURCE,
        # Long enough that the first move is still running when Nova
        # handles the second request (with a window of 0 the first could
        # finish first and both were accepted); short enough to end.
        meta={democloud.LIVE_MIGRATION_SECONDS: "30"})
    try:
        _twice(admin_request, nova_admin, server)
    finally:
        democloud.delete(nova_admin, [server.id])


def _twice(admin_request, nova_admin, server):
    results = submit.run(
        [server.id, server.id],
        lambda sid: api.nova.server_live_migrate(admin_request, sid,
                                                 host=moves.DEST))

    errors = [exc for _sid, exc in results if exc is not None]
    assert len(errors) == 1, results
    # Nova's own refusal, and the plugin's words for exactly that answer.
    assert isinstance(errors[0], nova_exceptions.ClientException), errors
    assert errors[0].code in EXPLAINED, errors[0]
    explained = str(submit.explain(errors[0]))
    assert EXPLAINED[errors[0].code] in explained, explained

    def new_migrations():
        return nova_admin.migrations.list(instance_uuid=server.id)

    migrations = democloud.wait_for(new_migrations, timeout=30,
                                    what="the new migration record")
    assert len(migrations) == 1
    done = democloud.wait_for(
        lambda: (lambda ms: ms[0] if ms and ms[0].status in
                 moves.FINAL["live"] else None)(new_migrations()),
        timeout=moves.TIMEOUT, what="the migration to end")
    assert done.status == "completed", done.status
    arrived = moves._wait_idle(nova_admin, server.id, "ACTIVE")
    assert moves._host(arrived) == moves.DEST
    # One migration in the plugin's list too.
    listed = api.nova.migration_list(admin_request, instance_id=server.id)
    assert [(m.id, m.status) for m in listed] == [(done.id, "completed")]
