"""Widgets shared by the plugin's forms and tables."""
from django import forms as django_forms
from django.template.loader import render_to_string

# Room for a reason inside an <option> label before it is cut.
OPTION_REASON_LENGTH = 110


class HostSelect(django_forms.Select):
    """A <select> whose unusable hosts are disabled options (greyed) with
    the reason in their label and title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_reasons = {}

    def create_option(self, name, value, label, selected, index,
                      subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index,
                                       subindex=subindex, attrs=attrs)
        reason = self.disabled_reasons.get(value)
        if reason:
            option["attrs"]["disabled"] = "disabled"
            option["attrs"]["title"] = reason
        return option


def short_reason(text, limit=OPTION_REASON_LENGTH):
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def progress_cell(progress, text="", error=None, waiting=False):
    """The progress bar of a live migration (core.progress.Progress or
    None), with ``text`` under it, or why there is none: ``error`` (the
    bytes could not be read) or ``waiting`` (running, no numbers yet)."""
    return render_to_string("admin/migrations/_progress_cell.html", {
        "progress": progress, "text": text, "error": error,
        "waiting": waiting})
