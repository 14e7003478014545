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

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender._history_records = self  # for save_by's one entry with many-to-many fields


def save_by(obj, user, **relations) -> None:
    """Save through a service, with the acting user in the history entry it leaves.

    (Within a web request HistoryRequestMiddleware knows the user; commands and tests do not.)

    `relations` are many-to-many fields kept in the history with their new members: the record
    and its relations are written first, then one entry records them together (simple-history
    alone leaves one entry for the save and one more for each change of a relation).
    """
    obj._history_user = user
    if not relations:
        obj.save()
        return
    created = obj._state.adding
    obj.skip_history_when_saving = True
    try:
        obj.save()
        for name, members in relations.items():
            getattr(obj, name).set(members)
    finally:
        del obj.skip_history_when_saving
    type(obj)._history_records.create_historical_record(obj, "+" if created else "~")
