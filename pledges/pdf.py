"""様式2 (連携守秘誓約書) and 様式3 (業務情報保持に関する誓約書) as printed forms."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from mcs_admin.models import AccessLog
from mcs_admin.pdf import (
    PrintedForm,
    form_context,
    missing_fields,
    pdf_download,
    png_data_uri,
    printed_name,
    render_pdf,
)
from mcs_admin.services import access_log_record
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


def _signing_context(pledge: StaffPledge, signature: bytes | None) -> tuple[str, dict]:
    """The printed form's template and values for `pledge` (its policy version's wording),
    with the drawn signature in place of 印 when there is one."""
    records = [pledge]
    context = form_context(STAFF_PLEDGE_FORM, records)
    if signature is not None:
        context["documents"][0]["signature"] = png_data_uri(signature)
    return STAFF_PLEDGE_FORM.template_for(records), context


def staff_pledge_signed_pdf(pledge: StaffPledge, signature: bytes) -> bytes:
    """様式3 of `pledge` as printed, signed with the drawn signature (not yet sealed)."""
    template_name, context = _signing_context(pledge, signature)
    return render_pdf(template_name, context)


def staff_pledge_sheet(pledge: StaffPledge) -> str:
    """The sheet of 様式3 that `pledge` prints, as HTML to read on the signing page: the same
    template and wording as the PDF, without the print's page styles."""
    template_name, context = _signing_context(pledge, None)
    html = render_to_string(template_name, {**context, "font_url": ""})
    body = html[html.index("<body>") + len("<body>") : html.rindex("</body>")]
    return mark_safe(body)  # our own template, autoescaped


def signed_pledge_response(pledge: StaffPledge, *, request: HttpRequest) -> HttpResponse:
    """The sealed PDF of a pledge signed on the screen, as a download recorded in the access
    log. The caller has checked that the login may see the pledge."""
    with pledge.scanned_copy.open("rb") as stored:
        pdf = stored.read()
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        targets=[pledge],
        description=_("Signed form 3 downloaded: %(number)s") % {"number": pledge.document_number},
        request=request,
    )
    return pdf_download(pdf, f"form3-{pledge.document_number}-signed.pdf")
