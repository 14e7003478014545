"""The devices app's writes: the register, carry-out notices (第12条), incidents (留意事項 (3))."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from devices.models import CarryOutNotice, Device, Incident
from facilities.models import Facility, StaffMember
from facilities.selectors import own_staff_member, require_administrator
from mcs_admin.history import save_by
from mcs_admin.models import User

DEVICE_FIELDS = [
    "kind",
    "label",
    "ownership",
    "assigned_to",
    "status",
    "registered_on",
    "retired_on",
    "personal_use_permitted_on",
    "boot_password",
    "no_file_sharing",
    "antivirus",
    "browser_saves_no_password",
    "follows_procedures",
    "remote_wipe",
    "emergency_line_stop",
    "mdm",
]


def _check_assignee(device: Device) -> None:
    if device.assigned_to_id and device.assigned_to.facility_id != device.facility_id:
        raise ValidationError({"assigned_to": _("Assign the device to staff of this facility.")})


@transaction.atomic
def device_register(*, facility: Facility, by: User, **fields) -> Device:
    require_administrator(by, facility)
    device = Device(facility=facility, **fields)
    _check_assignee(device)
    device.full_clean()
    save_by(device, by)
    return device


@transaction.atomic
def device_update(*, device: Device, by: User, **fields) -> Device:
    require_administrator(by, device.facility)
    device = Device.objects.select_for_update().get(pk=device.pk)
    for name in DEVICE_FIELDS:
        if name in fields:
            setattr(device, name, fields[name])
    _check_assignee(device)
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
    (第12条(9))."""
    person = _reporter(by)
    if device is not None and device.facility_id != person.facility_id:
        raise ValidationError({"device": _("Choose a device of your facility.")})
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
        raise ValidationError({"device": _("Choose a device of your facility.")})
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
    return incident
