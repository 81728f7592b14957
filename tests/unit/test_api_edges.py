"""The api wrappers at their edges: what is sent to Nova and Placement
(method, URL, microversion, body) and what comes back to the caller when an
answer lacks a part."""
import datetime
import re
from unittest import mock
from urllib import parse

from keystoneauth1 import exceptions as ks_exceptions

from migration_dashboard.api import base
from migration_dashboard.api import nova
from tests.unit import test_api_http

UTC = datetime.timezone.utc
SINCE = datetime.datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


def _mig(n, created_at):
    return {"id": n, "uuid": "mig-%d" % n, "created_at": created_at,
            "instance_uuid": "inst-%d" % n, "source_compute": "cmp1",
            "dest_compute": "cmp2", "status": "accepted",
            "migration_type": "live-migration"}


class MigrationsCreatedSinceTests(test_api_http._ApiTest):
    """GET /os-migrations for a drain's moves: by creation time (Nova's
    changes-since compares updated_at, NULL on a record never updated),
    newest first from 2.59, one page of 200 at a time until a page
    reaches a record older than the drain."""

    def _pages(self, pages):
        """Answer with pages[marker] (marker None: the first page);
        "next" links on every page but the last key's."""
        keys = list(pages)

        def reply(request, context):
            query = parse.parse_qs(parse.urlsplit(request.url).query)
            marker = query.get("marker", [None])[0]
            body = {"migrations": pages[marker]}
            if marker != keys[-1]:
                body["migrations_links"] = [
                    {"rel": "next", "href": "http://nova/v2.1/os-migrations"
                     "?marker=whatever"}]
            return body
        self.cloud._mock.register_uri("GET", re.compile(r"/os-migrations"),
                                      json=reply)

    def _queries(self):
        return [parse.parse_qs(parse.urlsplit(r.url).query)
                for r in self.cloud._mock.request_history
                if "/os-migrations" in r.url]

    def _ids(self, **filters):
        found = nova.migration_list(self.request, created_since=SINCE,
                                    **filters)
        return [m.id for m in found]

    def test_one_page_the_records_created_since_and_those_without_time(self):
        self._pages({None: [_mig(5, "2026-03-02T10:05:00.000000"),
                            _mig(4, None),
                            _mig(3, "2026-03-02T10:00:00.000000"),
                            _mig(2, "2026-03-02T09:59:59.000000")]})
        # At or after the drain's start; a record without a time is kept
        # (it may be the lost move).
        self.assertEqual([5, 3, 4], self._ids(host="cmp1"))
        self.assertEqual([{"host": ["cmp1"], "limit": ["200"]}],
                         self._queries())
        self.assertEqual("compute 2.80",
                         self._one("GET", "/os-migrations")[2])

    def test_pages_are_read_until_one_reaches_before_the_drain(self):
        self._pages({
            None: [_mig(9, "2026-03-02T12:00:00"),
                   _mig(8, "2026-03-02T11:00:00")],
            "mig-8": [_mig(7, "2026-03-02T10:30:00"),
                      _mig(6, "2026-03-02T09:00:00")],
            "mig-6": [_mig(1, "2026-03-01T09:00:00")]})
        self.assertEqual([9, 8, 7], self._ids(host="cmp1",
                                              status="accepted"))
        self.assertEqual([
            {"host": ["cmp1"], "status": ["accepted"], "limit": ["200"]},
            {"host": ["cmp1"], "status": ["accepted"], "limit": ["200"],
             "marker": ["mig-8"]}], self._queries())

    def test_a_page_reaching_exactly_the_start_goes_on(self):
        self._pages({
            None: [_mig(9, "2026-03-02T10:00:00")],
            "mig-9": [_mig(8, "2026-03-02T10:00:00")],
            "mig-8": []})
        self.assertEqual([9, 8], self._ids())
        self.assertEqual([None, ["mig-9"], ["mig-8"]],
                         [q.get("marker") for q in self._queries()])

    def test_no_next_page_no_second_call(self):
        self._pages({None: [_mig(9, "2026-03-02T12:00:00")],
                     "mig-9": [_mig(8, "2026-03-02T11:00:00")]})
        # (the first page has a next link, the second none)
        self.assertEqual([9, 8], self._ids())
        self.assertEqual(2, len(self._queries()))
        self.cloud._mock.reset_mock()
        self._pages({None: [_mig(9, "2026-03-02T12:00:00")]})
        self.assertEqual([9], self._ids())
        self.assertEqual(1, len(self._queries()))

    def test_paging_stops_where_it_could_not_go_on(self):
        # The last record without a time or without a uuid (no marker to
        # send), or an empty page: what was read is the answer.
        for last in (_mig(8, None), dict(_mig(8, "2026-03-02T11:00:00"),
                                         uuid=None)):
            self.cloud._mock.reset_mock()
            self._pages({None: [_mig(9, "2026-03-02T12:00:00"), last],
                         "mig-8": [_mig(7, "2026-03-02T10:30:00")],
                         "x": []})
            self.assertEqual([9, 8], self._ids(), last)
            self.assertEqual(1, len(self._queries()), last)
        self.cloud._mock.reset_mock()
        self._pages({None: [], "x": []})
        self.assertEqual([], self._ids())
        self.assertEqual(1, len(self._queries()))

    def test_a_page_without_its_list_or_links(self):
        self.cloud._mock.register_uri(
            "GET", re.compile(r"/os-migrations"),
            json={"migrations": None, "migrations_links": None})
        self.assertEqual([], self._ids())
        self.cloud._mock.register_uri(
            "GET", re.compile(r"/os-migrations"),
            json={"migrations": [_mig(3, "2026-03-02T11:00:00")],
                  "migrations_links": None})
        self.assertEqual([3], self._ids())


