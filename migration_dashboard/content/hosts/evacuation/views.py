"""Evacuate an instance / a whole failed host, and follow the rebuilds."""
from django import shortcuts
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import tables
from horizon.utils import memoized

from migration_dashboard import api
from migration_dashboard.content import common
from migration_dashboard.content.hosts.evacuation import data
from migration_dashboard.content.hosts.evacuation import forms as evac_forms
from migration_dashboard.content.hosts.evacuation import tables as evac_tables


def _detail_url(host, tab=None):
    url = reverse("horizon:admin:hosts:detail", args=[host])
    if tab:
        url += "?tab=host_details__%s" % tab
    return url


def migrations_links(host):
    """Where to follow the evacuation records: our status page, the
    Migrations panel (filter Type = evacuation, Host = ``host``) when it is
    installed, and the host's Migrations tab."""
    links = [(reverse("horizon:admin:hosts:evacuation_status", args=[host]),
              _("Evacuation status of %s") % host)]
    try:
        links.append((reverse("horizon:admin:migrations:index"),
                      _("Migrations panel (filter Type = evacuation, "
                        "Host = %s)") % host))
    except NoReverseMatch:
        pass
    links.append((_detail_url(host, "migrations"),
                  _("Migrations tab of %s") % host))
    return links


def _force_down_url(host):
    return reverse("horizon:admin:hosts:force_down", args=[host])


