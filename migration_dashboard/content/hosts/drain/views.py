"""Drain a host: start (disable), plan / dry run / submit, status, move
back.  Every page reads Nova again; nothing is kept between requests."""
import hashlib

from django import shortcuts
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from horizon import forms
from horizon import messages
from horizon import tables
from horizon.utils import memoized

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.content import links
from migration_dashboard.content import nova_words
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content import refresh
from migration_dashboard.content.hosts.drain import forms as drain_forms
from migration_dashboard.content.hosts.drain import tables as drain_tables
from migration_dashboard.core import drain_queue as drain_queue_core
from migration_dashboard.core import planning
from migration_dashboard.core import preflight
from migration_dashboard.services import drain
from migration_dashboard.services import drain_queue
from migration_dashboard.services import drain_tracking
from migration_dashboard.services import gather


def plan_url(host):
    return reverse("horizon:admin:hosts:drain_plan", args=[host])


def status_url(host, direction=drain.DRAIN, since=None, limit=None,
               drain_since=None):
    """The status of the drain, or of the move back started at ``since``
    of the drain that began at ``drain_since``."""
    url = reverse("horizon:admin:hosts:drain_status", args=[host])
    if direction == drain.BACK:
        url += "?direction=back"
        if since is not None:
            url += "&since=" + drain.stamp(since)
        if limit:
            # A move back has no marker: N travels with its status page.
            url += "&n=%d" % limit
        if drain_since is not None:
            url += "&drain=" + drain.stamp(drain_since)
    return url


def in_flight_choice(request, default):
    """(N, None) from the plan form's "in_flight", or (None, the error
    shown on the page)."""
    raw = request.POST.get("in_flight")
    value, error = drain_queue_core.parse_limit(raw, default)
    if error is None:
        return value, None
    return None, _("Moves in flight at once: give a whole number from "
                   "%(min)d to %(max)d (not \"%(value)s\").") % {
        "min": drain_queue_core.MIN_IN_FLIGHT,
        "max": drain_queue_core.MAX_IN_FLIGHT,
        "value": str(raw)[:20]}


move_back_url = links.drain_move_back


def denied_rules(request, plan, service_update=False):
    """The policy rules a submission of ``plan`` needs and the user lacks
    (rule names): the services update when it disables the host, and for
    every move sent to a chosen host the ``:host`` rule of its kind, as
    the single-instance forms check."""
    needed = [policy.SERVICE_UPDATE] if service_update else []
    for row in plan.rows:
        if row.moves and row.destination:
            needed.append(policy.COLD_HOST
                          if row.strategy is planning.Strategy.COLD
                          else policy.LIVE_HOST)
    return [rules[0][1] for rules in dict.fromkeys(needed)
            if not policy.allows(request, rules)]


def _denied_text(denied):
    return _("Not submitted: your role may not do all that this "
             "submission needs (policy %s).") % ", ".join(denied)


def shown_order(request):
    """The instance ids in the order the posted plan page showed its rows
    (its per-row selects, in document order); [] on a GET."""
    return [key[len("strategy__"):] for key in request.POST
            if key.startswith("strategy__")]


