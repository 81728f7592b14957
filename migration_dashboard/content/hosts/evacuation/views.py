"""Evacuate an instance / a whole failed host, and follow the rebuilds."""
import dataclasses

from django import shortcuts
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators import debug

from horizon import tables
from horizon.utils import http as http_utils
from horizon.utils import memoized

from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import older_nova
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content.hosts.evacuation import forms as evac_forms
from migration_dashboard.content.hosts.evacuation import tables as evac_tables
from migration_dashboard.core import preflight
from migration_dashboard.services import evacuation
from migration_dashboard.services import gather


def migrations_links(host):
    """Where to follow the evacuation records: our status page, the
    Migrations panel (filter Type = evacuation, Host = ``host``) when it is
    installed, and the host's Migrations tab."""
    out = [(reverse("horizon:admin:hosts:evacuation_status", args=[host]),
            _("Evacuation status of %s") % host)]
    index = links.migrations_index()
    if index:
        out.append((index, _("Migrations panel (filter Type = evacuation, "
                             "Host = %s)") % host))
    out.append((links.host_detail(host, "migrations"),
                _("Migrations tab of %s") % host))
    return out


def findings_rows(facts, results):
    """(findings said once above the table, per instance: label, id, boot
    source, its own findings) for the templates."""
    page, own = presentation.said_once(
        results, {i.id: i.label for i in facts.instances})
    rows = []
    for inst in facts.instances:
        api_inst = facts.api_instances.get(inst.id)
        items = [presentation.finding(f) for f in own.get(inst.id, [])]
        rows.append({
            "id": inst.id, "label": inst.label, "status": inst.status,
            "volume_backed": inst.volume_backed,
            "flavor": getattr(api_inst, "flavor_name", None),
            "blocked": any(f.severity is preflight.BLOCKER
                           for f in results.get(inst.id, [])),
            "findings": items})
    return page, rows


# An error report (DEBUG page, mail to the admins) leaves these out.
@method_decorator(debug.sensitive_post_parameters(
    "password", "confirm_password"), name="dispatch")
