"""Words of core/ that a person reads, translatable without Django.

A :class:`Message` *is* its English text (a ``str``: core's tests, the
comparisons of :mod:`.preflight.summary` and any log see English) and also
remembers its msgid, plural form and parameters.  Whenever it is turned into
text for a page -- ``str()``, ``%s``, ``format()``, a Django template -- it is
said with the translator the content layer installed (:func:`use`, Django's
gettext and ngettext), parameters that are messages too translated the same
way.  Without one, English.

Mark the words here with :func:`N_` (``N_("... %(host)s ...") % {...}`` or
``N_("...", host=...)``) and counted ones with :func:`NP_`; ``make
messages`` extracts both (xgettext keywords ``N_`` and ``NP_:1,2``).  Lists
built from messages go through :func:`joined`, so each item is translated
and only the separator is kept.
"""

from __future__ import annotations

# (gettext, ngettext) of the content layer, set once when it is imported
# (the same in every worker: configuration, not state).
_translator = None


def use(gettext, ngettext):
    """Say every message with ``gettext(msgid)`` /
    ``ngettext(singular, plural, n)`` from now on."""
    global _translator
    _translator = (gettext, ngettext)


def _english(msgid, plural, count):
    if plural is not None and count != 1:
        return plural
    return msgid


def _say(value, words):
    """``value`` as text in the words of ``words`` (a translator or None
    for English); anything but a message is left as it is (numbers keep
    their ``%d``)."""
    if isinstance(value, Message):
        return value.render(words)
    return value


class Message(str):
    """English text, with what it takes to say it in another language."""

    __slots__ = ("msgid", "plural", "count", "params", "items", "sep")

    def __new__(cls, msgid, params=None, plural=None, count=None,
                items=None, sep=""):
        self = str.__new__(cls, _render(msgid, params, plural, count,
                                        items, sep, None))
        self.msgid = msgid
        self.plural = plural
        self.count = count
        self.params = params
        self.items = items
        self.sep = sep
        return self

    def render(self, words):
        return _render(self.msgid, self.params, self.plural, self.count,
                       self.items, self.sep, words)

    def __str__(self):
        if _translator is None:
            return str.__str__(self)
        return self.render(_translator)

    def __format__(self, spec):
        return format(str(self), spec)

    def __mod__(self, params):
        """``N_("%(host)s is down") % {"host": h}``: the same message with
        its parameters (kept apart, so that they are said in the reader's
        language too)."""
        if not isinstance(params, (tuple, dict)):
            params = (params,)
        return Message(self.msgid, params, self.plural, self.count)

    def __reduce__(self):
        # Messages travel through Django's cache (pickled) as messages.
        return (Message, (self.msgid, self.params, self.plural, self.count,
                          self.items, self.sep))

    @property
    def english(self):
        return str.__str__(self)


def _render(msgid, params, plural, count, items, sep, words):
    if items is not None:
        return str(_say(sep, words)).join(str(_say(i, words)) for i in items)
    if words is None:
        template = _english(msgid, plural, count)
    elif plural is not None:
        template = words[1](msgid, plural, count)
    else:
        # gettext("") is the catalogue's header, never a text.
        template = words[0](msgid) if msgid else msgid
    if params is None:
        return template
    if isinstance(params, dict):
        said = {k: _say(v, words) for k, v in params.items()}
    else:
        said = tuple(_say(v, words) for v in params)
    return template % said


def N_(msgid, **params):
    """Mark ``msgid`` for translation: a :class:`Message` (its parameters
    given here or later with ``%``)."""
    return Message(msgid, params or None)


def NP_(singular, plural, count, **params):
    """A counted message: ``singular`` when ``count`` is 1 in English, as
    ngettext says in another language; ``count`` is also the parameter
    ``%(count)d`` unless ``params`` names it."""
    params.setdefault("count", count)
    return Message(singular, params, plural, count)


def joined(items, sep):
    """``sep.join(items)`` whose items (and ``sep``, when it is a message)
    are each said in the reader's language."""
    items = tuple(items)
    return Message(None, items=items, sep=sep)
