"""The pledges app's writes: preparing the forms to sign (様式2, 様式3)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from facilities.models import Facility, StaffMember
from facilities.selectors import require_administrator
from mcs_admin.history import save_by
from mcs_admin.models import User
from pledges.models import FacilityPledge, PaperStatus, StaffPledge


@transaction.atomic
def staff_pledge_prepare(*, staff_member: StaffMember, by: User) -> StaffPledge:
    """A staff pledge (様式3) to print and sign; it exists from now on as 未受領 with its number."""
    require_administrator(by, staff_member.facility)
    if staff_member.pledges.filter(status=PaperStatus.PREPARED).exists():
        raise ValidationError(_("A pledge of this person is already waiting to come back signed."))
    pledge = StaffPledge(staff_member=staff_member)
    pledge.full_clean()
    save_by(pledge, by)
    return pledge


@transaction.atomic
def facility_manager_change(*, facility: Facility, manager_name: str, by: User) -> FacilityPledge:
    """A new manager signs a new facility pledge (様式2), prepared here to print."""
    require_administrator(by, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    facility.manager_name = manager_name
    facility.full_clean()
    save_by(facility, by)
    pledge = FacilityPledge(facility=facility, manager_name=facility.manager_name)
    pledge.full_clean()
    save_by(pledge, by)
    return pledge
