from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from devices.models import REQUIRED_MEASURES, CarryOutNotice, Device, Incident
from facilities.selectors import in_facilities_of
from mcs_admin.models import User
from mcs_admin.roles import is_center


def _facility_or_own(user: User, person_field: str) -> Q:
    return in_facilities_of(user) | Q(
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


def insecure_devices() -> QuerySet[Device]:
    """Devices in use lacking one of the measures (1)–(4) of 第12条."""
    in_place = {name: True for name in REQUIRED_MEASURES}
    return Device.objects.filter(status=Device.Status.IN_USE).exclude(**in_place)


def unacknowledged_carry_outs() -> QuerySet[CarryOutNotice]:
    """Carry-out notices the MCS administrator has not acknowledged yet (第12条(9))."""
    return CarryOutNotice.objects.filter(status=CarryOutNotice.Status.FILED)


def incidents_awaiting_reports() -> QuerySet[Incident]:
    """Incidents involving personal data whose preliminary or final report is not recorded
    (留意事項 (3), 個人情報保護法 第26条)."""
    return Incident.objects.filter(involves_personal_data=True).filter(
        Q(preliminary_report_on__isnull=True) | Q(final_report_on__isnull=True)
    )


def retention_stopped() -> str:
    """While an incident is open its access log is evidence: retention drops nothing."""
    count = Incident.objects.filter(status=Incident.Status.OPEN).count()
    return _("%(count)d incident(s) still open.") % {"count": count} if count else ""
