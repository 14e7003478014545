"""The devices app's writes: the register, carry-out notices (第12条), incidents (留意事項 (3))."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devices.models import MEASURES, CarryOutNotice, Device, Incident
from devices.notifications import incident_notify
from facilities.models import Facility, StaffMember
from facilities.selectors import own_staff_member, require_administrator, require_center
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.updates import model_update

DEVICE_FIELDS = [
    "kind",
    "label",
    "ownership",
    "assigned_to",
    "registered_on",
    "personal_use_permitted_on",
    *MEASURES,
]


# The rules' messages, which the self-service forms also show for a choice outside their lists
# (their lists offer only what the rule allows).
ASSIGNEE_REFUSED = gettext_lazy("Assign the device to a current staff member of this facility.")
DEVICE_REFUSED = gettext_lazy("Choose a device of your facility.")


def device_check_assignee(device: Device, *, assigned_before: int | None = None) -> None:
    """A device is assigned to a staff member of its facility who has not left; one already
    assigned to a leaver stays so until it is returned (the leaver's checklist). Checked by
    the services and by the register's import (`DeviceResource`)."""
    if device.assigned_to_id is None:
        return
    # as the database has it now, whatever the caller's copy of the person says
    facility_id, left_on = StaffMember.objects.values_list("facility_id", "left_on").get(
        pk=device.assigned_to_id
    )
    newly_assigned = device.assigned_to_id != assigned_before
    if facility_id != device.facility_id or (newly_assigned and left_on):
        raise ValidationError({"assigned_to": ASSIGNEE_REFUSED})


@transaction.atomic
def device_register(*, facility: Facility, by: User, **fields) -> Device:
    require_administrator(by, facility)
    device = Device(facility=facility, **fields)
    device_check_assignee(device)
    device.full_clean()
    save_by(device, by)
    return device


@transaction.atomic
def device_update(*, device: Device, by: User, **fields) -> Device:
    require_administrator(by, device.facility)
    device = Device.objects.select_for_update().get(pk=device.pk)
    assigned_before = device.assigned_to_id
    model_update(instance=device, fields=DEVICE_FIELDS, data=fields)
    device_check_assignee(device, assigned_before=assigned_before)
    device.full_clean()
    save_by(device, by)
    return device


@transaction.atomic
def device_retire(*, device: Device, by: User, retired_on: datetime.date | None = None) -> Device:
    """The device is no longer used for MCS (returned, broken, replaced): it leaves the
    register's current devices, with the day."""
    require_administrator(by, device.facility)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == Device.Status.RETIRED:
        raise ValidationError(_("This device is already retired."))
    today = timezone.localdate()
    retired_on = retired_on or today
    if retired_on > today:
        raise ValidationError({"retired_on": _("The date is in the future.")})
    device.status = Device.Status.RETIRED
    device.retired_on = retired_on
    device.full_clean()
    save_by(device, by)
    return device


@transaction.atomic
def device_recover(*, device: Device, by: User) -> Device:
    """A device reported lost or stolen was found: back in use (its incident stays on record)."""
    require_administrator(by, device.facility)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status != Device.Status.LOST:
        raise ValidationError(_("Only a device reported lost or stolen can be found again."))
    device.status = Device.Status.IN_USE
    device.full_clean()
    save_by(device, by)
    return device


def _reporter(by: User) -> StaffMember:
    person = own_staff_member(by)
    if person is None:
        raise PermissionDenied(_("Only an ID holder with a login may do this."))
    return person


@transaction.atomic
def carry_out_file(
    *,
    by: User,
    content: str,
    medium: str,
    purpose: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    device: Device | None = None,
) -> CarryOutNotice:
    """A user tells the MCS administrator what leaves the facility, on what, why, how long
    (第12条(9)). A notice whose period has already ended is accepted all the same (a late
    report is better than none) and marked as filed after the fact (事後届出)."""
    person = _reporter(by)
    if device is not None and device.facility_id != person.facility_id:
        raise ValidationError({"device": DEVICE_REFUSED})
    notice = CarryOutNotice(
        facility=person.facility,
        staff_member=person,
        device=device,
        content=content,
        medium=medium,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    notice.filed_late = ends_on < timezone.localdate(notice.filed_at)
    notice.full_clean()
    save_by(notice, by)
    return notice


@transaction.atomic
def carry_out_acknowledge(*, notice: CarryOutNotice, by: User) -> CarryOutNotice:
    require_administrator(by, notice.facility)
    notice = CarryOutNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != CarryOutNotice.Status.FILED:
        raise ValidationError(_("This notice has already been acknowledged."))
    notice.status = CarryOutNotice.Status.ACKNOWLEDGED
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = by
    notice.full_clean()
    save_by(notice, by)
    return notice


@transaction.atomic
def incident_report(
    *,
    by: User,
    kind: str,
    occurred_at: datetime.datetime,
    description: str,
    device: Device | None = None,
    involves_personal_data: bool = False,
) -> Incident:
    """A user reports a lost device, a fault, unauthorized access or a leak at once
    (留意事項 (3)); a lost or stolen device is marked so in the register."""
    person = _reporter(by)
    if device is not None and device.facility_id != person.facility_id:
        raise ValidationError({"device": DEVICE_REFUSED})
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("The time of the incident is in the future.")})
    incident = Incident(
        facility=person.facility,
        kind=kind,
        occurred_at=occurred_at,
        reported_by=person,
        device=device,
        description=description,
        involves_personal_data=involves_personal_data,
    )
    incident.full_clean()
    save_by(incident, by)
    if device is not None and kind in (Incident.Kind.LOST, Incident.Kind.STOLEN):
        device.status = Device.Status.LOST
        device.full_clean()
        save_by(device, by)
    transaction.on_commit(lambda: incident_notify(incident))
    return incident


