"""Spreadsheet columns that name the facilities app's records: 職種 by the synonyms table, a
facility by its name, a staff member of the row's facility by name or e-mail."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.widgets import Widget

from facilities.models import Facility, ProfessionSynonym
from mcs_admin import normalize
from mcs_admin.sheet_fields import (
    FOREIGN_KEY_WIDGETS,
    LIST_SEPARATOR,
    ChoiceWidget,
    SheetField,
    cell_text,
    match_key,
)


class ProfessionWidget(ChoiceWidget):
    """職種: a profession's name or code, or a term of the center's synonyms table."""

    def terms(self) -> dict[str, str]:
        if self._terms is None:
            synonyms = {
                match_key(term): profession
                for term, profession in ProfessionSynonym.objects.values_list("term", "profession")
            }
            self._terms = synonyms | super().terms()  # the canonical names win
        return self._terms

    def describe(self):
        return _("One of: %(choices)s, or a term of the profession synonyms table.") % {
            "choices": str(LIST_SEPARATOR).join(self.labels())
        }


class FacilityWidget(Widget):
    """A registered facility, by its name (事業所名)."""

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self._found = {}

    @staticmethod
    def _name(value) -> str:
        return normalize.text(cell_text(value))

    def find(self, value) -> list:
        """The facilities of that name (normally one); looked up once per import."""
        name = self._name(value)
        if name not in self._found:
            self._found[name] = list(Facility.objects.filter(name=name)[:2]) if name else []
        return self._found[name]

    def find_all(self, values) -> None:
        """Looks up every name at once, as `find` would one by one (a file naming thousands
        of facilities reads them in one query)."""
        names = {self._name(value) for value in values} - {""} - self._found.keys()
        by_name = {name: [] for name in names}
        for facility in Facility.objects.filter(name__in=names):
            by_name[facility.name].append(facility)
        self._found.update((name, found[:2]) for name, found in by_name.items())

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        found = self.find(value)
        if not found:
            raise ValueError(_("No facility is registered as “%(name)s”.") % {"name": name})
        if len(found) > 1:
            raise ValueError(
                _("Several facilities are registered as “%(name)s”: rename one in the admin.")
                % {"name": name}
            )
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""

    def describe(self):
        return gettext_lazy("The name of a facility registered in the system.")


class StaffMemberWidget(Widget):
    """A staff member of the row's facility, by 氏名 (or e-mail address)."""

    def __init__(self, facility_field: "SheetField"):
        super().__init__(coerce_to_string=True)
        self.facility_field = facility_field

    def clean(self, value, row=None, **kwargs):
        text = normalize.text(cell_text(value))
        found = self.facility_field.widget.find(row.get(self.facility_field.column_name))
        if not text or len(found) != 1:
            return None  # a facility that cannot be found is reported in its own column
        people = found[0].staff.all()
        if "@" in text:
            people = people.filter(email__iexact=normalize.email(text))
        else:
            family, given = normalize.split_full_name(text)
            people = people.filter(family_name=family, given_name=given)
        people = list(people[:2])
        if not people:
            raise ValueError(_("No staff member of this facility is “%(name)s”.") % {"name": text})
        if len(people) > 1:
            raise ValueError(
                _("Several staff members of this facility are “%(name)s”: use the e-mail address.")
                % {"name": text}
            )
        return people[0]

    def render(self, value, obj=None, **kwargs):
        return value.full_name if value is not None else ""

    def describe(self):
        return gettext_lazy("The full name or e-mail address of a staff member of the facility.")


FOREIGN_KEY_WIDGETS[Facility._meta.label] = FacilityWidget
