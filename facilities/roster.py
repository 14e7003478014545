"""独自ルール 2: the support center's roster of every facility's MCS administrators and ID holders,
as a page, a CSV that Excel opens (UTF-8 with BOM, formula-safe) and a PDF."""

import tablib
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import AdministratorAppointment, Facility, McsAccount, StaffMember
from mcs_admin.models import AccessLog, AssociationProfile, User
from mcs_admin.pdf import print_document
from mcs_admin.services import access_log_record
from mcs_admin.spreadsheets import write_csv


def roster_facilities(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Facilities with their current staff, open IDs and open appointments, in four queries."""
    accounts = McsAccount.objects.exclude(status=McsAccount.Status.DELETED)
    staff = (
        StaffMember.objects.filter(left_on__isnull=True, mcs_accounts__in=accounts)
        .distinct()
        .prefetch_related(Prefetch("mcs_accounts", queryset=accounts, to_attr="open_accounts"))
        .prefetch_related(
            Prefetch(
                "appointments",
                # only whether one is open: unordered, without joining every facility
                queryset=AdministratorAppointment.objects.filter(ended_on__isnull=True).order_by(),
                to_attr="open_appointments",
            )
        )
        .order_by("family_name_kana", "given_name_kana", "pk")
    )
    return facilities.prefetch_related(Prefetch("staff", queryset=staff, to_attr="holders"))


HEADERS = [
    "事業所名",
    "区分",
    "MCS管理者",
    "氏名",
    "職種",
    "MCSログインID",
    "状態",
    "発行日",
    "MCSパスワード最終変更日",
]


def roster_rows(facilities: QuerySet[Facility]):
    """(the holder's open MCS ID, its row) for every holder."""
    for facility in roster_facilities(facilities):
        for person in facility.holders:
            account = person.open_accounts[0]
            yield (
                account,
                [
                    facility.name,
                    facility.get_category_display(),
                    "○" if person.open_appointments else "",
                    person.full_name,
                    person.get_profession_display(),
                    account.login_id,
                    account.get_status_display(),
                    account.issued_on,
                    account.password_changed_on,
                ],
            )


def roster_csv(facilities: QuerySet[Facility], *, user: User | None, request=None) -> bytes:
    dataset = tablib.Dataset(headers=HEADERS)
    accounts = []
    for account, row in roster_rows(facilities):
        accounts.append(account)
        dataset.append(["" if value is None else value for value in row])
    access_log_record(
        user=user,
        action=AccessLog.Action.EXPORT,
        targets=accounts,
        target_type=McsAccount._meta.label,
        description=_("Roster of MCS administrators and ID holders (CSV)"),
        row_count=len(dataset),
        request=request,
    )
    return write_csv(dataset)


def roster_pdf(facilities: QuerySet[Facility], *, user: User | None, request=None) -> bytes:
    listed = [f for f in roster_facilities(facilities) if f.holders]
    accounts = [person.open_accounts[0] for f in listed for person in f.holders]
    return print_document(
        template_name="pdf/roster.html",
        context={
            "profile": AssociationProfile.objects.filter(pk=1).first(),
            "today": timezone.localdate(),
            "facilities": listed,
            "documents": [{}],  # pdf/base.html renders its sheets once per document
        },
        shown={McsAccount._meta.label: accounts},
        description=_("Roster of MCS administrators and ID holders (PDF)"),
        user=user,
        request=request,
    )
