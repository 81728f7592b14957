from django.utils.translation import gettext_lazy as _
from novaclient import exceptions as nova_exceptions

from horizon import messages

from migration_dashboard import api
from migration_dashboard.content import formbase
from migration_dashboard.content import presentation
from migration_dashboard.services import migrations


class _MigrationActionForm(formbase.SelfHandlingForm):
    """Confirms one action on the migration of the view's URL: the ids
    come from the URL (validated by its pattern), never from the form."""

    #: name of the api.nova function taking (request, instance_id,
    #: migration_id); looked up at call time
    api_call = None
    failure = None  # "Unable to ... %(mid)s of %(name)s: %(reason)s"
    success = None

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        initial = kwargs.get("initial", {})
        self.ids = {"instance_id": initial["instance_id"],
                    "migration_id": initial["migration_id"],
                    "instance_name": initial.get("instance_name") or ""}

    def _display(self, data_):
        return data_.get("instance_name") or data_["instance_id"]

    def _finished(self, request, data_):
        """The migration's status when it is no longer in progress (it
        ended between the page and the click), else None."""
        try:
            row = migrations.load_row(request, data_["instance_id"],
                                      data_["migration_id"])
        except nova_exceptions.NotFound:
            return _("gone")
        except Exception:
            return None
        return None if row.in_progress else row.status

    def handle(self, request, data_):
        data_ = dict(data_, **self.ids)
        names = {"mid": data_["migration_id"],
                 "name": self._display(data_)}
        try:
            getattr(api.nova, self.api_call)(
                request, data_["instance_id"], data_["migration_id"])
        except (nova_exceptions.NotFound, nova_exceptions.BadRequest,
                nova_exceptions.Conflict) as exc:
            # 404/400, and 409 once the instance is no longer migrating:
            # the migration may have ended since the page was drawn.
            status = self._finished(request, data_)
            if status is not None:
                messages.info(request, _(
                    "Migration %(mid)s of %(name)s has already finished "
                    "(status: %(status)s); nothing to do.") % dict(
                        names, status=status))
                return True
            presentation.show_error(request, self.failure, exc, **names)
            return False
        except Exception as exc:
            presentation.show_error(request, self.failure, exc, **names)
            return False
        messages.success(request, self.said_success(names))
        return True

    def said_success(self, names):
        return self.success % names


class AbortForm(_MigrationActionForm):
    api_call = "migration_abort"
    failure = _("Nova refused to abort migration %(mid)s of %(name)s: "
                "%(reason)s")
    success = _("Abort of migration %(mid)s of %(name)s requested: Nova "
                "rolls it back and the instance keeps running on its source "
                "host.")


class ForceCompleteForm(_MigrationActionForm):
    api_call = "migration_force_complete"
    failure = _("Nova refused to force migration %(mid)s of %(name)s to "
                "complete: %(reason)s")
    success = _("Migration %(mid)s of %(name)s is being forced to complete: "
                "%(done)s")

    def said_success(self, names):
        # Paused or switched to post-copy: as the deployment declares.
        return self.success % dict(
            names, done=migrations.force_complete_words()["done"])
