"""Columns of the office's spreadsheets: how a cell becomes a value and a value a cell.

Cells are read as the model fields read typed input (DESIGN §6: the fields' `to_python`
normalises kana, postal codes, phones, e-mail), so that a re-imported file compares equal to
what is stored. Choices are written with their Japanese names and read back from the name, the
code or, for 職種, the synonyms table the support center keeps.
"""

import re
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.fields import Field
from import_export.widgets import Widget

from mcs_admin import normalize
from mcs_admin.dates import shown_date
from mcs_admin.spreadsheets import unescape_cell

# Written for True; read back together with the usual ways of ticking a box.
YES_MARK = pgettext_lazy("spreadsheet cell of a checked item", "Y")
_YES = {"1", "true", "yes", "y", "\u25cb", "\u25ef", "\u3007", "\u25cf", "\u2713", "\u2714"}
_NO = {"", "0", "false", "no", "n", "-", "\u00d7", "\u2715", "\u2716"}
KEPT_IF_BLANK = gettext_lazy("A blank cell leaves the stored value as it is.")
LIST_SEPARATOR = pgettext_lazy("between the names of a list", ", ")
_DATE = re.compile(r"^(\d{4})\D(\d{1,2})\D(\d{1,2})\D?(?: 0?0:00(?::00)?)?$")


def cell_text(value) -> str:
    """A cell as text: the formula guard's `'` removed, outer white space trimmed.

    Excel gives numbers for digit-only cells (a postal code typed as 3410011) and datetimes
    for dates: they are read as the digits and the date the clerk sees.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(unescape_cell(value) if isinstance(value, str) else value).strip()


def match_key(text: str) -> str:
    """How headers and choice names are compared: NFKC, no spaces, case-insensitive."""
    return normalize.text(text).replace(" ", "").casefold()


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


class TextWidget(Widget):
    """A text cell, normalised and checked as the model field does it."""

    def __init__(self, model_field: models.Field | None = None):
        super().__init__(coerce_to_string=True)
        self.model_field = model_field

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.model_field is None or not text:
            return text
        try:
            return self.model_field.to_python(text)
        except ValidationError as error:
            raise ValueError(_messages(error)) from None

    def describe(self):
        return ""


class DateWidget(Widget):
    """A date as Excel keeps it, or typed as 2026-04-01, 2026/4/1 or 2026年4月1日."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = normalize.text(cell_text(value))
        if not text:
            return None
        match = _DATE.match(text)
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except (TypeError, ValueError):
            raise ValueError(_("Enter a date such as 2026-04-01 or 2026/4/1.")) from None

    def render(self, value, obj=None, **kwargs):
        """2026-04-01 in a file; in the import's preview (`shown`) as every screen shows a date."""
        if value is None:
            return ""
        if kwargs.get("shown"):
            return shown_date(value)
        return value if kwargs.get("force_native_type") else value.isoformat()

    def describe(self):
        return gettext_lazy("A date, such as 2026-04-01 or 2026/4/1.")