def plan_context(plan, hosts, source, overrides=None, default=None,
                 shown=()):
    """What _plan.html shows: rows with their choices (in the order of
    ``shown``, the ids as the page showed them before a dry run), the
    summary and the plan's findings."""
    overrides = overrides or {}
    rows = []
    warnings = 0
    # A note that would be on every row is said once above the table.
    page, own = presentation.said_once(
        {r.instance_id: r.findings for r in plan.rows},
        {r.instance_id: r.name for r in plan.rows})
    for row in plan.rows_in(shown):
        items = [presentation.finding(f) for f in own[row.instance_id]]
        if row.moves:
            warnings += sum(1 for f in row.findings
                            if f.severity is preflight.WARNING)
        o = overrides.get(row.instance_id)
        chosen_strategy = drain_forms.AUTO
        chosen_dest = drain_forms.DEFAULT
        if o is not None:
            if o.exclude:
                chosen_strategy = drain_forms.EXCLUDE
            elif o.strategy is not None:
                chosen_strategy = o.strategy.value
            if o.destination:
                chosen_dest = o.destination
        rows.append({
            "id": row.instance_id, "name": row.name or row.instance_id,
            "status": row.status, "strategy": row.strategy.value,
            "strategy_label": row.strategy.label,
            "destination": row.destination,
            "expected_host": row.expected_host,
            "why": row.why, "findings": items,
            "moves": row.moves, "position": row.position,
            "blocked": row.strategy is planning.Strategy.BLOCKED,
            "chosen_strategy": chosen_strategy, "chosen_dest": chosen_dest,
            "ram_mb": row.ram_mb, "vcpus": row.vcpus,
            "disk_gb": row.disk_gb,
        })
    counts = [(s.label, plan.counts.get(s, 0)) for s in planning.Strategy
              if plan.counts.get(s, 0)]
    warnings += sum(1 for f in plan.findings
                    if f.severity is preflight.WARNING)
    blockers = sum(1 for f in plan.findings
                   if f.severity is preflight.BLOCKER)
    return {
        "plan": plan, "plan_rows": rows, "plan_counts": counts,
        "plan_findings": [presentation.finding(f)
                          for f in plan.findings],
        "page_findings": page,
        "plan_warnings": warnings, "plan_blockers": blockers,
        "moving": len(plan.order),
        "destination_hosts": sorted(h for h in hosts if h != source),
        "strategy_choices": drain_forms.STRATEGY_CHOICES,
        "scheduler_value": planning.SCHEDULER,
        "default_destination": default or "",
    }


# ------------------------------------------------------------------ start

