"""Live / cold migration forms of a host's instances, and the findings
fragment their page asks for when the operator changes a choice."""
from django import http
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from horizon.utils import memoized

from migration_dashboard.api import base
from migration_dashboard.content import actions
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.content.hosts.instances import forms as move_forms
from migration_dashboard.core import ids as core_ids
from migration_dashboard.core import preflight
from migration_dashboard.services import gather


def host_url(host):
    return links.host_detail(host, "instances")


def _ids_from(request, kwargs):
    """Instance ids: from the URL (one), the form (hidden, comma-separated)
    or the query string (repeated ``instance``)."""
    if kwargs.get("instance_id"):
        return [kwargs["instance_id"]]
    ids = []
    posted = request.POST.get("instances")
    if posted:
        ids = posted.split(",")
    else:
        ids = request.GET.getlist("instance")
    seen, out = set(), []
    for i in ids:
        # Only what can be a Nova id goes on into a Nova URL.
        i = core_ids.instance_id(i.strip())
        if i and i not in seen:
            seen.add(i)
            out.append(i)
    return out


def load_facts(request, host, ids):
    """Facts for ``ids`` on ``host``, or a redirect with a message naming
    the host and Nova's reason."""
    if not ids:
        presentation.redirect_with_error(
            request, _("No instance selected."), host_url(host))
    try:
        facts = gather.gather(request, host, ids)
    except Exception as exc:
        presentation.show_error(
            request, _("Unable to read what a move off %(host)s needs to "
                       "know: %(reason)s"), exc, redirect=host_url(host),
            host=host)
    missing = [i for i in ids if i not in facts.api_instances]
    if not facts.instances:
        presentation.redirect_with_error(
            request,
            _("None of the selected instances is on %(host)s any more: "
              "%(ids)s") % {"host": host, "ids": ", ".join(missing)},
            host_url(host))
    if missing:
        facts.notes.append(
            _("Not on %(host)s any more, left out: %(ids)s")
            % {"host": host, "ids": ", ".join(missing)})
    return facts


class _MoveView(formbase.ModalFormView):
    """The form of one kind of move; its ids and URL names follow the kind
    (``live_migrate_form``, ``horizon:admin:hosts:instance_live_migrate``
    for one instance, ``...:instances_live_migrate`` for several)."""
    template_name = "admin/hosts/instances/migrate.html"
    ajax_template_name = "admin/hosts/instances/_migrate.html"
    kind = None

    @property
    def _move(self):
        return "%s_migrate" % preflight.Kind(self.kind).value

    @property
    def form_id(self):
        return self._move + "_form"

    @property
    def modal_id(self):
        return self._move + "_modal"

    @property
    def submit_label(self):
        return self.modal_header

    def _host(self):
        return self.kwargs["host"]

    def _ids(self):
        return _ids_from(self.request, self.kwargs)

    @memoized.memoized_method
    def facts(self):
        return load_facts(self.request, self._host(), self._ids())

    def get_success_url(self):
        return host_url(self._host())

    def get_cancel_url(self):
        return host_url(self._host())

    def get_initial(self):
        facts = self.facts()
        return {"host": self._host(),
                "instances": ",".join(i.id for i in facts.instances),
                "facts": facts,
                "may_choose_host": policy.allows(
                    self.request, self.form_class.host_policy)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        facts = self.facts()
        host = self._host()
        if self.kwargs.get("instance_id"):
            context["submit_url"] = reverse(
                "horizon:admin:hosts:instance_" + self._move,
                args=[host, self.kwargs["instance_id"]])
        else:
            context["submit_url"] = reverse(
                "horizon:admin:hosts:instances_" + self._move, args=[host])
        context["findings_url"] = reverse(
            "horizon:admin:hosts:instances_findings", args=[host])
        context["host_name"] = host
        context["facts"] = facts
        context["kind"] = preflight.Kind(self.kind).value
        if form.is_bound and form.results is not None:
            destination = form.cleaned_data.get("destination") \
                if hasattr(form, "cleaned_data") else None
            context.update(move_forms.findings_context(
                facts, self.kind, destination,
                form.block(form.cleaned_data), form.results))
        elif form.is_bound:
            destination = form.data.get("destination") or None
            block = form.block(form.data)
            context.update(move_forms.findings_context(
                facts, self.kind, destination, block))
        else:
            context.update(move_forms.findings_context(
                facts, self.kind, None, form._default_block()))
        context["two_steps"] = actions.TWO_STEPS
        # Ticked before a refused submit: still ticked when drawn again.
        context["acknowledged"] = form.is_bound and bool(
            form.data.get("acknowledge"))
        return context


class LiveMigrateView(_MoveView):
    form_class = move_forms.LiveMigrateForm
    modal_header = _("Live Migrate")
    kind = preflight.Kind.LIVE
    policy_rules = policy.LIVE


class ColdMigrateView(_MoveView):
    form_class = move_forms.ColdMigrateForm
    modal_header = _("Cold Migrate")
    kind = preflight.Kind.COLD
    policy_rules = policy.COLD


class FindingsView(generic.View):
    """The findings (and CLI) for one choice of destination and block
    migration, as an HTML fragment for the form's page to swap in."""

    def get(self, request, host):
        try:
            kind = preflight.Kind(request.GET.get("kind", "live"))
        except ValueError:
            return http.HttpResponseBadRequest("unknown kind")
        if kind is preflight.Kind.EVACUATE:
            return http.HttpResponseBadRequest("unknown kind")
        rules = (policy.LIVE if kind is preflight.Kind.LIVE
                 else policy.COLD)
        if not policy.allows(request, rules):
            raise policy.refuse(rules)
        ids = _ids_from(request, {})
        if not ids:
            return http.HttpResponseBadRequest("no instance")
        try:
            facts = gather.gather(request, host, ids)
        except Exception as exc:
            return http.HttpResponse(render_to_string(
                "admin/hosts/instances/_findings_error.html",
                {"host": host, "reason": base.error_reason(exc)},
                request=request))
        destination = request.GET.get("destination") or None
        version = move_forms.call_microversion(facts, kind)
        block = move_forms.block_value(
            kind, request.GET.get("block_migration"), version)
        context = move_forms.findings_context(facts, kind, destination,
                                              block)
        return http.HttpResponse(render_to_string(
            "admin/hosts/instances/_findings.html", context,
            request=request))
