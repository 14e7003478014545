from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class History(HistoricalRecords):
    """simple-history's records, with their names translated lazily.

    The library names a history model "historical <verbose name>" in English, evaluated at
    import; here the name follows the active language.
    """

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["verbose_name"] = format_lazy(_("history of {}"), model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy(
            _("history of {}"), model._meta.verbose_name_plural
        )
        return options


def save_by(obj, user) -> None:
    """Save through a service, with the acting user in the history entry it leaves.

    (Within a web request HistoryRequestMiddleware knows the user; commands and tests do not.)
    """
    obj._history_user = user
    obj.save()
