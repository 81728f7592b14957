"""`make messages`: the plugin's message catalogue (Django's makemessages
for the django domain of migration_dashboard/, into
migration_dashboard/locale/), with core/'s own markers (core/i18n.py: N_
and NP_) as xgettext keywords, then a compile of every catalogue to check
it (Django's compilemessages, as a deployment does).

The plugin has no translatable JavaScript (static/ holds refresh.js and
messages.js, which show no words), so there is no djangojs catalogue.
"""

import os
import sys

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, os.pardir, os.pardir, "migration_dashboard")


class MakeMessages(makemessages.Command):
    # Django's documented way to add keywords: core/ marks its words with
    # N_ (and NP_ for counted ones), which Django does not know.
    xgettext_options = makemessages.Command.xgettext_options + [
        "--keyword=N_", "--keyword=NP_:1,2"]


def main(locales):
    settings.configure(USE_I18N=True, INSTALLED_APPS=[])
    django.setup()
    os.chdir(PACKAGE)
    os.makedirs("locale", exist_ok=True)
    # File names but no line numbers: the English catalogue is committed,
    # and line numbers would change it with every edit elsewhere.
    call_command(MakeMessages(), locale=locales, domain="django",
                 no_obsolete=True, add_location="file", verbosity=1)
    call_command("compilemessages", locale=locales, verbosity=1)


if __name__ == "__main__":
    main(sys.argv[1:] or ["en"])
