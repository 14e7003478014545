"""様式2 (連携守秘誓約書) and 様式3 (業務情報保持に関する誓約書) as printed forms."""

from django.core.exceptions import ValidationError

from mcs_admin.pdf import PrintedForm, missing_fields, printed_name
from pledges.models import FacilityPledge, StaffPledge
from pledges.selectors import facility_pledges_for, staff_pledges_for


def _facility_pledge(pledge: FacilityPledge) -> dict:
    facility = pledge.facility
    missing = missing_fields(facility, "address") + missing_fields(pledge, "manager_name")
    if missing:
        raise ValidationError(missing)
    return {
        "date": pledge.signed_on or pledge.prepared_on,
        "facility_name": facility.name,
        "address": facility.address,
        "manager_name": printed_name(pledge.manager_name),
    }


def _staff_pledge(pledge: StaffPledge) -> dict:
    person, facility = pledge.staff_member, pledge.staff_member.facility
    missing = missing_fields(facility, "manager_name") + missing_fields(
        person, "family_name", "given_name", "address"
    )
    if missing:
        raise ValidationError(missing)
    return {
        "date": pledge.signed_on or pledge.prepared_on,
        "facility_name": facility.name,
        "manager_name": printed_name(facility.manager_name),
        "address": person.address,
        "name": person.full_name,
    }


FACILITY_PLEDGE_FORM = PrintedForm(
    number=2,
    model=FacilityPledge,
    visible_to=facility_pledges_for,
    template_name="pdf/form2_facility_pledge.html",
    document=_facility_pledge,
    blank=lambda: {"date": None, "facility_name": "", "address": "", "manager_name": ""},
    select_related=("facility", "policy_version"),
)

STAFF_PLEDGE_FORM = PrintedForm(
    number=3,
    model=StaffPledge,
    visible_to=staff_pledges_for,
    template_name="pdf/form3_staff_pledge.html",
    document=_staff_pledge,
    blank=lambda: {
        "date": None,
        "facility_name": "",
        "manager_name": "",
        "address": "",
        "name": "",
    },
    select_related=("staff_member__facility", "policy_version"),
)
