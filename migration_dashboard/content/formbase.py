"""The base of the plugin's forms and of their modal views."""
from django.utils import html
from django.utils.safestring import mark_safe
from django.utils.safestring import SafeData

from horizon import forms

from migration_dashboard.content import policy


class SelfHandlingForm(forms.SelfHandlingForm):
    """Horizon's SelfHandlingForm whose help texts are escaped.

    Horizon puts a field's help text into the help icon's ``title``
    attribute through ``|safe``: a quote or an angle bracket in it (ours,
    a translator's, or a value from the cloud) ends the attribute, and the
    rest shows as text under the field.  Escaping when the field is taken
    from the form, not where it is declared, also covers help texts set in
    ``__init__`` and translations chosen at render time."""

    def __getitem__(self, name):
        bound = super().__getitem__(name)
        # Django copies the field's help text into the bound field.
        text = bound.help_text
        if text and not isinstance(text, SafeData):
            # html.escape looked up now: Horizon replaces it at start-up
            # with one that also defuses Angular's {$ $}, and returns str.
            bound.help_text = mark_safe(html.escape(str(text)))
        return bound


class ModalFormView(policy.PolicyRequiredMixin, forms.ModalFormView):
    """A modal form of the plugin: its policy rules are checked before
    anything runs (GET and POST alike), and its page is titled by its
    header unless the view names another title."""

    @property
    def page_title(self):
        return self.modal_header