class _EvacuateView(common.PolicyRequiredMixin, forms.ModalFormView):
    """Shared by both forms: facts read on every request, the guard, the
    findings, and a result page instead of a redirect (it shows a generated
    password once; nothing is stored)."""
    result_template = None
    policy_rules = data.POLICY

    def _instance_ids(self):
        return None

    @memoized.memoized_method
    def get_facts(self):
        host = self.kwargs["host"]
        try:
            return data.gather(self.request, host, self._instance_ids())
        except Exception as exc:
            exceptions.handle(
                self.request,
                _("Unable to read the facts for evacuating %(host)s: "
                  "%(reason)s") % {"host": host,
                                   "reason": common.error_reason(exc)},
                redirect=reverse("horizon:admin:hosts:index"), details="")

    def get_initial(self):
        return {"host": self.kwargs["host"], "facts": self.get_facts()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        form = context["form"]
        facts = form.facts
        version = form.call_version(getattr(form, "cleaned_data", None))
        checked = data.with_microversion(facts, version)
        results = form.results
        if results is None:
            destination = form.data.get("destination") if form.is_bound \
                else None
            if destination not in form.usable_hosts:
                destination = None
            results = data.check(checked, destination)
        context.update({
            "host_name": host,
            "source": facts.source,
            "source_down": data.source_down(facts.source),
            "guard_text": data.guard_text(host),
            "fence_warning": data.FENCE_WARNING,
            "force_down_url": _force_down_url(host),
            "finding_rows": data.findings_rows(facts, results),
            "summary": data.outcome_summary(facts, results, version),
            "destinations": form.destination_rows,
            "data_notes": list(facts.notes),
            "offers_final_state": data.offers_final_state(
                facts.microversion),
            "cloud_version": facts.microversion,
            "cli": data.cli_commands(
                facts, {i.id for i in facts.instances},
                form.data.get("destination") if form.is_bound else None,
                version, (form.data.get("password_mode")
                          if form.is_bound else data.PASSWORD_NONE)),
            "cancel_url": self.cancel_url,
        })
        return context

    def form_valid(self, form):
        handled = form.handle(self.request, form.cleaned_data)
        if not handled:
            return self.form_invalid(form)
        context = self.result_context(form.result)
        response = shortcuts.render(self.request, self.get_result_template(),
                                    context)
        # The page may carry a password: never cache it anywhere.
        response["Cache-Control"] = "no-store"
        return response

    def get_result_template(self):
        from horizon.utils import http as http_utils
        if http_utils.is_ajax(self.request):
            head, tail = self.result_template.rsplit("/", 1)
            return "%s/_%s" % (head, tail)
        return self.result_template

    def result_context(self, result):
        from horizon.utils import http as http_utils
        host = self.kwargs["host"]
        context = dict(result)
        context.update({
            "host_name": host, "links": migrations_links(host),
            "hide": http_utils.is_ajax(self.request),
            "detail_url": _detail_url(host),
            "page_title": self.page_title,
        })
        return context


class EvacuateHostView(_EvacuateView):
    form_class = evac_forms.EvacuateHostForm
    form_id = "evacuate_host_form"
    template_name = "admin/hosts/evacuation/evacuate_host.html"
    result_template = "admin/hosts/evacuation/host_result.html"
    modal_header = _("Evacuate Host")
    submit_label = _("Evacuate All Instances")
    page_title = _("Evacuate Host")

    @property
    def cancel_url(self):
        return _detail_url(self.kwargs["host"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_url"] = reverse("horizon:admin:hosts:evacuate_host",
                                        args=[self.kwargs["host"]])
        return context

    def result_context(self, result):
        context = super().result_context(result)
        context["table"] = evac_tables.EvacuationTable(
            self.request, data=result["rows"], host=self.kwargs["host"])
        return context


class EvacuateInstanceView(_EvacuateView):
    form_class = evac_forms.EvacuateInstanceForm
    form_id = "evacuate_instance_form"
    template_name = "admin/hosts/evacuation/evacuate_instance.html"
    result_template = "admin/hosts/evacuation/instance_result.html"
    modal_header = _("Evacuate Instance")
    submit_label = _("Evacuate")
    page_title = _("Evacuate Instance")

    @property
    def cancel_url(self):
        return _detail_url(self.kwargs["host"], "instances")

    def _instance_ids(self):
        return [self.kwargs["instance_id"]]

    def get_initial(self):
        initial = super().get_initial()
        initial["instance"] = self.kwargs["instance_id"]
        facts = initial["facts"]
        if not facts.instances:
            raise exceptions.Http302(
                _detail_url(self.kwargs["host"], "instances"),
                message=_("Instance %(id)s is not on %(host)s (any "
                          "more).") % {"id": self.kwargs["instance_id"],
                                       "host": self.kwargs["host"]})
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_url"] = reverse(
            "horizon:admin:hosts:evacuate_instance",
            args=[self.kwargs["host"], self.kwargs["instance_id"]])
        context["instance"] = context["form"].facts.instances[0]
        return context


class StatusView(common.PolicyRequiredMixin, tables.DataTableView):
    """The instances of a failed host: still there, or evacuated (newest
    evacuation record each), rows in flight refreshing themselves."""
    table_class = evac_tables.EvacuationTable
    template_name = "admin/hosts/evacuation/status.html"
    policy_rules = data.POLICY
    page_title = _("Evacuation of {{ host_name }}")

    def get_data(self):
        host = self.kwargs["host"]
        try:
            return data.status_rows(self.request, host)
        except Exception as exc:
            exceptions.handle(
                self.request,
                _("Unable to read the evacuations of %(host)s: %(reason)s")
                % {"host": host, "reason": common.error_reason(exc)},
                details="")
            return []

    @memoized.memoized_method
    def _service(self):
        host = self.kwargs["host"]
        try:
            services = api.nova.service_list(self.request, host=host)
        except Exception as exc:
            exceptions.handle(
                self.request,
                _("Unable to read the compute service of %(host)s: "
                  "%(reason)s") % {"host": host,
                                   "reason": common.error_reason(exc)},
                details="")
            return None
        return next((s for s in services if s.host == host), None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        rows = context["table"].data
        context.update({
            "host_name": host,
            "service": self._service(),
            "links": migrations_links(host)[1:],
            "done_left": sum(1 for r in rows
                             if r.migration_status == "done"),
            "in_flight": sum(1 for r in rows if r.in_flight),
            "not_moved": sum(1 for r in rows if r.progress == "not moved"),
            "failed": sum(1 for r in rows if r.progress == "failed"),
            "stalled": sum(1 for r in rows if r.progress == "stalled"),
            "detail_url": _detail_url(host),
            "evacuate_url": reverse("horizon:admin:hosts:evacuate_host",
                                    args=[host]),
        })
        return context
