"""The admin's date columns in the association's format (mcs_admin.dates), as on every screen:
Django's own list writes every date in one fixed format."""

import functools

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, Model

from mcs_admin.dates import shown


@functools.cache
def date_column(model: type[Model], name: str):
    """`name`'s column: same heading, same sorting, the date as chosen."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        return shown(getattr(obj, name)) or None  # None: the admin's empty value

    column.__name__ = name  # the column keeps its CSS class (column-NAME, field-NAME)
    return column


def is_date_field(model: type[Model], name) -> bool:
    """Whether `name` is a date or a moment of `model` (a DateTimeField is a DateField too)."""
    try:
        return isinstance(name, str) and isinstance(model._meta.get_field(name), DateField)
    except FieldDoesNotExist:
        return False


class ShownDates:
    """A model admin whose date and time columns follow the association profile."""

    def get_list_display(self, request):
        return [
            date_column(self.model, name) if is_date_field(self.model, name) else name
            for name in super().get_list_display(request)
        ]
