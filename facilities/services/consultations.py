"""独自ルール 4: the consultation and complaint desk. A facility's administrator submits from
the facility's pages, the center records what comes by telephone or letter; the center then
answers (for a complaint about personal information: records that it passed it on to the
attending physician, who resolves it) and closes. Each step in order, each by the center."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import CONSULTATION_ANSWER_DAYS, Consultation, Facility
from facilities.selectors import require_administrator, require_center
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.updates import model_update

# What the center may correct on a consultation after it was received
CONSULTATION_FIELDS = ["contact_name", "summary", "due_on"]


def _referred_to(kind: str) -> str:
    """Consultations go to the support center, complaints to the attending physician."""
    if kind == Consultation.Kind.COMPLAINT:
        return Consultation.ReferredTo.ATTENDING_PHYSICIAN
    return Consultation.ReferredTo.SUPPORT_CENTER


@transaction.atomic
def consultation_submit(
    *,
    kind: str,
    contact_name: str,
    summary: str,
    by: User,
    facility: Facility | None = None,
    received_at: datetime.datetime | None = None,
) -> Consultation:
    """A consultation or complaint received: from a facility's administrator on its pages, or
    recorded by the center (a facility's or anyone's). Due for an answer in
    `CONSULTATION_ANSWER_DAYS` days."""
    if facility is None:
        require_center(by)
    else:
        require_administrator(by, facility)
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("The time is in the future.")})
    received_on = timezone.localtime(received_at).date()
    consultation = Consultation(
        kind=kind,
        facility=facility,
        contact_name=contact_name,
        summary=summary.strip(),
        referred_to=_referred_to(kind),
        received_at=received_at,
        due_on=received_on + datetime.timedelta(days=CONSULTATION_ANSWER_DAYS),
    )
    consultation.full_clean()
    save_by(consultation, by)
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, by: User, **fields) -> Consultation:
    """The center corrects what was received or gives more time (`CONSULTATION_FIELDS`)."""
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"Consultation does not change {', '.join(sorted(unknown))}")
    require_center(by)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status == Consultation.Status.CLOSED:
        raise ValidationError(_("This consultation is closed."))
    if (
        fields.get("due_on")
        and fields["due_on"] < timezone.localtime(consultation.received_at).date()
    ):
        raise ValidationError(
            {"due_on": _("The due date cannot be before the day it was received.")}
        )
    model_update(instance=consultation, fields=CONSULTATION_FIELDS, data=fields)
    consultation.full_clean()
    save_by(consultation, by)
    return consultation


@transaction.atomic
def consultation_answer(*, consultation: Consultation, response: str, by: User) -> Consultation:
    """The center's answer, recorded; for a complaint, that it was passed on to the attending
    physician (and when, to whom)."""
    require_center(by)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.RECEIVED:
        raise ValidationError(_("This consultation has already been answered."))
    if not response.strip():
        raise ValidationError({"response": _("Write the answer, or to whom it was passed on.")})
    consultation.status = Consultation.Status.ANSWERED
    consultation.response = response.strip()
    consultation.answered_at = timezone.now()
    consultation.handled_by = by
    consultation.full_clean()
    save_by(consultation, by)
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by: User) -> Consultation:
    """Nothing more to do: closed after its answer."""
    require_center(by)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status == Consultation.Status.RECEIVED:
        raise ValidationError(_("Answer the consultation before closing it."))
    if consultation.status == Consultation.Status.CLOSED:
        raise ValidationError(_("This consultation is already closed."))
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_at = timezone.now()
    consultation.full_clean()
    save_by(consultation, by)
    return consultation
