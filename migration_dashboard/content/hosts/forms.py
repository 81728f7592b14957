from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from horizon import forms
from horizon import messages

from migration_dashboard import api
from migration_dashboard.content import formbase
from migration_dashboard.content import links
from migration_dashboard.content import presentation
from migration_dashboard.core import maintenance
from migration_dashboard.services import drain
from migration_dashboard.services import evacuation


def _readonly():
    return forms.TextInput(attrs={"readonly": "readonly"})


def host_field(label=_("Host")):
    """The host a form acts on: the view's (its URL's), shown read-only;
    Django ignores a posted value for a disabled field."""
    return forms.CharField(label=label, widget=_readonly(), disabled=True)


def _reason_field(required=True):
    return forms.CharField(
        label=_("Reason"), required=required,
        max_length=maintenance.MAX_REASON_LENGTH,
        widget=forms.TextInput(attrs={
            "placeholder": _("e.g. kernel upgrade, ticket OPS-1234")}),
        help_text=_("Shown to every administrator in the host list and "
                    "stored by Nova with the service (255 characters at "
                    "most)."))


def _update_host(request, call, failure, success, host):
    """``call()`` on ``host``'s service; Nova's refusal is ``failure`` and
    a redirect to the hosts list, success the ``success`` message."""
    try:
        call()
    except Exception as exc:
        presentation.show_error(request, failure, exc,
                                redirect=links.hosts_index(), host=host)
        return False
    messages.success(request, success % {"host": host})
    return True


class DisableHostForm(formbase.SelfHandlingForm):
    host = host_field()
    reason = _reason_field()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required."))
        return reason

    def handle(self, request, data):
        host = data["host"]
        return _update_host(
            request,
            lambda: api.nova.service_disable(request, host, data["reason"]),
            _("Unable to disable host %(host)s: %(reason)s"),
            _("Disabled host %(host)s: the scheduler will place no new "
              "instances there."), host)


class DisableHostsForm(formbase.SelfHandlingForm):
    hosts = forms.MultipleChoiceField(
        label=_("Hosts"), widget=forms.CheckboxSelectMultiple(),
        help_text=_("The enabled compute hosts to take out of scheduling."))
    reason = _reason_field()

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        choices = kwargs.get("initial", {}).get("host_choices", [])
        self.fields["hosts"].choices = [(h, h) for h in choices]

    clean_reason = DisableHostForm.clean_reason

    def handle(self, request, data):
        done, failed = [], []
        for host in data["hosts"]:
            try:
                api.nova.service_disable(request, host, data["reason"])
                done.append(host)
            except Exception as exc:
                failed.append(host)
                presentation.show_error(
                    request, _("Unable to disable host %(host)s: %(reason)s"),
                    exc, host=host)
        if done:
            messages.success(request, _("Disabled hosts: %s") %
                             ", ".join(done))
        return not failed


class ForceDownForm(formbase.SelfHandlingForm):
    host = host_field()
    fenced = forms.BooleanField(
        label=_("The host is powered off or isolated (fenced)"),
        required=True,
        help_text=_("Forcing a running host down lets Nova evacuate its "
                    "instances while they still run there: two copies "
                    "writing one disk corrupt it."))

    def handle(self, request, data):
        host = data["host"]
        return _update_host(
            request, lambda: api.nova.service_force_down(request, host, True),
            _("Unable to force down host %(host)s: %(reason)s"),
            _("Host %(host)s is forced down: its instances can now be "
              "evacuated."), host)