def _locked_open_notice(notice: CarryOutNotice) -> CarryOutNotice:
    notice = CarryOutNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == CarryOutNotice.Status.CLOSED:
        raise ValidationError(_("This notice is already closed."))
    return notice


@transaction.atomic
def carry_out_return(
    *, notice: CarryOutNotice, by: User, returned_on: datetime.date | None = None
) -> CarryOutNotice:
    """The information or device is back: the person who took it out, or the facility's
    administrator, records it and the notice closes."""
    if notice.staff_member.user_id != by.pk:
        require_administrator(by, notice.facility)
    notice = _locked_open_notice(notice)
    today = timezone.localdate()
    returned_on = returned_on or today
    if returned_on > today:
        raise ValidationError({"returned_on": _("The date is in the future.")})
    notice.returned_on = returned_on
    notice.status = CarryOutNotice.Status.CLOSED
    notice.closed_on = returned_on
    notice.full_clean()
    save_by(notice, by)
    return notice


@transaction.atomic
def carry_outs_close_ended(*, today: datetime.date | None = None) -> int:
    """Notices whose period ended close on its last day (run daily by send_reminders); one
    filed after the fact waits until the MCS administrator has acknowledged it, so that its
    reminder reaches them first."""
    today = today or timezone.localdate()
    ended = (
        CarryOutNotice.objects.select_for_update()
        .filter(
            status__in=[CarryOutNotice.Status.FILED, CarryOutNotice.Status.ACKNOWLEDGED],
            ends_on__lt=today,
        )
        .exclude(status=CarryOutNotice.Status.FILED, filed_late=True)
    )
    closed = 0
    for notice in ended:
        notice.status = CarryOutNotice.Status.CLOSED
        notice.closed_on = notice.ends_on
        notice.full_clean()
        notice._change_reason = _("The period ended.")
        save_by(notice, None)
        closed += 1
    return closed


def _locked_open_incident(incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise ValidationError(_("This incident is closed."))
    return incident


INCIDENT_ACTION_FIELDS = [
    "remote_wipe_done",
    "line_stopped",
    "password_changed",
    "actions_taken",
    "involves_personal_data",
    "deliberate",
]


@transaction.atomic
def incident_record_actions(*, incident: Incident, by: User, **fields) -> Incident:
    """The MCS administrator records what was done (remote wipe, line stop, password change
    …) and whether personal data is involved, which starts the report deadlines."""
    require_administrator(by, incident.facility)
    incident = _locked_open_incident(incident)
    model_update(instance=incident, fields=INCIDENT_ACTION_FIELDS, data=fields)
    incident.full_clean()
    save_by(incident, by)
    return incident


@transaction.atomic
def incident_record_report(
    *, incident: Incident, stage: str, by: User, reported_on: datetime.date | None = None
) -> Incident:
    """The support center records the day the preliminary or the final report under the
    personal-information law was made."""
    require_center(by)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.involves_personal_data:
        raise ValidationError(_("This incident involves no personal data: no report is due."))
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationError(_("The date is in the future."))
    field = {"preliminary": "preliminary_report_on", "final": "final_report_on"}.get(stage)
    if field is None:
        raise ValidationError(_("Choose the preliminary or the final report."))
    if getattr(incident, field):
        raise ValidationError(_("This report is already recorded."))
    if stage == "final" and not incident.preliminary_report_on:
        raise ValidationError(_("Record the preliminary report first."))
    setattr(incident, field, reported_on)
    incident.full_clean()
    save_by(incident, by)
    return incident


@transaction.atomic
def incident_close(*, incident: Incident, by: User) -> Incident:
    """Close an incident once it is dealt with; one involving personal data only after both
    reports are recorded."""
    require_administrator(by, incident.facility)
    incident = _locked_open_incident(incident)
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.full_clean()
    save_by(incident, by)
    return incident
