"""How the panels show findings and failures, the same way on every page."""
from django.utils import html
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import messages

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.core import preflight
from migration_dashboard.core.preflight import summary

# Bootstrap class of each finding severity.
FINDING_CSS = {preflight.BLOCKER: "danger", preflight.WARNING: "warning",
               preflight.NOTE: "info"}


def finding(f):
    """A pre-flight finding as the templates show it (``details``: lines
    shown collapsed under it, e.g. each host's reason)."""
    return {"severity": f.severity.label,
            "severity_text": f.severity.text, "css": FINDING_CSS[f.severity],
            "code": f.code, "message": f.message, "remedy": f.remedy,
            "details": list(f.details)}


def said_once(results, labels):
    """(the findings every row shares and the "could not check" notes, as
    the templates show them, once above the rows; {row id: the findings
    left to each row}); see core.preflight.summary."""
    page, rows = summary.said_once(results, labels)
    return [finding(f) for f in page], rows


def with_links(text, links):
    """A message: ``text`` and then its ``links`` ((url, label), those
    without a url left out) on a line of their own, apart from each other.
    The page keeps a message with links until it is closed, where Horizon
    fades a success in seconds (static/migration_dashboard/js/messages.js
    knows it by ``md-message-links``)."""
    links = [(url, label) for url, label in links if url]
    if not links:
        return text
    return html.format_html(
        '{}<br><span class="md-message-links">{}</span>', text,
        html.format_html_join(" \u00b7 ", '<a href="{}">{}</a>', links))


def show_error(request, message, exc, redirect=None, **params):
    """``message`` % ``params``, with the service's own words as
    ``%(reason)s`` unless ``params`` words it otherwise, shown as Horizon
    shows an API error: a message on the page, a redirect when one is
    given, never a 500 for a recognised error (401 still logs the user
    out).

    Call it inside the ``except`` block that caught ``exc``: Horizon reads
    the exception being handled.
    """
    params.setdefault("reason", base.error_reason(exc))
    exceptions.handle(request, message % params, redirect=redirect,
                      details="")


def redirect_with_error(request, message, url):
    """Show ``message`` and send the browser to ``url``: for what the
    plugin finds wrong itself, with no exception being handled
    (exceptions.handle() needs one; Horizon's middleware drops the message
    of an Http302)."""
    messages.error(request, message)
    raise exceptions.Http302(url)


def read(request, call, message, redirect=None, **params):
    """``call()``; if it fails, :func:`show_error` and None."""
    try:
        return call()
    except Exception as exc:
        show_error(request, message, exc, redirect=redirect, **params)
        return None


def read_service(request, host, redirect=None):
    """The compute service of ``host``; if it cannot be read,
    :func:`show_error` and None."""
    return read(request, lambda: api.nova.compute_service(request, host),
                _("Unable to read the compute service of %(host)s: "
                  "%(reason)s"), redirect=redirect, host=host)
