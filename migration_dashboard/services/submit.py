"""Submitting one API call per instance, concurrently and bounded.

N migrations are N calls to Nova, each accepted or refused on its own; the
calls run in a small thread pool so that a batch costs about one round trip
of wall time per ``MAX_WORKERS`` instances, never N in a row.  Messages are
added by the caller in the request's own thread.
"""
from concurrent import futures

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from keystoneauth1 import exceptions as ks_exceptions
from novaclient import exceptions as nova_exceptions

from migration_dashboard.api import base

MAX_WORKERS = 4


def max_workers():
    return max(1, int(getattr(settings,
                              "MIGRATION_DASHBOARD_SUBMIT_WORKERS",
                              MAX_WORKERS)))


def run(ids, call):
    """Call ``call(id)`` for each of ``ids`` in a bounded thread pool.

    Returns [(id, exception or None)] in the order of ``ids``.
    """
    ids = list(ids)
    if not ids:
        return []
    # Results by position, not by id: the same instance may be asked twice
    # (a double click, two rows) and each call has its own outcome.
    results = [None] * len(ids)
    with futures.ThreadPoolExecutor(
            max_workers=min(max_workers(), len(ids)),
            thread_name_prefix="migrate") as pool:
        pending = {pool.submit(call, i): n for n, i in enumerate(ids)}
        for future in futures.as_completed(pending):
            try:
                future.result()
            except Exception as exc:  # reported per instance
                results[pending[future]] = exc
    return list(zip(ids, results))


def explain(exc):
    """Nova's reason for a refused call, with what it usually means."""
    reason = base.error_reason(exc)
    if isinstance(exc, (ks_exceptions.ConnectionError,
                        ks_exceptions.EndpointNotFound)):
        return _("Nova could not be reached: %s") % (str(exc) or reason)
    code = getattr(exc, "code", None)
    if isinstance(exc, nova_exceptions.NotFound) or code == 404:
        return _("not found (deleted meanwhile?): %s") % reason
    if isinstance(exc, nova_exceptions.Conflict) or code == 409:
        return _("refused in its current state (409): %s") % reason
    if isinstance(exc, nova_exceptions.BadRequest) or code == 400:
        return _("refused by Nova (400): %s") % reason
    if isinstance(exc, nova_exceptions.Forbidden) or code == 403:
        return _("not allowed (403): %s") % reason
    if code is None and not isinstance(exc, nova_exceptions.ClientException):
        return _("Nova could not be reached or failed: %s") % reason
    if code and code >= 500:
        # Nova answers 500 when two operations on one instance race (its
        # task state changed under it): nothing was started by this call.
        return _("Nova failed (%(code)s): %(reason)s; another operation on "
                 "the instance may have started at the same moment: check "
                 "its state before trying again") % {"code": code,
                                                     "reason": reason}
    return reason
