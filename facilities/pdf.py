"""What the facilities app prints: 様式1 (利用申込書, ten roster lines a page) and the ID notice."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import IdRequest, UsageApplication
from facilities.selectors import applications_for
from mcs_admin.models import AssociationProfile, User
from mcs_admin.pdf import PrintedForm, missing_fields, print_document, printed_name

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
    visible_to=applications_for,
    template_name="pdf/form1_application.html",
    document=_application,
    blank=_blank,
    select_related=("facility",),
    prefetch_related=("roster_lines",),
)


def id_notice_pdf(requests: list[IdRequest], *, user: User, request=None) -> bytes:
    """ID発行通知: for each facility, the MCS IDs issued to its staff, with the login ids and
    never a password (独自ルール 3). The print is recorded in the access log."""
    issued = [r for r in requests if r.kind == IdRequest.Kind.ISSUE and r.status == "done"]
    if not issued or len(issued) != len(requests):
        raise ValidationError(_("Only issue requests that were done have an ID notice."))
    by_facility: dict = {}
    for id_request in issued:
        by_facility.setdefault(id_request.facility, []).append(id_request)
    return print_document(
        template_name="pdf/id_notice.html",
        context={
            "profile": AssociationProfile.objects.filter(pk=1).first(),
            "today": timezone.localdate(),
            "documents": [{}],  # pdf/base.html renders its sheets once per document
            "notices": [
                {"facility": facility, "requests": rows} for facility, rows in by_facility.items()
            ],
        },
        shown={IdRequest._meta.label: issued},
        description=_("ID notice: %(count)d ID(s)") % {"count": len(issued)},
        user=user,
        request=request,
    )
