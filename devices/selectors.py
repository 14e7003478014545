from django.db.models import Q, QuerySet

from devices.models import CarryOutNotice, Device, Incident
from facilities.selectors import facilities_for
from mcs_admin.models import User
from mcs_admin.roles import is_center


def _facility_or_own(user: User, person_field: str) -> Q:
    return Q(facility__in=facilities_for(user)) | Q(
        **{f"{person_field}__user": user, f"{person_field}__user__isnull": False}
    )


def devices_for(user: User) -> QuerySet[Device]:
    """Devices of the facilities the login administers, and the devices assigned to it."""
    if is_center(user):
        return Device.objects.all()
    return Device.objects.filter(_facility_or_own(user, "assigned_to"))


def carry_outs_for(user: User) -> QuerySet[CarryOutNotice]:
    if is_center(user):
        return CarryOutNotice.objects.all()
    return CarryOutNotice.objects.filter(_facility_or_own(user, "staff_member"))


def incidents_for(user: User) -> QuerySet[Incident]:
    if is_center(user):
        return Incident.objects.all()
    return Incident.objects.filter(_facility_or_own(user, "reported_by"))
