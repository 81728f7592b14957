"""Drain a host: start (disable), plan / dry run / submit, status, move
back.  Every page reads Nova again; nothing is kept between requests."""
from django import shortcuts
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import tables
from horizon.utils import memoized
from openstack_dashboard import policy

from migration_dashboard import api
from migration_dashboard.content import common
from migration_dashboard.content.hosts.drain import data
from migration_dashboard.content.hosts.drain import forms as drain_forms
from migration_dashboard.content.hosts.drain import tables as drain_tables


def _detail_url(host, tab=None):
    url = reverse("horizon:admin:hosts:detail", args=[host])
    if tab:
        url += "?tab=host_details__%s" % tab
    return url


def plan_url(host):
    return reverse("horizon:admin:hosts:drain_plan", args=[host])


def status_url(host, direction=data.DRAIN, since=None):
    url = reverse("horizon:admin:hosts:drain_status", args=[host])
    if direction == data.BACK:
        url += "?direction=back"
        if since is not None:
            url += "&since=" + data.stamp(since)
    return url


def move_back_url(host, since=None):
    url = reverse("horizon:admin:hosts:drain_move_back", args=[host])
    if since is not None:
        url += "?since=" + data.stamp(since)
    return url


# ------------------------------------------------------------------ start

class StartView(common.PolicyRequiredMixin, forms.ModalFormView):
    form_class = drain_forms.StartDrainForm
    form_id = "drain_start_form"
    template_name = "admin/hosts/drain/start.html"
    modal_header = _("Drain Host")
    submit_label = _("Disable and Plan")
    page_title = _("Drain Host")
    policy_rules = data.POLICY + data.SERVICE_UPDATE

    @memoized.memoized_method
    def service(self):
        host = self.kwargs["host"]
        try:
            return data.service_of(self.request, host)
        except Exception as exc:
            exceptions.handle(
                self.request,
                _("Unable to read the compute service of %(host)s: "
                  "%(reason)s") % {"host": host,
                                   "reason": common.error_reason(exc)},
                redirect=reverse("horizon:admin:hosts:index"), details="")

    def get_initial(self):
        service = self.service()
        _since, reason = data.parse_marker(
            service.disabled_reason if service else "")
        return {"host": self.kwargs["host"], "service": service,
                "reason": reason}

    def get_success_url(self):
        return plan_url(self.kwargs["host"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        service = self.service()
        since, reason = data.parse_marker(
            service.disabled_reason if service else "")
        context.update({
            "host_name": host, "service": service, "drain_since": since,
            "submit_url": reverse("horizon:admin:hosts:drain_start",
                                  args=[host]),
            "cancel_url": reverse("horizon:admin:hosts:index"),
            "plan_url": plan_url(host), "status_url": status_url(host),
            "move_back_url": move_back_url(host, since),
        })
        return context


# ------------------------------------------------------------------- plan

class _PlanBase(common.PolicyRequiredMixin, generic.View):
    """GET: the plan; POST: a dry run or the submission."""
    policy_rules = data.POLICY
    template_name = None
    result_template = "admin/hosts/drain/result.html"

    def _error(self, message, exc):
        exceptions.handle(
            self.request, message % {"host": self.kwargs["host"],
                                     "reason": common.error_reason(exc)},
            redirect=_detail_url(self.kwargs["host"]), details="")

    def render(self, context):
        context.setdefault("host_name", self.kwargs["host"])
        context.setdefault("detail_url", _detail_url(self.kwargs["host"]))
        return shortcuts.render(self.request, self.template_name, context)


class PlanView(_PlanBase):
    template_name = "admin/hosts/drain/plan.html"

    def _facts(self):
        try:
            return data.gather(self.request, self.kwargs["host"])
        except Exception as exc:
            self._error(_("Unable to read what draining %(host)s needs to "
                          "know: %(reason)s"), exc)

    def _context(self, facts, plan, overrides, default, dry_run=False,
                 errors=()):
        host = self.kwargs["host"]
        context = data.plan_context(plan, facts.hosts, host, overrides,
                                    default)
        context.update({
            "page_title": _("Drain %s") % host,
            "source": facts.source, "dry_run": dry_run,
            "input_errors": list(errors), "data_notes": list(facts.notes),
            "form_url": plan_url(host), "status_url": status_url(host),
            "drain_since": data.parse_marker(
                facts.source.disabled_reason)[0],
            "submit_label": _("Submit the Drain"),
            "intro": _("Every instance of %(host)s with how it moves and "
                       "where. Change a row's strategy or destination, or "
                       "exclude it, then run a dry run to see the plan "
                       "again; nothing is sent to Nova until you submit.")
            % {"host": host},
        })
        return context

    def get(self, request, host):
        facts = self._facts()
        plan = data.make_plan(facts)
        return self.render(self._context(facts, plan, {}, None))

    def post(self, request, host):
        facts = self._facts()
        ids = [i.id for i in facts.instances]
        overrides, default, errors = data.parse_choices(
            request.POST, ids, facts.hosts, host)
        plan = data.make_plan(facts, overrides, default)
        context = self._context(facts, plan, overrides, default,
                                dry_run="submit" not in request.POST,
                                errors=errors)
        if "submit" not in request.POST:
            return self.render(context)
        if plan.is_empty:
            context["submit_error"] = _(
                "Nothing to submit: no instance of the plan moves.")
            return self.render(context)
        if context["plan_warnings"] and not request.POST.get("acknowledge"):
            context["submit_error"] = _(
                "Not submitted: read the %d warning(s) and tick the "
                "acknowledgement to proceed.") % context["plan_warnings"]
            return self.render(context)
        try:
            since = data.ensure_marker(request, host)
        except Exception as exc:
            context["submit_error"] = _(
                "Not submitted: unable to mark %(host)s as drained (disable "
                "it with the drain marker): %(reason)s") % {
                    "host": host, "reason": common.error_reason(exc)}
            return self.render(context)
        return _submit_and_report(
            request, self.result_template, plan, host, data.DRAIN,
            _("Drain %s: submitted") % host, status_url(host), since)


class MoveBackView(_PlanBase):
    template_name = "admin/hosts/drain/move_back.html"

    def _since(self, service):
        raw = self.request.POST.get("since") or \
            self.request.GET.get("since")
        since = data.parse_since(raw) if raw else None
        if since is None and service is not None:
            since, _reason = data.parse_marker(service.disabled_reason)
        return since

    def _back(self, since):
        try:
            return data.gather_back(self.request, self.kwargs["host"], since)
        except Exception as exc:
            self._error(_("Unable to read what moving instances back to "
                          "%(host)s needs to know: %(reason)s"), exc)

    def _context(self, back, plan, overrides, since, dry_run=False,
                 errors=(), enable_first=True):
        host = self.kwargs["host"]
        context = data.plan_context(plan, back.hosts, host, overrides)
        context.update({
            "page_title": _("Move back to %s") % host,
            "source": back.target, "dry_run": dry_run,
            "input_errors": list(errors), "data_notes": list(back.notes),
            "form_url": reverse("horizon:admin:hosts:drain_move_back",
                                args=[host]),
            "since": since, "since_value": data.stamp(since) if since
            else "",
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
        plan = data.make_move_back(back, since)
        return self.render(self._context(back, plan, {}, since))

    @memoized.memoized_method
    def _service(self):
        try:
            return data.service_of(self.request, self.kwargs["host"])
        except Exception as exc:
            self._error(_("Unable to read the compute service of %(host)s: "
                          "%(reason)s"), exc)

    def post(self, request, host):
        service = self._service()
        since = self._since(service)
        back = self._back(since)
        enable_first = bool(request.POST.get("enable_first"))
        ids = [i.id for i in back.instances]
        overrides, _default, errors = data.parse_choices(
            request.POST, ids, back.hosts, None)
        # Destinations of a move back are the host itself.
        overrides = {k: v for k, v in overrides.items()}
        plan = data.make_move_back(back, since, overrides, enable_first)
        context = self._context(back, plan, overrides, since,
                                dry_run="submit" not in request.POST,
                                errors=errors, enable_first=enable_first)
        if "submit" not in request.POST:
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
        if context["plan_warnings"] and not request.POST.get("acknowledge"):
            context["submit_error"] = _(
                "Not submitted: read the %d warning(s) and tick the "
                "acknowledgement to proceed.") % context["plan_warnings"]
            return self.render(context)
        if back.target.status == "disabled":
            if not policy.check(data.SERVICE_UPDATE, request):
                context["submit_error"] = _(
                    "Not submitted: your role may not enable %s.") % host
                return self.render(context)
            try:
                api.nova.service_enable(request, host)
            except Exception as exc:
                context["submit_error"] = _(
                    "Not submitted: unable to enable %(host)s: %(reason)s") \
                    % {"host": host, "reason": common.error_reason(exc)}
                return self.render(context)
            messages.success(request, _("Enabled host %s.") % host)
        started = data.now()
        return _submit_and_report(
            request, self.result_template, plan, host, data.BACK,
            _("Move back to %s: submitted") % host,
            status_url(host, data.BACK, started), started)


# ----------------------------------------------------------------- status

class StatusView(common.PolicyRequiredMixin, tables.DataTableView):
    """Every instance of the drain (or of the move back), rows in flight
    refreshing themselves, until Nova lists nothing on the host."""
    table_class = drain_tables.DrainTable
    template_name = "admin/hosts/drain/status.html"
    policy_rules = data.POLICY
    page_title = _("Drain of {{ host_name }}")

    def _direction(self):
        return data.BACK if self.request.GET.get("direction") == data.BACK \
            else data.DRAIN

    def _since(self):
        return data.parse_since(self.request.GET.get("since"))

    @memoized.memoized_method
    def tracking(self):
        host = self.kwargs["host"]
        try:
            return data.track(self.request, host, self._direction(),
                              self._since())
        except Exception as exc:
            exceptions.handle(
                self.request,
                _("Unable to read the drain of %(host)s: %(reason)s")
                % {"host": host, "reason": common.error_reason(exc)},
                details="")
            return data.Tracking(host=host, direction=self._direction(),
                                 since=self._since(), service=None,
                                 rows=[], on_host=[],
                                 error=common.error_reason(exc))

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
        context.update({
            "host_name": host, "tracking": tracking,
            "detail_url": _detail_url(host),
            "plan_url": plan_url(host),
            "move_back_url": move_back_url(host, tracking.since),
            "drain_url": status_url(host),
        })
        return context


def _submit_and_report(request, template, plan, host, direction, title,
                       status, since):
    """Submit the plan's moves; one message per refusal, and the result
    table accounting for every instance (drain and move back alike)."""
    rows = data.submit_plan(request, plan)
    for row in rows:
        if row.outcome == data.REFUSED:
            messages.error(request, _(
                "%(strategy)s of %(name)s not started: %(reason)s") % {
                    "strategy": row.strategy, "name": row.name,
                    "reason": row.reason})
    return shortcuts.render(request, template, {
        "page_title": title, "host_name": host, "direction": direction,
        "table": drain_tables.ResultTable(request, data=rows, host=host),
        "summary": data.result_summary(rows),
        "status_url": status, "since": since,
        "detail_url": _detail_url(host),
    })
