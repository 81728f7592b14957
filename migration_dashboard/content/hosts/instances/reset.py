"""Reset the state of an instance a lost move left stuck (os-resetState).

Nova accepts a move, then the request can be lost (nova-conductor killed
or restarted with it): the instance keeps its task ('migrating',
'rebuilding'...) for ever and refuses every other action.  Resetting
changes Nova's database only, so the page says what that means and asks
for a confirmation; the rows of a stalled or failed drain or evacuation
link here.
"""
from urllib import parse

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import tables
from horizon.utils import memoized

from migration_dashboard import api
from migration_dashboard.api import base
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import policy
from migration_dashboard.content import presentation
from migration_dashboard.services import drain_tracking as tracking

ACTIVE = "active"
ERROR = "error"
STATE_CHOICES = (
    (ACTIVE, _("ACTIVE: it still runs on its host (the move was lost "
               "before it started copying)")),
    (ERROR, _("ERROR: its host failed or you do not know where it runs; "
              "then evacuate, rebuild or hard-reboot it")),
)


def needs_reset(instance):
    """Whether a reset has something to undo: ERROR, or a task left."""
    return instance.status == "ERROR" or bool(instance.task_state)


def reset_url(host, instance_id, state=None, back=None):
    """The reset page of one instance, from a row of ``host``."""
    url = reverse("horizon:admin:hosts:instance_reset_state",
                  args=[host, instance_id])
    params = []
    if state:
        params.append("state=%s" % state)
    if back:
                params.append("next=%s" % parse.quote(back, safe=""))
    return url + ("?" + "&".join(params) if params else "")


class _ResetStateAction(policy.PolicyOncePerRequest, tables.LinkAction):
    """The row action of a move that will never finish."""
    name = "reset_state"
    verbose_name = _("Reset State")
    classes = ("btn-danger",)
    policy_rules = policy.RESET_STATE
    state = None  # the state the row's situation calls for

    def stuck(self, row):
        raise NotImplementedError

    def allowed(self, request, row=None):
        return (row is not None and bool(row.host) and self.stuck(row) and
                needs_reset(row))

    def get_link_url(self, row):
        return reset_url(row.host, row.id, self.state,
                         back=self.table.get_full_url())


class DrainResetState(_ResetStateAction):
    """A failed or stalled drain move leaves the instance on its (healthy)
    source: it still runs there."""
    state = ACTIVE

    def stuck(self, row):
        return row.state == tracking.FAILED


class EvacuationResetState(_ResetStateAction):
    """A failed or stalled evacuation: the host is down; ERROR lets the
    instance be evacuated again."""
    state = ERROR

    def stuck(self, row):
        return row.progress in ("failed", "stalled")


class ResetStateForm(formbase.SelfHandlingForm):
    instance_id = forms.CharField(widget=forms.HiddenInput())
    state = forms.ChoiceField(label=_("Reset to"), choices=STATE_CHOICES,
                              widget=forms.RadioSelect())
    confirm = forms.BooleanField(
        required=True,
        label=_("I understand that Nova changes only its records: it does "
                "not check, start, stop or move the instance"))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.instance = kwargs.get("initial", {}).get("instance")

    def clean(self):
        cleaned = super().clean()
        if self.instance is None or not needs_reset(self.instance):
            raise forms.ValidationError(_(
                "Nothing to reset: the instance is not in ERROR and runs no "
                "task (any more)."))
        return cleaned

    def handle(self, request, data):
        inst = self.instance
        try:
            api.nova.instance_reset_state(request, inst.id, data["state"])
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to reset the state of %(name)s: "
                           "%(reason)s"), exc, name=inst.name or inst.id)
            return False
        messages.success(request, _(
            "Reset %(name)s to %(state)s; its task is cleared.") % {
                "name": inst.name or inst.id, "state": data["state"].upper()})
        return True


class ResetStateView(policy.PolicyRequiredMixin, forms.ModalFormView):
    form_class = ResetStateForm
    form_id = "reset_state_form"
    modal_header = _("Reset Instance State")
    submit_label = _("Reset State")
    template_name = "admin/hosts/instances/reset_state.html"
    page_title = _("Reset Instance State")
    policy_rules = policy.RESET_STATE

    def _back(self):
        """Where to return: the row's page if it is ours, else the host's
        instances."""
        back = (self.request.POST.get("next") or
                self.request.GET.get("next") or "")
        if back and url_has_allowed_host_and_scheme(
                back, allowed_hosts={self.request.get_host()}):
            return back
        return links.host_detail(self.kwargs["host"], "instances")

    def get_success_url(self):
        return self._back()

    def get_cancel_url(self):
        return self._back()

    @memoized.memoized_method
    def get_instance(self):
        host, iid = self.kwargs["host"], self.kwargs["instance_id"]
        if not base.is_uuid(iid):
            raise exceptions.Http302(links.host_detail(host, "instances"),
                                     message=_("Not an instance id: %s")
                                     % iid)
        inst = presentation.read(
            self.request, lambda: api.nova.instance_get(self.request, iid),
            _("Unable to read instance %(id)s: %(reason)s"),
            redirect=links.host_detail(host, "instances"), id=iid)
        if inst.host != host:
            raise exceptions.Http302(
                links.host_detail(host, "instances"),
                message=_("Instance %(id)s is not on %(host)s (any more).")
                % {"id": iid, "host": host})
        return inst

    def get_initial(self):
        state = self.request.GET.get("state")
        if state not in (ACTIVE, ERROR):
            state = ERROR if self.get_instance().status == "ERROR" \
                else ACTIVE
        return {"instance_id": self.kwargs["instance_id"], "state": state,
                "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inst = self.get_instance()
        context.update({
            "instance": inst, "host_name": self.kwargs["host"],
            "needs_reset": needs_reset(inst), "back": self._back(),
            "submit_url": reverse(
                "horizon:admin:hosts:instance_reset_state",
                args=[self.kwargs["host"], inst.id]),
        })
        return context
