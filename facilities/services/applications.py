"""A facility joins (第3条, 様式1–2): application received → checked → approved by the center;
and leaves again, in one guided step.

Approval needs the facility's pledge (様式2), activates the facility, appoints the administrator
named on the roster and turns the roster into ID issue requests.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import (
    ApplicationRosterLine,
    Facility,
    IdRequest,
    McsAccount,
    StaffMember,
    UsageApplication,
)
from facilities.notifications import application_approved_notify
from facilities.selectors import require_center
from facilities.services.id_requests import id_request_create
from facilities.services.staff import appointment_end, appointment_start
from groups.models import CareGroup, OwnershipTransfer
from groups.services import group_archive, transfer_cancel, transfer_refuse
from mcs_admin.history import save_by
from mcs_admin.locking import locked_family
from mcs_admin.models import PaperStatus, User


def _locked(application: UsageApplication, *states: str) -> UsageApplication:
    application = UsageApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in states:
        raise ValidationError(
            _("This is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    return application


def _decide(application: UsageApplication, status: str, by: User) -> UsageApplication:
    application.status = status
    if status in (UsageApplication.Status.APPROVED, UsageApplication.Status.REJECTED):
        application.decided_on = timezone.localdate()
        application.decided_by = by
    application.full_clean()
    save_by(application, by)
    return application


@transaction.atomic
def application_prepare(*, facility: Facility, by: User, note: str = "") -> UsageApplication:
    """様式1 to print, fill in, sign and send back (未受領), with its number."""
    require_center(by)
    application = UsageApplication(facility=facility, note=note)
    application.full_clean()
    save_by(application, by)
    return application


@transaction.atomic
def application_note(*, application: UsageApplication, note: str, by: User) -> UsageApplication:
    """The center's note on an application, in any state (the paper's data is the roster's)."""
    require_center(by)
    application = UsageApplication.objects.select_for_update().get(pk=application.pk)
    application.note = note
    application.full_clean()
    save_by(application, by)
    return application


@transaction.atomic
def roster_line_record(*, line: ApplicationRosterLine, by: User) -> ApplicationRosterLine:
    """A new or corrected line of an application's roster, only until the signed paper is back:
    approval appoints and requests IDs for what the signed roster says."""
    require_center(by)
    _locked(line.application, UsageApplication.Status.PREPARED)
    line.full_clean()
    save_by(line, by)
    return line


@transaction.atomic
def application_check(*, application: UsageApplication, by: User) -> UsageApplication:
    require_center(by)
    application = _locked(application, UsageApplication.Status.RECEIVED)
    if not application.roster_lines.exists():
        raise ValidationError(_("The application's roster is empty."))
    return _decide(application, UsageApplication.Status.CHECKED, by)


@transaction.atomic
def application_reject(*, application: UsageApplication, reason: str, by: User) -> UsageApplication:
    require_center(by)
    application = _locked(
        application, UsageApplication.Status.RECEIVED, UsageApplication.Status.CHECKED
    )
    if not reason.strip():
        raise ValidationError({"note": _("Say why the application is rejected.")})
    application.note = reason
    return _decide(application, UsageApplication.Status.REJECTED, by)


@transaction.atomic
def application_approve(*, application: UsageApplication, by: User) -> UsageApplication:
    require_center(by)
    application = _locked(application, UsageApplication.Status.CHECKED)
    facility = Facility.objects.select_for_update().get(pk=application.facility_id)
    if not facility.pledges.filter(status=PaperStatus.RECEIVED).exists():
        raise ValidationError(
            _("The facility's confidentiality pledge (form 2) has not been received.")
        )
    today = timezone.localdate()
    if facility.status == Facility.Status.APPLYING:
        facility.status = Facility.Status.ACTIVE
        facility.joined_on = today
        facility.full_clean()
        save_by(facility, by)
    for line in application.roster_lines.all():
        person = facility.staff.filter(email__iexact=line.email, left_on__isnull=True).first()
        if person is None:
            person = StaffMember(
                facility=facility,
                family_name=line.family_name,
                given_name=line.given_name,
                family_name_kana=line.family_name_kana,
                given_name_kana=line.given_name_kana,
                profession=line.profession,
                gender=line.gender,
                email=line.email,
                joined_on=today,
            )
            person.full_clean()
            save_by(person, by)
        if line.is_administrator and not person.appointments.filter(ended_on__isnull=True):
            appointment_start(facility=facility, staff_member=person, by=by)
        if not person.mcs_accounts.exists() and not person.id_requests.filter(
            kind=IdRequest.Kind.ISSUE, status=IdRequest.Status.PENDING
        ):
            request = IdRequest(
                facility=facility, staff_member=person, kind=IdRequest.Kind.ISSUE, requested_by=by
            )
            request.full_clean()
            save_by(request, by)
    transaction.on_commit(partial(application_approved_notify, application))
    return _decide(application, UsageApplication.Status.APPROVED, by)


def withdrawal_open_items(facility: Facility) -> dict:
    """What a withdrawing facility still has open: shown before the center confirms."""
    return {
        "groups": CareGroup.objects.filter(
            owner=facility, status=CareGroup.Status.ACTIVE
        ).select_related("patient"),
        "accounts": McsAccount.objects.filter(
            staff_member__facility=facility,
            status__in=[McsAccount.Status.ISSUED, McsAccount.Status.RESTRICTED, "banned"],
        ).select_related("staff_member"),
        "appointments": facility.appointments.filter(ended_on__isnull=True).select_related(
            "staff_member"
        ),
    }


@transaction.atomic
def facility_withdraw(*, facility: Facility, reason: str, by: User) -> Facility:
    """A facility that withdraws or closes, in one step: its active groups archived, the deletion
    of its IDs requested, its administrators' appointments ended, the facility marked as left."""
    require_center(by)
    # its staff locked after it, in the one order, before their IDs' deletions are asked
    facility, _staff = locked_family(facility, facility.staff.all())
    if facility.status == Facility.Status.WITHDRAWN:
        raise ValidationError(_("This facility has already left MCS."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the facility leaves.")})
    items = withdrawal_open_items(facility)
    # moves still asked for end with the facility: its groups are archived, it receives none
    for transfer in OwnershipTransfer.objects.filter(
        Q(from_facility=facility) | Q(to_facility=facility), status="requested"
    ):
        if transfer.from_facility_id == facility.pk:
            transfer_cancel(transfer=transfer, by=by)
        else:
            transfer_refuse(transfer=transfer, by=by, reason=reason)
    for group in items["groups"]:
        group_archive(group=group, by=by, reason=reason)
    for account in items["accounts"]:
        if not account.staff_member.id_requests.filter(
            kind=IdRequest.Kind.DELETE, status=IdRequest.Status.PENDING
        ).exists():
            id_request_create(staff_member=account.staff_member, kind=IdRequest.Kind.DELETE, by=by)
    for appointment in items["appointments"]:
        appointment_end(appointment=appointment, by=by)
    facility.status = Facility.Status.WITHDRAWN
    facility.left_on = timezone.localdate()
    facility.full_clean()
    save_by(facility, by)
    return facility
