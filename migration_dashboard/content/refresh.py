"""Parts of a page that refresh themselves while what they show changes
(a summary, the steps of a migration): the element carries
``data-md-refresh-url`` (this page asking for that part alone, see
:func:`fragment_url`) until its state is final, and
static/migration_dashboard/js/refresh.js replaces it with the answer,
at Horizon's row refresh interval.  Table rows use Horizon's own
ajax-update rows."""
from urllib import parse

from django.conf import settings
from django import shortcuts

FRAGMENT = "fragment"


def interval():
    """Horizon's row refresh interval (ms)."""
    return settings.HORIZON_CONFIG.get("ajax_poll_interval", 2500)


def wanted(request, name):
    """True when the request asks for the part ``name`` alone."""
    return request.GET.get(FRAGMENT) == name


def context(request, name, changing):
    """What a refreshing part's template needs: its URL while ``changing``
    (none once final, which stops the polling) and the interval."""
    url = ""
    if changing:
        query = [(k, v) for k, v in request.GET.items() if k != FRAGMENT]
        url = request.path + "?" + parse.urlencode(query + [(FRAGMENT,
                                                             name)])
    return {"refresh_url": url, "refresh_interval": interval()}


class SummaryRefresh:
    """For a page whose summary refreshes itself: a GET that asks for the
    summary alone renders ``summary_template`` with the view's
    ``_summary_context()`` (one light poll while anything is under way,
    instead of reloading the page)."""
    summary_template = None

    def get(self, request, *args, **kwargs):
        if wanted(request, "summary"):
            return shortcuts.render(request, self.summary_template,
                                    self._summary_context())
        return super().get(request, *args, **kwargs)
