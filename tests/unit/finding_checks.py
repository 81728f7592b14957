"""What every pre-flight finding must be, whichever rule made it: one of
the three severities, a code from the published list, and words a reader
can be shown in their language -- each message, remedy and reason (and
each message inside them) is in the plugin's committed catalogue
(migration_dashboard/locale/en/LC_MESSAGES/django.po, what translators
translate), and none has a parameter missing or None (a reader would see
"%(host)s" or "None").

The fixture ``findings_are_well_said`` checks every finding the engine
returns during a test, so each scenario test of the rules also checks the
words of what it produces.
"""
import os
import re

import babel.messages.pofile
import pytest

import migration_dashboard
from migration_dashboard.core import preflight as pf
from migration_dashboard.core.i18n import Message
from migration_dashboard.core.preflight import engine

CATALOGUE = os.path.join(os.path.dirname(migration_dashboard.__file__),
                         "locale", "en", "LC_MESSAGES", "django.po")
_msgids = None


def msgids():
    """Every singular and plural msgid of the committed catalogue."""
    global _msgids
    if _msgids is None:
        with open(CATALOGUE, "rb") as f:
            catalogue = babel.messages.pofile.read_po(f)
        ids = set()
        for message in catalogue:
            if isinstance(message.id, (tuple, list)):
                ids.update(message.id)
            elif message.id:
                ids.add(message.id)
        _msgids = frozenset(ids)
    return _msgids


def problems_of_words(value, where):
    """What is wrong with ``value`` as words shown to a reader."""
    if not isinstance(value, Message):
        return ["%s is not a translatable message: %r" % (where, value)]
    msgid, params, plural, _count, items, sep = value._said
    found = []
    # Said in English: a placeholder left unfilled, or a value that was
    # None, shows as such to the reader.
    english = value.english
    if "%(" in english or re.search(r"\bNone\b", english):
        found.append("%s says %r" % (where, english))
    if items is not None:
        for i, item in enumerate(items):
            if isinstance(item, Message):
                found += problems_of_words(item, "%s item %d" % (where, i))
        return found
    for text in (msgid, plural):
        if text is not None and text not in msgids():
            found.append("%s: %r is not in the catalogue" % (where, text))
    values = (params.items() if isinstance(params, dict)
              else enumerate(params or ()))
    for key, param in values:
        if param is None:
            found.append("%s: parameter %s is None" % (where, key))
        elif isinstance(param, Message):
            found += problems_of_words(param, "%s %%(%s)s" % (where, key))
    return found


def problems(finding, codes=None):
    """What is wrong with ``finding``: its severity, its code (one of
    ``codes``, the pre-flight's published codes by default) and its
    words."""
    codes = pf.FINDING_CODES if codes is None else codes
    found = []
    if finding.severity not in (pf.NOTE, pf.WARNING, pf.BLOCKER):
        found.append("severity %r" % (finding.severity,))
    if finding.code not in codes:
        found.append("code %r is not published" % (finding.code,))
    found += problems_of_words(finding.message, "message")
    for name in ("remedy", "reason"):
        value = getattr(finding, name)
        if value != "":
            found += problems_of_words(value, name)
    for i, line in enumerate(finding.details):
        found += problems_of_words(line, "detail %d" % i)
    return found


@pytest.fixture
def findings_are_well_said(monkeypatch):
    """Fail the test when the engine returns a finding with a problem."""
    bad = []
    run = engine._run

    def checked(*args, **kwargs):
        out, picked = run(*args, **kwargs)
        for finding in out:
            bad.extend("%s: %s" % (finding.code, p)
                       for p in problems(finding))
        return out, picked

    monkeypatch.setattr(engine, "_run", checked)
    yield
    assert not bad, bad