class _EvacuateView(formbase.ModalFormView):
    """Shared by both forms: facts read on every request, the guard, the
    findings, and a result page instead of a redirect (it shows a generated
    password once; nothing is stored)."""
    policy_rules = policy.EVACUATE
    #: what the form evacuates ("host" or "instance"), which names its form
    #: id, templates and URL (horizon:admin:hosts:evacuate_<subject>)
    subject = None

    def __init_subclass__(cls, **kwargs):
        # Class attributes, not properties: Horizon and the template checks
        # read template_name from the class.
        super().__init_subclass__(**kwargs)
        if cls.subject:
            cls.form_id = "evacuate_%s_form" % cls.subject
            cls.template_name = (
                "admin/hosts/evacuation/evacuate_%s.html" % cls.subject)
            cls.result_template = (
                "admin/hosts/evacuation/%s_result.html" % cls.subject)

    def _instance_ids(self):
        return None

    @memoized.memoized_method
    def get_facts(self):
        host = self.kwargs["host"]
        return presentation.read(
            self.request,
            lambda: gather.gather(self.request, host, self._instance_ids()),
            _("Unable to read the facts for evacuating %(host)s: "
              "%(reason)s"), redirect=links.hosts_index(), host=host)

    def get_initial(self):
        return {"host": self.kwargs["host"], "facts": self.get_facts()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = self.kwargs["host"]
        form = context["form"]
        facts = form.facts
        version = form.call_version(getattr(form, "cleaned_data", None))
        checked = dataclasses.replace(facts, microversion=version)
        results = form.results
        if results is None:
            destination = form.data.get("destination") if form.is_bound \
                else None
            if destination not in form.usable_hosts:
                destination = None
            results = checked.check(evacuation.EVACUATE, destination)
        page_findings, finding_rows = findings_rows(facts, results)
        context.update({
            "host_name": host,
            "source": facts.source,
            "source_down": facts.source.is_down,
            "guard_text": evac_forms.guard_text(host),
            "fence_warning": evac_forms.FENCE_WARNING,
            "force_down_url": reverse("horizon:admin:hosts:force_down",
                                      args=[host]),
            "page_findings": page_findings,
            "finding_rows": finding_rows,
            "summary": evacuation.outcome_summary(facts, results, version),
            "destinations": form.destination_rows,
            "data_notes": list(facts.notes),
            "offers_final_state": evacuation.offers_final_state(
                facts.microversion),
            "cloud_version": facts.microversion,
            "older_nova": older_nova.notes(facts.microversion,
                                           older_nova.FINAL_STATE),
            "cli": evacuation.cli_commands(
                facts, {i.id for i in facts.instances},
                form.data.get("destination") if form.is_bound else None,
                version, (form.data.get("password_mode") if form.is_bound
                          else evac_forms.PASSWORD_NONE)
                != evac_forms.PASSWORD_NONE),
            "cancel_url": self.cancel_url,
            "submit_url": reverse("horizon:admin:hosts:evacuate_" +
                                  self.subject, kwargs=self.kwargs),
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
        if http_utils.is_ajax(self.request):
            head, tail = self.result_template.rsplit("/", 1)
            return "%s/_%s" % (head, tail)
        return self.result_template

    def result_context(self, result):
        host = self.kwargs["host"]
        context = dict(result)
        context.update({
            "host_name": host, "links": migrations_links(host),
            "hide": http_utils.is_ajax(self.request),
            "detail_url": links.host_detail(host),
            "page_title": self.page_title,
        })
        context.update(_next_urls(host))
        return context


def _next_urls(host):
    """Where the "what next" of an evacuation sends the operator."""
    return {
        "complete_url": reverse("horizon:admin:hosts:complete_maintenance",
                                args=[host]),
        "disable_url": reverse("horizon:admin:hosts:disable", args=[host]),
    }


class EvacuateHostView(_EvacuateView):
    form_class = evac_forms.EvacuateHostForm
    subject = "host"
    modal_header = _("Evacuate Host")
    submit_label = _("Evacuate All Instances")

    @property
    def cancel_url(self):
        return links.host_detail(self.kwargs["host"])

    def result_context(self, result):
        context = super().result_context(result)
        context["table"] = evac_tables.EvacuationTable(
            self.request, data=result["rows"], host=self.kwargs["host"])
        return context


class EvacuateInstanceView(_EvacuateView):
    form_class = evac_forms.EvacuateInstanceForm
    subject = "instance"
    modal_header = _("Evacuate Instance")
    submit_label = _("Evacuate")

    @property
    def cancel_url(self):
        return links.host_detail(self.kwargs["host"], "instances")

    def _instance_ids(self):
        return [self.kwargs["instance_id"]]

    def get_initial(self):
        initial = super().get_initial()
        initial["instance"] = self.kwargs["instance_id"]
        facts = initial["facts"]
        if not facts.instances:
            presentation.redirect_with_error(
                self.request,
                _("Instance %(id)s is not on %(host)s (any more).") % {
                    "id": self.kwargs["instance_id"],
                    "host": self.kwargs["host"]},
                links.host_detail(self.kwargs["host"], "instances"))
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = context["form"].facts.instances[0]
        return context


class StatusView(policy.PolicyRequiredMixin, tables.DataTableView):
    """The instances of a failed host: still there, or evacuated (newest
    evacuation record each), rows in flight refreshing themselves."""
    table_class = evac_tables.EvacuationTable
    template_name = "admin/hosts/evacuation/status.html"
    policy_rules = policy.EVACUATE
    page_title = _("Evacuation of {{ host_name }}")

    def get_data(self):
        host = self.kwargs["host"]
        return presentation.read(
            self.request, lambda: evacuation.status_rows(self.request, host),
            _("Unable to read the evacuations of %(host)s: %(reason)s"),
            host=host) or []

    @memoized.memoized_method
    def _service(self):
        return presentation.read_service(self.request, self.kwargs["host"])

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
            "detail_url": links.host_detail(host),
            "evacuate_url": reverse("horizon:admin:hosts:evacuate_host",
                                    args=[host]),
            "source_disabled": getattr(self._service(), "status",
                                       None) == "disabled",
        })
        context.update(_next_urls(host))
        return context