class StartView(policy.PolicyRequiredMixin, forms.ModalFormView):
    form_class = drain_forms.StartDrainForm
    form_id = "drain_start_form"
    template_name = "admin/hosts/drain/start.html"
    modal_header = _("Drain Host")
    submit_label = _("Disable and Plan")
    page_title = _("Drain Host")
    policy_rules = policy.DRAIN + policy.SERVICE_UPDATE

    @memoized.memoized_method
    def service(self):
        return presentation.read_service(self.request, self.kwargs["host"],
                                         redirect=links.hosts_index())

    def get_initial(self):
        service = self.service()
        _since, reason = drain.parse_marker(
            service.disabled_reason if service else "")
        return {"host": self.kwargs["host"], "service": service,
                "reason": reason}

    def get_success_url(self):
        return plan_url(self.kwargs["host"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        service = self.service()
        since, reason = drain.parse_marker(
            service.disabled_reason if service else "")
        context.update({
            "host_name": host, "service": service, "drain_since": since,
            "submit_url": reverse("horizon:admin:hosts:drain_start",
                                  args=[host]),
            "cancel_url": links.hosts_index(),
            "plan_url": plan_url(host), "status_url": status_url(host),
            "move_back_url": move_back_url(host, since),
        })
        context["keeps_reason"] = drain_forms.keeps_reason(service)
        if context["keeps_reason"]:
            # Nothing to disable: the step only leads to the plan.
            context["submit_label"] = _("Plan")
        elif drain_forms.is_disabled(service):
            # Its reason leaves the marker no room: a new one replaces it.
            context["submit_label"] = _("Replace the Reason and Plan")
        return context


# ------------------------------------------------------------------- plan

class _PlanBase(policy.PolicyRequiredMixin, generic.View):
    """GET: the plan; POST: a dry run or the submission."""
    policy_rules = policy.DRAIN
    template_name = None
    result_template = "admin/hosts/drain/result.html"

    def _read(self, call, message):
        """``call(request, host)``; if it fails, back to the host's page
        with ``message``."""
        host = self.kwargs["host"]
        return presentation.read(self.request,
                                 lambda: call(self.request, host), message,
                                 redirect=links.host_detail(host), host=host)

    def _unacknowledged(self, context):
        """True (and the reason in ``context``) when the plan has warnings
        the operator has not acknowledged."""
        if context["plan_warnings"] and \
                not self.request.POST.get("acknowledge"):
            context["submit_error"] = _(
                "Not submitted: read the %d warning(s) and tick the "
                "acknowledgement to proceed.") % context["plan_warnings"]
            return True
        return False

    def render(self, context):
        context.setdefault("host_name", self.kwargs["host"])
        context.setdefault("detail_url",
                           links.host_detail(self.kwargs["host"]))
        return shortcuts.render(self.request, self.template_name, context)


class PlanView(_PlanBase):
    template_name = "admin/hosts/drain/plan.html"

    def _facts(self):
        return self._read(gather.gather, _(
            "Unable to read what draining %(host)s needs to know: "
            "%(reason)s"))

    def _context(self, facts, plan, overrides, default, dry_run=False,
                 errors=(), in_flight=None):
        host = self.kwargs["host"]
        context = plan_context(plan, facts.hosts, host, overrides, default,
                               shown_order(self.request))
        context.update({
            "in_flight": in_flight or self._default_in_flight(facts),
            "page_title": _("Drain %s") % host,
            "source": facts.source, "dry_run": dry_run,
            "input_errors": list(errors), "data_notes": list(facts.notes),
            "form_url": plan_url(host), "status_url": status_url(host),
            "drain_since": drain.parse_marker(
                facts.source.disabled_reason)[0],
            "submit_label": _("Submit the Drain"),
            "intro": _("Every instance of %(host)s with how it moves and "
                       "where. Change a row's strategy or destination, or "
                       "exclude it, then run a dry run to see the plan "
                       "again; nothing is sent to Nova until you submit.")
            % {"host": host},
        })
        return context

    @staticmethod
    def _default_in_flight(facts):
        """N of the drain under way (its marker), else the setting."""
        return drain.marker_limit(facts.source.disabled_reason) or \
            drain_queue.default_limit()

    def get(self, request, host):
        facts = self._facts()
        plan = drain.make_plan(facts)
        return self.render(self._context(facts, plan, {}, None))

    def post(self, request, host):
        facts = self._facts()
        ids = [i.id for i in facts.instances]
        overrides, default, errors = drain_forms.parse_choices(
            request.POST, ids, facts.hosts, host)
        plan = drain.make_plan(facts, overrides, default)
        limit, limit_error = in_flight_choice(
            request, self._default_in_flight(facts))
        context = self._context(facts, plan, overrides, default,
                                dry_run="submit" not in request.POST,
                                errors=errors, in_flight=limit)
        if limit_error:
            context["in_flight"] = request.POST.get("in_flight", "")[:20]
            context["in_flight_error"] = limit_error
        if "submit" not in request.POST or limit_error:
            return self.render(context)
        if plan.is_empty:
            context["submit_error"] = _(
                "Nothing to submit: no instance of the plan moves.")
            return self.render(context)
        if self._unacknowledged(context):
            return self.render(context)
        source = facts.source
        marked = (source.status == "disabled" and
                  drain.parse_marker(source.disabled_reason)[0] is not None)
        denied = denied_rules(request, plan, service_update=not marked)
        if denied:
            context["submit_error"] = _denied_text(denied)
            return self.render(context)
        try:
            since = drain.ensure_marker(request, host, limit=limit)
        except drain.ReasonTooLong as exc:
            # The host was disabled with a reason the marker leaves no
            # room for: say so rather than cut the operator's words.
            context["submit_error"] = _(
                "Not submitted: the disabled reason of %(host)s has "
                "%(length)d characters, but after the drain marker Nova "
                "keeps at most %(room)d. Give a shorter one in Drain Host "
                "(it replaces the current one). Nothing was changed.") % {
                    "host": host, "length": exc.length,
                    "room": drain.REASON_ROOM}
            return self.render(context)
        except Exception as exc:
            context["submit_error"] = _(
                "Not submitted: unable to mark %(host)s as drained (disable "
                "it with the drain marker): %(reason)s") % {
                    "host": host, "reason": base.error_reason(exc)}
            return self.render(context)
        return _submit_and_report(
            request, self.result_template, plan, host, drain.DRAIN,
            _("Drain %s: submitted") % host, status_url(host), since, limit,
            on_host=facts.on_source)


class MoveBackView(_PlanBase):
    template_name = "admin/hosts/drain/move_back.html"

    @memoized.memoized_method
    def _start(self):
        """(since, where it was read): the URL, the marker, the
        dashboard's memory, or the host's migration records."""
        raw = self.request.POST.get("since") or \
            self.request.GET.get("since")
        return self._read(
            lambda request, host: drain.drain_start(
                request, host, self._service(),
                drain.parse_since(raw) if raw else None),
            _("Unable to read the migrations of %(host)s: %(reason)s"))

    def _since(self, service):
        return self._start()[0]

    def _back(self, since):
        return self._read(
            lambda request, host: drain.gather_back(request, host, since),
            _("Unable to read what moving instances back to %(host)s needs "
              "to know: %(reason)s"))

    def _context(self, back, plan, overrides, since, dry_run=False,
                 errors=(), enable_first=True, in_flight=None):
        host = self.kwargs["host"]
        context = plan_context(plan, back.hosts, host, overrides,
                               shown=shown_order(self.request))
        context.update({
            "in_flight": in_flight or drain_queue.default_limit(),
            "page_title": _("Move back to %s") % host,
            "source": back.target, "dry_run": dry_run,
            "input_errors": list(errors), "data_notes": list(back.notes),
            "form_url": reverse("horizon:admin:hosts:drain_move_back",
                                args=[host]),
            "since": since, "since_value": drain.stamp(since) if since
            else "",
            "since_from": self._start()[1],
            "enable_first": enable_first,
            "host_disabled": back.target.status == "disabled",
            "move_back": True,
            "submit_label": _("Move Back"),
            "intro": _("The instances that left %(host)s in its last drain "
                       "and are still where they went, moved back with the "
                       "same pre-flight checks.") % {"host": host},
        })
        return context

    def get(self, request, host):
        service = self._service()
        since = self._since(service)
        back = self._back(since)
        plan = drain.make_move_back(back, since)
        return self.render(self._context(back, plan, {}, since))

    @memoized.memoized_method
    def _service(self):
        return self._read(api.nova.compute_service, _(
            "Unable to read the compute service of %(host)s: %(reason)s"))

    def post(self, request, host):
        service = self._service()
        since = self._since(service)
        back = self._back(since)
        enable_first = bool(request.POST.get("enable_first"))
        ids = [i.id for i in back.instances]
        overrides, _default, errors = drain_forms.parse_choices(
            request.POST, ids, back.hosts, None)
        # Destinations of a move back are the host itself.
        overrides = {k: v for k, v in overrides.items()}
        plan = drain.make_move_back(back, since, overrides, enable_first)
        limit, limit_error = in_flight_choice(request,
                                              drain_queue.default_limit())
        context = self._context(back, plan, overrides, since,
                                dry_run="submit" not in request.POST,
                                errors=errors, enable_first=enable_first,
                                in_flight=limit)
        if limit_error:
            context["in_flight"] = request.POST.get("in_flight", "")[:20]
            context["in_flight_error"] = limit_error
        if "submit" not in request.POST or limit_error:
            return self.render(context)
        if back.target.status == "disabled" and not enable_first:
            context["submit_error"] = _(
                "Not submitted: %s is disabled and Nova's scheduler places "
                "nothing on a disabled host. Tick \"Enable the host "
                "first\".") % host
            return self.render(context)
        if plan.is_empty:
            context["submit_error"] = _(
                "Nothing to move back to %s.") % host
            return self.render(context)
        if self._unacknowledged(context):
            return self.render(context)
        denied = denied_rules(request, plan)
        if denied:
            context["submit_error"] = _denied_text(denied)
            return self.render(context)
        if back.target.status == "disabled":
            if not policy.allows(request, policy.SERVICE_UPDATE):
                context["submit_error"] = _(
                    "Not submitted: your role may not enable %s.") % host
                return self.render(context)
            try:
                api.nova.service_enable(request, host)
            except Exception as exc:
                context["submit_error"] = _(
                    "Not submitted: unable to enable %(host)s: %(reason)s") \
                    % {"host": host, "reason": base.error_reason(exc)}
                return self.render(context)
            messages.success(request, _("Enabled host %s.") % host)
        started = drain.now()
        return _submit_and_report(
            request, self.result_template, plan, host, drain.BACK,
            _("Move back to %s: submitted") % host,
            status_url(host, drain.BACK, started, limit, since), started,
            limit, drain_since=since)


# ----------------------------------------------------------------- status

class StatusView(policy.PolicyRequiredMixin, tables.DataTableView):
    """Every instance of the drain (or of the move back), the status
    block (summary and table) refreshing itself, until Nova lists nothing
    on the host."""
    table_class = drain_tables.DrainTable
    template_name = "admin/hosts/drain/status.html"
    policy_rules = policy.DRAIN
    page_title = _("Drain of {{ host_name }}")

    def _direction(self):
        return drain.BACK if self.request.GET.get("direction") == drain.BACK \
            else drain.DRAIN

    def _since(self):
        return drain.parse_since(self.request.GET.get("since"))

    def _limit(self):
        # A move back's N (a drain's is in its marker); bad input ignored.
        value, error = drain_queue_core.parse_limit(
            self.request.GET.get("n"), None)
        return value if error is None else None

    def get_template_names(self):
        # The page's own refresh asks for the status block alone.
        if refresh.wanted(self.request, STATUS_PART):
            return ["admin/hosts/drain/_status.html"]
        return super().get_template_names()

    @memoized.memoized_method
    def tracking(self):
        host = self.kwargs["host"]
        try:
            # Looking at the drain moves its queue on (no sleep: the
            # page's refresh comes back).
            return drain_tracking.track(
                self.request, host, self._direction(), self._since(),
                limit=self._limit(),
                drain_since=drain.parse_since(self.request.GET.get("drain")))
        except Exception as exc:
            presentation.show_error(
                self.request, _("Unable to read the drain of %(host)s: "
                                "%(reason)s"), exc, host=host)
            return drain_tracking.Tracking(
                host=host, direction=self._direction(), since=self._since(),
                service=None, rows=[], on_host=[],
                error=base.error_reason(exc))

    def get_tables(self):
        tables_ = super().get_tables()
        for table in tables_.values():
            table.kwargs.setdefault("direction", self._direction())
            table.kwargs.setdefault("since", self._since())
        return tables_

    def get_data(self):
        tracking = self.tracking()
        table = self.get_tables()[self.table_class._meta.name]
        if tracking.since is not None:
            table.kwargs["since"] = tracking.since
        return tracking.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        tracking = self.tracking()
        service = tracking.service
        # One refresh for the whole block, summary included, until nothing
        # changes any more; each of its looks moves the queue on.
        context.update(refresh.context(
            self.request, STATUS_PART,
            tracking.in_flight and not tracking.error))
        context["refresh_interval"] = REFRESH_MS
        context.update({
            "host_name": host, "tracking": tracking,
            "operator_reason": drain.operator_reason(
                service.disabled_reason) if service is not None and
            tracking.direction == drain.DRAIN else "",
            "detail_url": links.host_detail(host),
            "plan_url": plan_url(host),
            "move_back_url": move_back_url(
                host, tracking.since if tracking.direction == drain.DRAIN
                else drain.parse_since(self.request.GET.get("drain"))),
            "drain_url": status_url(host),
            "signature": _signature(tracking),
        })
        if service is not None:
            context["service_status"] = nova_words.said(
                nova_words.SERVICE_STATUS, service.status)
            context["service_state"] = nova_words.said(
                nova_words.SERVICE_STATE, service.state)
        return context


# How often an open status page refreshes itself (and so moves the queue
# on): milliseconds.
REFRESH_MS = 5000
# The status block, as the page's refresh asks for it (?fragment=status).
STATUS_PART = "status"


def _signature(tracking):
    """Changes when anything shown changes: the page replaces its status
    block only then (keeping a ticked row or an open menu otherwise)."""
    parts = [str(tracking.host_empty), str(tracking.error)]
    for r in tracking.rows:
        parts.append("%s %s %s %s %s %s" % (
            r.id, r.state, r.queue_position, r.migration_status, r.host,
            r.progress_text))
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _submit_and_report(request, template, plan, host, direction, title,
                       status, since, limit, on_host=None, drain_since=None):
    """Submit the plan's moves (the first ``limit`` sent, the rest
    queued); one message per refusal, and the result table accounting for
    every instance (drain and move back alike).  ``on_host``: the host's
    servers, read for the plan; ``drain_since``: a move back's drain."""
    rows = drain.submit_plan(request, plan, since, limit, on_host,
                             drain_since)
    for row in rows:
        if row.outcome == drain.REFUSED:
            messages.error(request, _(
                "%(strategy)s of %(name)s not started: %(reason)s") % {
                    "strategy": row.strategy, "name": row.name,
                    "reason": row.reason})
    return shortcuts.render(request, template, {
        "page_title": title, "host_name": host, "direction": direction,
        "table": drain_tables.ResultTable(request, data=rows, host=host),
        "summary": drain.result_summary(rows),
        "status_url": status, "since": since,
        "detail_url": links.host_detail(host),
    })
