"""A facility's own record: its details, and the center's suspension of its use of MCS."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from facilities.models import Facility
from facilities.selectors import require_administrator, require_center
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.updates import model_update

# The details; the manager changes with a new pledge (pledges.services.facility_manager_change).
FACILITY_FIELDS = [
    "name",
    "name_kana",
    "category",
    "postal_code",
    "address",
    "phone",
    "fax",
    "email",
    "applied_on",
]


@transaction.atomic
def facility_register(*, by: User, manager_name: str = "", **fields) -> Facility:
    """The center registers a facility that applies to use MCS (第3条): it is "applying" until
    its application is approved."""
    require_center(by)
    unknown = set(fields) - set(FACILITY_FIELDS)
    if unknown:
        raise ValueError(f"not a facility's details: {sorted(unknown)}")
    facility = Facility(manager_name=manager_name, **fields)
    facility.full_clean()
    save_by(facility, by)
    return facility


@transaction.atomic
def facility_update(*, facility: Facility, by: User, **fields) -> Facility:
    require_administrator(by, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    model_update(instance=facility, fields=FACILITY_FIELDS, data=fields)
    facility.full_clean()
    save_by(facility, by)
    return facility


def _set_status(facility: Facility, status: str, reason: str, by: User) -> Facility:
    facility.status = status
    facility.full_clean()
    facility._change_reason = reason
    save_by(facility, by)
    return facility


@transaction.atomic
def facility_suspend(*, facility: Facility, reason: str, by: User) -> Facility:
    """The center suspends a facility's use of MCS: its logins stop at their next request and
    its staff cannot be invited to groups until the suspension is lifted."""
    require_center(by)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status != Facility.Status.ACTIVE:
        raise ValidationError(_("Only a facility that uses MCS can be suspended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the facility is suspended.")})
    return _set_status(
        facility, Facility.Status.SUSPENDED, _("Suspended: %(reason)s") % {"reason": reason}, by
    )


@transaction.atomic
def facility_lift_suspension(*, facility: Facility, by: User) -> Facility:
    """The suspension ends: the facility's logins work again."""
    require_center(by)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status != Facility.Status.SUSPENDED:
        raise ValidationError(_("This facility is not suspended."))
    return _set_status(facility, Facility.Status.ACTIVE, _("Suspension lifted."), by)