class PathSegmentTests(test_api_http._ApiTest):
    """'', '.' and '..' never reach Nova as an id: quoted they stay what
    they are, and the HTTP stack folds them into another URL
    (/servers/<id>/migrations/.. is DELETE /servers/<id>)."""

    def test_an_empty_or_dot_id_is_refused_before_any_request(self):
        for bad in ("", ".", ".."):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError) as refused:
                    nova.server_live_migrate(self.request, bad, host="cmp2")
                self.assertEqual("not an id: %r" % bad,
                                 str(refused.exception))
        # (The microversion discovery may have been sent: no server URL.)
        self.assertEqual([], [r.url for r in self.cloud._mock.request_history
                              if "/servers" in r.url])

    def test_ids_with_dots_inside_are_sent(self):
        # Only the whole segment '.' or '..' is refused.
        from novaclient import exceptions as nova_exceptions
        for ident in ("...", "a.b"):
            with self.subTest(ident=ident):
                with self.assertRaises(nova_exceptions.NotFound):
                    nova.server_live_migrate(self.request, ident,
                                             host="cmp2")
                self.assertIn("/servers/%s/action" % ident,
                              self.cloud._mock.request_history[-1].url)


class AnswersWithoutTheirListTests(test_api_http._ApiTest):
    """An answer that lacks its list is an empty list, not an error page
    (a proxy or an older Nova can strip a key)."""

    def test_one_page_of_migrations_without_its_list(self):
        self.cloud._mock.register_uri("GET", re.compile(r"/os-migrations"),
                                      json={})
        self.assertEqual([], nova.migration_list(self.request, limit=5))

    def test_instance_actions_without_their_list(self):
        self.cloud._mock.register_uri(
            "GET", re.compile(r"/os-instance-actions$"), json={})
        self.assertEqual([], nova.instance_action_list(self.request,
                                                       "inst-1"))

    def test_hypervisors_without_their_list(self):
        self.cloud._mock.register_uri(
            "GET", re.compile(r"/os-hypervisors/detail"), json={})
        self.assertEqual([], nova.hypervisor_list(self.request))

    def test_services_without_their_list(self):
        self.cloud._mock.register_uri(
            "GET", re.compile(r"/os-services\?"), json={})
        self.assertEqual([], nova.service_list(self.request))
        # And a host with no service is refused by name, in the words the
        # page shows.
        with self.assertRaises(nova.nova_exceptions.NotFound) as refused:
            nova.service_enable(self.request, "cmp9")
        self.assertEqual("No nova-compute service on host cmp9",
                         str(refused.exception))

    def test_a_migration_without_id_is_after_id_1_of_the_same_time(self):
        self.cloud._mock.register_uri("GET", re.compile(r"/os-migrations"),
                                      json={"migrations": [
                                          {"id": None, "uuid": "none",
                                           "created_at": "2026-03-01T10:00"},
                                          {"id": 1, "uuid": "one",
                                           "created_at": "2026-03-01T10:00"}
                                      ]})
        self.assertEqual(["one", "none"], [
            m.uuid for m in nova.migration_list(self.request, limit=5)])


def _json_response(body, content_type="application/json"):
    headers = {} if content_type is None else {"Content-Type": content_type}
    return mock.Mock(headers=headers, json=mock.Mock(return_value=body))


PLACEMENT_ERROR = {"errors": [{"status": 409, "title": "Conflict",
                               "detail": "resource provider generation "
                                         "conflict"}]}


def test_placements_words_after_the_status():
    exc = ks_exceptions.Conflict(
        message="Conflict", details="resource provider generation conflict",
        response=_json_response(PLACEMENT_ERROR))
    assert base.error_reason(exc) == (
        "Conflict: resource provider generation conflict")


def test_only_an_http_error_in_placements_form_adds_its_details():
    # An answer without a Content-Type, or whose JSON is not the errors
    # list: the message alone (details can be a traceback).
    for response in (_json_response(PLACEMENT_ERROR, None),
                     _json_response({"conflictingRequest": {
                         "message": "Cannot migrate", "code": 409}})):
        exc = ks_exceptions.Conflict(message="Conflict",
                                     details="Traceback (most recent...)",
                                     response=response)
        assert base.error_reason(exc) == "Conflict"
    # Not an HTTP error of keystoneauth, whatever it carries.
    exc = Exception("ignored")
    exc.message, exc.details = "No valid host was found.", "Traceback (...)"
    exc.response = _json_response(PLACEMENT_ERROR)
    assert base.error_reason(exc) == "No valid host was found."
    # Details that are not text are never shown.
    exc = ks_exceptions.Conflict(message="Conflict", details=["x"],
                                 response=_json_response(PLACEMENT_ERROR))
    assert base.error_reason(exc) == "Conflict"
