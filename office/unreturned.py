"""Printed forms that never came back (様式1–4): the center's list per facility, with a reprint
of the same number; the facility's dashboard and the daily reminders read the same rows.

Which record is out too long is `mcs_admin.documents.unreturned`'s rule; this module only
gathers the four forms' records and names them without a patient's name.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import PatientConsent
from facilities.models import Facility
from mcs_admin.documents import numbered_document_models, unreturned
from mcs_admin.models import AssociationProfile, NumberedDocument, User


@dataclass(frozen=True)
class Unreturned:
    record: NumberedDocument
    facility: Facility
    days: int  # since the form was prepared

    @property
    def form(self) -> str:
        return self.record._meta.verbose_name

    @property
    def subject(self) -> str:
        return paper_subject(self.record)

    @property
    def person(self) -> Model | None:
        """The staff member a staff pledge names, for the access log; the other forms name
        facilities and groups by number only."""
        return getattr(self.record, "staff_member", None)

    def _admin_url(self, view: str) -> str:
        opts = self.record._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[self.record.pk])

    @property
    def print_url(self) -> str:
        """The admin's print of the record: a reprint carries the same document number."""
        return self._admin_url("print")

    @property
    def change_url(self) -> str:
        return self._admin_url("change")


def paper_subject(record: NumberedDocument) -> str:
    """A record as lists and e-mails name it: a consent by its group's number, never its
    patient (第6条)."""
    if isinstance(record, PatientConsent):
        return _("Consent for group %(group)s") % {"group": record.group.label_without_patient}
    return str(record)


def unreturned_records(
    model: type[NumberedDocument], today: datetime.date, profile: AssociationProfile
) -> QuerySet:
    """One form's records not returned in time, with their facility and what naming them
    reads (a staff pledge's person, a consent's group): one query."""
    return (
        unreturned(model, prepared_by=profile.paper_overdue_since(today))
        .select_related(model.facility_path)
        .order_by("prepared_on", "pk")
    )


def unreturned_rows(
    today: datetime.date,
    *,
    models: Iterable[type[NumberedDocument]] | None = None,
    facilities: Iterable[int] | None = None,
) -> list[Unreturned]:
    """Every form not returned in time, of `facilities` (every one when None), by form: a
    query per form."""
    profile = AssociationProfile.current()
    rows = []
    for model in sorted(models or numbered_document_models(), key=lambda m: m.form_number):
        records = unreturned_records(model, today, profile)
        if facilities is not None:
            records = records.filter(**{f"{model.facility_path}__in": facilities})
        for record in records:
            facility = record
            for name in model.facility_path.split("__"):
                facility = getattr(facility, name)
            rows.append(Unreturned(record, facility, (today - record.prepared_on).days))
    return rows


def by_facility(rows: list[Unreturned]) -> list[tuple[Facility, list[Unreturned]]]:
    """The rows grouped per facility, facilities in the order of their kana."""
    groups: dict[int, tuple[Facility, list[Unreturned]]] = {}
    for row in rows:
        groups.setdefault(row.facility.pk, (row.facility, []))[1].append(row)
    return sorted(
        groups.values(), key=lambda group: (group[0].name_kana, group[0].name, group[0].pk)
    )


def _viewable(user: User) -> list[type[NumberedDocument]]:
    return [
        model
        for model in numbered_document_models()
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


def unreturned_view(request, site: admin.AdminSite):
    """The center's list of forms not returned in time, per facility; `?facility=` keeps one."""
    models = _viewable(request.user)
    if not models:
        raise PermissionDenied
    facility = request.GET.get("facility", "")
    facilities = [int(facility)] if facility.isdigit() else None
    rows = unreturned_rows(timezone.localdate(), models=models, facilities=facilities)
    context = {
        **site.each_context(request),
        "title": _("Forms not returned"),
        "profile": AssociationProfile.current(),
        "facilities": by_facility(rows),
        "rows": rows,
        "filtered": facilities is not None,
    }
    return TemplateResponse(request, "admin/unreturned_forms.html", context)