class PrepareDestinationForm(formbase.SelfHandlingForm):
    host = host_field(_("Destination host"))
    source = forms.ThemableChoiceField(
        label=_("Source host"),
        help_text=_("The host whose pinned/NUMA/DPDK instances will move "
                    "here."))
    accept_others = forms.BooleanField(
        label=_("Proceed although other instances run on the destination"),
        required=False)
    disable = forms.BooleanField(
        label=_("Also disable the destination (guide section 5.4)"),
        required=False,
        help_text=_("Keeps new instances off it. But Nova (API 2.68 and "
                    "later) sends every migration through the scheduler, "
                    "which skips disabled hosts: while it is disabled, "
                    "migrations onto it are refused with 'No valid host'. "
                    "Leave this off if you migrate onto it now; Complete "
                    "Maintenance on the source re-enables it either way."))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        initial = kwargs.get("initial", {})
        host = initial.get("host")
        self.others = initial.get("others", [])
        self.fields["source"].choices = [
            (h, h) for h in initial.get("sources", []) if h != host]
        if not self.others:
            del self.fields["accept_others"]

    def clean(self):
        data = super().clean()
        if self.others and not data.get("accept_others"):
            raise forms.ValidationError(_(
                "%(count)d other instance(s) run on this host. Pinned and "
                "DPDK instances need an empty destination with the same "
                "NUMA layout: move them away first, or confirm to "
                "proceed.") % {"count": len(self.others)})
        return data

    def handle(self, request, data):
        host, source = data["host"], data["source"]
        if not data.get("disable"):
            # Nothing is written to Nova (a service keeps a reason only
            # while disabled): say what was checked and that no lasting
            # state exists, not that the host "is ready".
            messages.info(request, _(
                "%(host)s was checked as the destination for the pinned/"
                "NUMA/DPDK instances of %(source)s; nothing was changed in "
                "Nova. It stays enabled, so the scheduler accepts the "
                "migrations, and new instances may land on it too until you "
                "migrate. It keeps no mark of this: Complete Maintenance of "
                "%(source)s will not list it.") % {"host": host,
                                                   "source": source})
            if self.others:
                messages.warning(request, ngettext_lazy(
                    "%(count)d other instance still runs on %(host)s.",
                    "%(count)d other instances still run on %(host)s.",
                    len(self.others)) % {"count": len(self.others),
                                         "host": host})
            return True
        try:
            api.nova.service_disable(
                request, host, maintenance.destination_reason(source))
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to prepare host %(host)s: %(reason)s"),
                exc, redirect=links.hosts_index(), host=host)
            return False
        messages.success(request, _(
            "Host %(host)s is disabled and reserved as the destination for "
            "instances from %(source)s. Migrations onto it are refused "
            "until it is enabled again.") % {"host": host, "source": source})
        return True


class CompleteMaintenanceForm(formbase.SelfHandlingForm):
    host = host_field()

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.to_enable = kwargs.get("initial", {}).get("to_enable", [])

    def handle(self, request, data):
        source = data["host"]
        # Read the hosts again at submit time: the page may be stale.
        try:
            rows = maintenance.summarize(api.nova.service_list(request), [])
        except Exception as exc:
            presentation.show_error(
                request, _("Unable to read the compute services: %(reason)s"),
                exc, redirect=links.hosts_index())
            return False
        # An evacuated host comes back forced down: force it up first,
        # else enabling it puts nothing back in use.
        if any(r.host == source and r.forced_down for r in rows):
            try:
                api.nova.service_force_down(request, source, False)
            except Exception as exc:
                presentation.show_error(
                    request, _("Unable to force host %(host)s up, so it "
                               "stays disabled: %(reason)s"),
                    evacuation.explain_force_up(exc, source), host=source)
                return False
            messages.success(request, _("Forced host %s up.") % source)
        targets = maintenance.maintenance_hosts_to_enable(source, rows)
        if not targets:
            messages.info(request, _("Host %s and its destinations are "
                                     "already enabled.") % source)
            return True
        done, failed = [], []
        for row in targets:
            # Enabling clears the disabled reason, and with it the drain's
            # start that Move Back needs: remember it first; say what the
            # operator had written.
            since, reason = drain.parse_marker(row.disabled_reason)
            drain.remember_start(row.host, since)
            try:
                api.nova.service_enable(request, row.host)
                done.append("%s (%s)" % (row.host, reason) if reason
                            else row.host)
            except Exception as exc:
                failed.append(row.host)
                presentation.show_error(
                    request, _("Unable to enable host %(host)s: %(reason)s"),
                    exc, host=row.host)
        if done:
            messages.success(request, _("Maintenance complete; enabled: "
                                        "%s") % ", ".join(done))
        if failed:
            messages.warning(request, _("Still disabled: %s") %
                             ", ".join(failed))
        return not failed
