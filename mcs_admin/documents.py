"""The printed forms' records as paper: finding one by its document number, receiving it.

Receiving is one service for every form (様式1–4): the application's "received" step of the
joining workflow is this one too.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mcs_admin import normalize
from mcs_admin.models import AssociationProfile, NumberedDocument, PaperStatus, User
from mcs_admin.pdf import printed_form_of

NUMBER = re.compile(r"F(\d+)-\d{4}-\d{5,}")


def numbered_document_models() -> list[type[NumberedDocument]]:
    return [model for model in apps.get_models() if issubclass(model, NumberedDocument)]


def unreturned(model: type[NumberedDocument], *, prepared_by: datetime.date) -> models.QuerySet:
    """The records of `model` whose signed paper is still out though it was prepared on or
    before `prepared_by` (`AssociationProfile.paper_overdue_since`): the one rule of a form
    that never came back."""
    return model._default_manager.filter(
        model.paper_expected_q(), status=PaperStatus.PREPARED, prepared_on__lte=prepared_by
    )


@dataclass(frozen=True)
class UnreturnedForm:
    record: NumberedDocument
    facility: models.Model  # whose paper it is (`facility_path`)
    days: int  # since the form was prepared

    @property
    def form(self) -> str:
        return self.record._meta.verbose_name


def unreturned_forms(
    *,
    today: datetime.date,
    kinds: Iterable[type[NumberedDocument]] | None = None,
    facility: int | None = None,
    user: User | None = None,
    profile: AssociationProfile | None = None,
) -> list[UnreturnedForm]:
    """Every form not returned in time, by form: of `kinds` of form (every one when None), of
    one facility or of all, of the records `user` may see or of all; a query per form. The
    center's list, the facility's dashboard and the reminders read it."""
    prepared_by = (profile or AssociationProfile.current()).paper_overdue_since(today)
    forms = []
    for model in sorted(kinds or numbered_document_models(), key=attrgetter("form_number")):
        path = model.facility_path
        records = unreturned(model, prepared_by=prepared_by).select_related(path)
        if facility is not None:
            records = records.filter(**{path: facility})
        if user is not None:
            records = records.filter(pk__in=printed_form_of(model).visible_to(user).values("pk"))
        for record in records.order_by("prepared_on", "pk"):
            forms.append(
                UnreturnedForm(
                    record,
                    attrgetter(path.replace("__", "."))(record),
                    (today - record.prepared_on).days,
                )
            )
    return forms


def document_with_scan(name: str) -> NumberedDocument | None:
    """The record whose scanned copy is stored under `name`, or None."""
    for model in numbered_document_models():
        record = model._default_manager.filter(scanned_copy=name).first()
        if record is not None:
            return record
    return None


def scanned_document(request, response) -> list[NumberedDocument]:
    """What a download of a scanned copy showed, for the access log (`office.policy`)."""
    record = document_with_scan(request.resolver_match.kwargs["name"])
    return [record] if record is not None else []


def document_get(*, number: str, for_update: bool = False) -> NumberedDocument | None:
    """The record a typed or scanned number belongs to, or None."""
    number = normalize.document_number(number)
    match = NUMBER.fullmatch(number)
    if match is None:
        return None
    for model in numbered_document_models():
        if model.form_number == int(match[1]):
            records = model._default_manager.all()
            if for_update:
                records = records.select_for_update()
            return records.filter(document_number=number).first()
    return None


# The selector that says who may see each kind of record (DESIGN §4); its scan follows it.
def may_view_scanned_copy(user: User, record: NumberedDocument) -> bool:
    """Who may download a record's scanned copy: the one place that says it. The center with
    the model's view permission; a facility's administrators and a group's managers for the
    records their selectors show them."""
    if not user.is_active:
        return False
    opts = record._meta
    if user.is_staff:
        return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    return printed_form_of(type(record)).visible_to(user).filter(pk=record.pk).exists()


@transaction.atomic
def document_receive(
    *,
    document_number: str,
    received_on: datetime.date,
    scanned_copy: File | None = None,
    by: User,
) -> NumberedDocument:
    """Mark the signed paper of a form as back at the office (未受領 → 受領済)."""
    record = document_get(number=document_number, for_update=True)
    if record is None:
        raise ValidationError(
            _("No form has the document number %(number)s.") % {"number": document_number}
        )
    if not record.paper_expected():
        raise ValidationError(
            _("%(record)s is an exemption: no signed form comes back.") % {"record": record}
        )
    if record.status != PaperStatus.PREPARED:
        raise ValidationError(
            _("%(record)s is already “%(status)s”: only a form not yet received can be received.")
            % {"record": record, "status": record.get_status_display()}
        )
    if received_on > timezone.localdate():
        raise ValidationError(_("The date received cannot be in the future."))
    record.status = PaperStatus.RECEIVED
    record.received_on = received_on
    if scanned_copy is not None:
        record.scanned_copy = scanned_copy
    record._history_user = by
    record.full_clean()
    record.save()
    return record


def document_receive_today(*, document: NumberedDocument, by: User) -> NumberedDocument:
    """The admin's action on selected records: their paper came back today."""
    return document_receive(
        document_number=document.document_number, received_on=timezone.localdate(), by=by
    )