class MarkWidget(Widget):
    """A checked item: ○ (or 1, yes, ✓) for yes, a blank cell for no."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = match_key(cell_text(value))
        if key in _YES or key == match_key(str(YES_MARK)):
            return True
        if key in _NO:
            return False
        raise ValueError(_("Write ○ for yes and leave the cell blank for no."))

    def render(self, value, obj=None, **kwargs):
        return str(YES_MARK) if value else ""

    def describe(self):
        return gettext_lazy("○ for yes, blank for no.")


class ChoiceWidget(Widget):
    """One of a choice list, written with its Japanese name; its code is read as well."""

    def __init__(self, choices, aliases=None):
        super().__init__(coerce_to_string=True)
        self.choices = list(choices)
        self.aliases = aliases or {}  # code → further names read as that choice
        self._terms = None

    def labels(self) -> list[str]:
        with translation.override(settings.LANGUAGE_CODE):
            return [str(label) for _code, label in self.choices]

    def terms(self) -> dict[str, str]:
        if self._terms is None:
            self._terms = {match_key(code): code for code, _label in self.choices}
            with translation.override(settings.LANGUAGE_CODE):
                self._terms |= {match_key(str(label)): code for code, label in self.choices}
                self._terms |= {
                    match_key(str(alias)): code
                    for code, aliases in self.aliases.items()
                    for alias in aliases
                }
        return self._terms

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        code = self.terms().get(match_key(text))
        if code is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": str(LIST_SEPARATOR).join(self.labels())}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return str(dict(self.choices).get(value, value or ""))

    def describe(self):
        return _("One of: %(choices)s.") % {"choices": str(LIST_SEPARATOR).join(self.labels())}


# Widgets for a foreign key to another app's model, by its label ("facilities.Facility"), put
# here by the app that owns the model (facilities/sheet_fields.py).
FOREIGN_KEY_WIDGETS: dict[str, type[Widget]] = {}


class SheetField(Field):
    """One column: its header (the model field's Japanese name unless given), aliases, widget.

    `bind` completes it for its resource: attribute, translated header, widget from the model
    field. A blank cell in a column whose value a record must have leaves the stored value as
    it is (a new record gets the field's default); `keep_if_blank` does the same for any column.
    """

    def __init__(
        self, header=None, *, attribute=None, widget=None, aliases=(), keep_if_blank=False
    ):
        super().__init__(attribute=attribute, widget=widget)
        self.header = header
        self.aliases = aliases
        self.keep_if_blank = keep_if_blank
        self.model_field = None

    def bind(self, name: str, model) -> None:
        self.attribute = self.attribute or name
        try:
            self.model_field = model._meta.get_field(self.attribute)
        except FieldDoesNotExist:
            self.model_field = None
        header = self.header or self.model_field.verbose_name
        self.column_name = str(header)
        self.header_terms = {match_key(str(h)) for h in (header, *self.aliases, self.attribute)}
        if type(self.widget) is Widget and self.model_field is not None:
            self.widget = self.widget_for(self.model_field)

    @staticmethod
    def widget_for(model_field: models.Field) -> Widget:
        if model_field.choices:
            return ChoiceWidget(model_field.choices)
        if isinstance(model_field, models.ForeignKey) and (
            widget := FOREIGN_KEY_WIDGETS.get(model_field.related_model._meta.label)
        ):
            return widget()
        if isinstance(model_field, models.DateField):
            return DateWidget()
        if isinstance(model_field, models.BooleanField):
            return MarkWidget()
        return TextWidget(model_field)

    @property
    def model_attributes(self) -> set[str]:
        """The model fields whose errors this column reports."""
        return {self.attribute}

    def keeps(self, value, instance) -> bool:
        if value not in ("", None):
            return False
        required = self.model_field is not None and not self.model_field.blank
        return self.keep_if_blank or (required and instance.pk is not None)

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = self.clean(row, **kwargs)
        if self.keeps(value, instance):
            return
        if value in ("", None) and self.model_field is not None and not self.model_field.blank:
            value = self.model_field.get_default() if self.model_field.has_default() else value
        setattr(instance, self.attribute, value)

    def describe(self) -> str:
        parts = [self.widget.describe(), KEPT_IF_BLANK if self.keep_if_blank else ""]
        return " ".join(str(part) for part in parts if part)


class FullNameField(SheetField):
    """氏名 (or its フリガナ) in one cell: 姓, a space, 名; written with a full-width space."""

    def __init__(self, header, *, family: str, given: str, given_required: bool, aliases=()):
        super().__init__(header, attribute=f"{family}+{given}", aliases=aliases)
        self.family, self.given, self.given_required = family, given, given_required

    def bind(self, name, model):
        super().bind(name, model)  # the cell is split and checked in `clean`, not by a widget
        self.family_field = model._meta.get_field(self.family)
        self.given_field = model._meta.get_field(self.given)

    @property
    def model_attributes(self):
        return {self.attribute, self.family, self.given}

    def get_value(self, instance):
        return normalize.full_name(getattr(instance, self.family), getattr(instance, self.given))

    def clean(self, row, **kwargs):
        family, given = normalize.split_full_name(cell_text(row[self.column_name]))
        if self.given_required and family and not given:
            raise ValueError(_("Write the name as family name, a space, then given name."))
        try:
            return (
                self.family_field.to_python(family) if family else "",
                self.given_field.to_python(given) if given else "",
            )
        except ValidationError as error:
            raise ValueError(_messages(error)) from None

    def save(self, instance, row, is_m2m=False, **kwargs):
        family, given = self.clean(row)
        if not family and self.given_required and instance.pk is not None:
            return
        setattr(instance, self.family, family)
        setattr(instance, self.given, given)

    def describe(self):
        return gettext_lazy("Family name, a space, then given name.")
