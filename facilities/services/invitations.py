"""Applying online (第3条, 様式1–2): the center invites a prospective facility by a link; through
it the facility fills in its details, its roster and its manager for the pledge, saves and comes
back, and submits. Submitting registers the facility (applying), its application (未受領) with the
roster and its pledge (様式2), as the center would have typed them from the paper; the signed
paper then comes back by its numbers and the application follows its workflow.

The applicant has no login: the link is its authority, checked here on every write (locked,
neither used nor expired). Its history entries carry no user and say so in their reason.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import (
    ApplicationInvitation,
    ApplicationRosterLine,
    Facility,
    UsageApplication,
)
from facilities.selectors import require_center
from facilities.services.registry import FACILITY_FIELDS
from mcs_admin.history import save_by
from mcs_admin.mail import absolute
from mcs_admin.models import User
from pledges.services import facility_pledge_apply

INVITATION_VALID_FOR = datetime.timedelta(days=14)
# what the applicant gives: 様式1's facility and roster, and the manager who signs 様式2
ONLINE_FACILITY_FIELDS = [
    *(name for name in FACILITY_FIELDS if name != "applied_on"),  # the day it is submitted
    "manager_name",
]
# the forms print these; the models leave them optional for facilities registered by hand
ONLINE_REQUIRED = ["postal_code", "address", "phone", "manager_name"]
ROSTER_FIELDS = [
    "profession",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "gender",
    "email",
    "is_administrator",
]


def invitation_link(token: str) -> str:
    return absolute(reverse("apply:form", args=[token]))


@transaction.atomic
def invitation_create(*, email: str, by: User) -> tuple[ApplicationInvitation, str]:
    """A new invitation and its token (given only here: the record keeps its digest)."""
    require_center(by)
    token, now = secrets.token_urlsafe(32), timezone.now()
    invitation = ApplicationInvitation(
        email=email,
        token_digest=ApplicationInvitation.digest(token),
        invited_by=by,
        invited_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    save_by(invitation, by)
    return invitation, token


def _open(invitation: ApplicationInvitation) -> ApplicationInvitation:
    invitation = ApplicationInvitation.objects.select_for_update().get(pk=invitation.pk)
    reason = invitation.closed_reason()
    if reason:
        raise ValidationError(reason)
    return invitation


def _by_link(record, invitation: ApplicationInvitation) -> None:
    """Saved with no login, the invitation named in its history entry."""
    record._change_reason = invitation.change_reason()
    save_by(record, None)


def _checked(facility: dict, roster: list[dict]) -> tuple[Facility, list[ApplicationRosterLine]]:
    """The facility and its roster lines as they would be saved, checked by the models' own
    rules; nothing is written."""
    if set(facility) != set(ONLINE_FACILITY_FIELDS) or any(
        set(row) != set(ROSTER_FIELDS) for row in roster
    ):
        raise ValueError("not the online application's fields")
    record = Facility(**facility)
    errors = {
        name: [_("This field is required.")] for name in ONLINE_REQUIRED if not facility[name]
    }
    try:
        record.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    lines, seen = [], set()
    for number, row in enumerate(roster, start=1):
        line = ApplicationRosterLine(**row)
        try:
            line.full_clean(exclude=["application"])
            if line.email.lower() in seen:
                raise ValidationError(_("This e-mail address is already on the roster."))
        except ValidationError as error:
            errors.setdefault("roster", []).extend(
                _("Roster line %(number)d: %(error)s") % {"number": number, "error": message}
                for message in error.messages
            )
        seen.add(line.email.lower())
        lines.append(line)
    if errors:
        raise ValidationError(errors)
    return record, lines


def _keep(
    invitation: ApplicationInvitation, record: Facility, lines: list[ApplicationRosterLine]
) -> None:
    """The entries as the models normalised them (kana, postal code, e-mail), to show again."""
    invitation.draft = {
        "facility": {name: getattr(record, name) for name in ONLINE_FACILITY_FIELDS},
        "roster": [{name: getattr(line, name) for name in ROSTER_FIELDS} for line in lines],
    }
    invitation.saved_at = timezone.now()


@transaction.atomic
def invitation_save(
    *, invitation: ApplicationInvitation, facility: dict, roster: list[dict]
) -> ApplicationInvitation:
    """The applicant's entries kept, to come back to through the same link."""
    invitation = _open(invitation)
    _keep(invitation, *_checked(facility, roster))
    invitation.full_clean()
    _by_link(invitation, invitation)
    return invitation


@transaction.atomic
def invitation_submit(
    *, invitation: ApplicationInvitation, facility: dict, roster: list[dict]
) -> UsageApplication:
    """The application sent: the facility (applying), its application (未受領) with the roster
    and the manager's pledge (様式2), each with its document number; the link is used up."""
    invitation = _open(invitation)
    record, lines = _checked(facility, roster)
    if not lines:
        raise ValidationError({"roster": _("Add at least one person to the roster.")})
    if not any(line.is_administrator for line in lines):
        raise ValidationError(
            {"roster": _("Mark at least one person on the roster as MCS administrator.")}
        )
    record.applied_on = timezone.localdate()
    record.full_clean()
    _by_link(record, invitation)
    application = UsageApplication(facility=record)
    application.full_clean()
    _by_link(application, invitation)
    for line in lines:
        line.application = application
        line.full_clean()
        _by_link(line, invitation)
    _keep(invitation, record, lines)
    invitation.application = application
    invitation.submitted_at = timezone.now()
    invitation.full_clean()
    _by_link(invitation, invitation)
    facility_pledge_apply(invitation=invitation)
    return application
