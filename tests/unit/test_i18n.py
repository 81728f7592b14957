"""core/'s messages (core/i18n.py): English as they are, in the reader's
language once a translator is installed, parameters and list items too;
and core/ still imports no Django."""
import pickle
import re
import subprocess
import sys

import pytest

from migration_dashboard.core import i18n
from migration_dashboard.core.i18n import N_, NP_, joined
from migration_dashboard.core.preflight import wording


_PLACEHOLDER = re.compile(r"(%\(\w+\)\w)")


def upper(msgid):
    """msgid in capitals, its placeholders kept."""
    return "".join(part if _PLACEHOLDER.fullmatch(part) else part.upper()
                   for part in _PLACEHOLDER.split(msgid))


@pytest.fixture
def shouting():
    """A translator that says every msgid in capitals."""
    saved = i18n._translator
    i18n.use(upper, lambda s, p, n: upper(s if n == 1 else p))
    yield
    i18n._translator = saved


def test_a_message_is_its_english_text_without_a_translator():
    m = N_("%(host)s is down", host="cmp1")
    assert m == "cmp1 is down"
    assert "is down" in m and str(m) == "cmp1 is down"
    assert m.msgid == "%(host)s is down" and m.params == {"host": "cmp1"}


def test_the_translator_says_it_and_its_parameters(shouting):
    m = N_("%(host)s is down", host=N_("the destination"))
    assert str(m) == "THE DESTINATION IS DOWN"
    assert "%s" % m == "THE DESTINATION IS DOWN"
    assert "{}".format(m) == "THE DESTINATION IS DOWN"
    # Still English for core's comparisons.
    assert m == "the destination is down"


def test_data_parameters_are_not_translated(shouting):
    assert str(N_("%(host)s is down", host="cmp1")) == "cmp1 IS DOWN"


def test_percent_gives_a_message_with_its_parameters(shouting):
    m = N_("Bring it to %(state)s first.") % {"state": "ACTIVE"}
    assert m == "Bring it to ACTIVE first."
    assert str(m) == "BRING IT TO ACTIVE FIRST."


def test_counted_messages_use_the_plural_form():
    assert NP_("%(count)d host", "%(count)d hosts", 1) == "1 host"
    assert NP_("%(count)d host", "%(count)d hosts", 3) == "3 hosts"


def test_lists_translate_each_item_and_the_separator(shouting):
    names = wording.first_names(["a", "b", "c"], limit=2)
    assert names == "a, b and 1 more"
    assert str(names) == "a, b AND 1 MORE"
    assert str(joined([N_("down"), "cmp2"], N_(" or "))) == "DOWN OR cmp2"


def test_a_message_survives_the_cache(shouting):
    m = N_("%(host)s is down", host=N_("the destination"))
    back = pickle.loads(pickle.dumps(m))
    assert isinstance(back, i18n.Message)
    assert back == m and str(back) == "THE DESTINATION IS DOWN"


def test_core_imports_no_django():
    code = ("import sys, pkgutil, importlib, migration_dashboard.core as c\n"
            "for m in pkgutil.walk_packages(c.__path__, c.__name__ + '.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0]"
            " == 'django'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
