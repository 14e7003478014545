"""様式1 (利用申込書) as a printed form: the application with its roster, ten lines a page."""

from django.core.exceptions import ValidationError

from facilities.models import UsageApplication
from mcs_admin.pdf import PrintedForm, missing_fields, printed_name

ROSTER_LINES_PER_PAGE = 10


def _pages(lines: list[dict]) -> list[list[dict]]:
    """The roster in pages of ten lines, the last filled up with empty lines to write on."""
    empty = {"profession": "", "name": "", "gender": "", "email": ""}
    pages = [
        lines[start : start + ROSTER_LINES_PER_PAGE]
        for start in range(0, max(len(lines), 1), ROSTER_LINES_PER_PAGE)
    ]
    pages[-1] = pages[-1] + [empty] * (ROSTER_LINES_PER_PAGE - len(pages[-1]))
    return pages


def _application(application: UsageApplication) -> dict:
    facility = application.facility
    missing = missing_fields(facility, "postal_code", "address", "phone", "manager_name")
    if missing:
        raise ValidationError(missing)
    lines = [
        {
            "profession": line.get_profession_display(),
            "name": line.full_name,
            "gender": line.get_gender_display(),
            "email": line.email,
        }
        for line in application.roster_lines.all()
    ]
    return {
        "date": application.prepared_on,
        "facility_name": facility.name,
        "postal_code": facility.postal_code,
        "address": facility.address,
        "phone": facility.phone,
        "manager_name": printed_name(facility.manager_name),
        "pages": _pages(lines),
    }


def _blank() -> dict:
    return {
        "date": None,
        "facility_name": "",
        "postal_code": "",
        "address": "",
        "phone": "",
        "manager_name": "",
        "pages": _pages([]),
    }


APPLICATION_FORM = PrintedForm(
    number=1,
    model=UsageApplication,
    template_name="pdf/form1_application.html",
    document=_application,
    blank=_blank,
    select_related=("facility",),
    prefetch_related=("roster_lines",),
)
