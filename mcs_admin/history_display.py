"""The admin's history in words a clerk reads: field labels, choice labels, dates as the
screens show them, はい/いいえ, and — for nothing, never `None`, a raw value or a text cut in
the middle ("[16017 chars]"); a long list names its first items and counts the rest."""

import dataclasses
import datetime

from django.contrib.auth.models import Permission
from django.db.models import ManyToManyField
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from mcs_admin.dates import shown
from mcs_admin.roles import permission_label

EMPTY = "—"
LISTED = 10  # items of a list shown by name; the rest counted


def readable(field, value) -> str:
    """One value of a model field as its page shows it."""
    if isinstance(value, DeletedObject):
        return EMPTY if value.pk is None else str(value)
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        named = "、".join(readable(None, item) for item in value[:LISTED])
        if len(value) <= LISTED:
            return named
        return _("%(items)s and %(count)d more") % {"items": named, "count": len(value) - LISTED}
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):  # a moment too
        return shown(value)
    return str(value)


class WholeValues(ObjDiffDisplay):
    """A history shows what was there: no value is cut to "[16017 chars]"."""

    def common_shorten_repr(self, *args):
        return tuple(str(arg) for arg in args)


class ReadableHistory(HistoricalRecordContextHelper):
    def format_delta_change(self, change):
        field = self.model._meta.get_field(change.field)
        if not isinstance(field, ManyToManyField):
            return super().format_delta_change(change)
        # a list of hundreds (a role's permissions) reads as what was taken out and put in
        name = permission_label if field.related_model is Permission else str
        old, new = (
            {
                name(item)
                for item in super(ReadableHistory, self).prepare_delta_change_value(change, value)
            }
            for value in (change.old, change.new)
        )
        return dataclasses.replace(
            change,
            field=capfirst(field.verbose_name),
            old=_("removed: %(items)s") % {"items": readable(None, sorted(old - new))},
            new=_("added: %(items)s") % {"items": readable(None, sorted(new - old))},
        )

    def prepare_delta_change_value(self, change, value):
        return readable(self.model._meta.get_field(change.field), value)

    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return WholeValues()
