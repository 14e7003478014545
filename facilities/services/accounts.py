"""MCS IDs: the one way an ID is issued or given a new login id, and the two rules every path
that does so checks — 第9条 (a staff pledge or its exemption on record) and 独自ルール 3 (an
address freed by a deletion is accepted by MCS again only 30 days later)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import McsAccount, StaffMember
from facilities.selectors import open_account, require_center
from mcs_admin.dates import shown_date
from mcs_admin.history import save_by
from mcs_admin.models import User
from pledges.selectors import staff_pledge_counts

EMAIL_QUARANTINE = datetime.timedelta(days=30)


def login_id_deletions() -> dict[str, datetime.date]:
    """Every deleted login id (upper-cased) and its latest deletion, read at once for
    `login_id_reusable_on`: an import checks thousands of login ids, a query each."""
    deleted = McsAccount.objects.filter(status=McsAccount.Status.DELETED, deleted_on__isnull=False)
    return dict(deleted.values_list(Upper("login_id")).annotate(last=Max("deleted_on")).order_by())


def login_id_reusable_on(
    login_id: str,
    *,
    on: datetime.date | None = None,
    deletions: dict[str, datetime.date] | None = None,
) -> datetime.date | None:
    """The day MCS accepts an address freed by a deletion again, if that is after `on`;
    `deletions`, from `login_id_deletions`, saves the query (for an ASCII login id, which
    Python upper-cases as PostgreSQL does)."""
    on = on or timezone.localdate()
    if deletions is not None and login_id.isascii():
        deleted_on = deletions.get(login_id.upper())
    else:
        deleted_on = (
            McsAccount.objects.filter(login_id__iexact=login_id, status=McsAccount.Status.DELETED)
            .exclude(deleted_on__isnull=True)
            .order_by("-deleted_on")
            .values_list("deleted_on", flat=True)
            .first()
        )
    if deleted_on is None or deleted_on + EMAIL_QUARANTINE <= on:
        return None
    return deleted_on + EMAIL_QUARANTINE


def login_id_check(
    login_id: str,
    *,
    on: datetime.date | None = None,
    deletions: dict[str, datetime.date] | None = None,
) -> None:
    """独自ルール 3: refuses an address freed by a deletion less than 30 days before `on`."""
    reusable_on = login_id_reusable_on(login_id, on=on, deletions=deletions)
    if reusable_on:
        raise ValidationError(
            {
                "login_id": _(
                    "This address was freed by a deletion; MCS accepts it again from %(date)s."
                )
                % {"date": shown_date(reusable_on)}
            }
        )


def has_pledge(staff_member: StaffMember) -> bool:
    """第9条: a received staff pledge (様式3) or an exemption that counts today."""
    return staff_member.pledges.filter(staff_pledge_counts()).exists()


def pledge_check(staff_member: StaffMember) -> None:
    if not has_pledge(staff_member):
        raise ValidationError(
            _("An ID is issued only to staff with a pledge (form 3) or an exemption on record.")
        )


@transaction.atomic
def account_issue(
    *,
    staff_member: StaffMember,
    login_id: str,
    by: User,
    requested_on: datetime.date | None = None,
) -> McsAccount:
    """The center issues the MCS ID it registered in MCS (an ID request's issue, or the admin's
    add form): a pledge on record, an address MCS accepts."""
    require_center(by)
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if staff_member.left_on:
        raise ValidationError(_("No ID is issued to a staff member who has left."))
    if open_account(staff_member) is not None:
        raise ValidationError(_("This staff member already has an MCS ID."))
    pledge_check(staff_member)
    login_id = login_id.strip()
    login_id_check(login_id)
    today = timezone.localdate()
    account = McsAccount(
        staff_member=staff_member,
        login_id=login_id,
        status=McsAccount.Status.ISSUED,
        requested_on=min(today, requested_on or today),
        issued_on=today,
    )
    account.full_clean()
    save_by(account, by)
    return account


@transaction.atomic
def account_update(
    *,
    account: McsAccount,
    by: User,
    login_id: str | None = None,
    password_changed_on: datetime.date | None = None,
) -> McsAccount:
    """The center records a new login id (an address MCS accepts) or the day the MCS password
    last changed; the ID's status and dates move only through its workflow."""
    require_center(by)
    account = McsAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == McsAccount.Status.DELETED:
        raise ValidationError(_("A deleted ID cannot be changed."))
    if login_id is not None and login_id.strip() != account.login_id:
        account.login_id = login_id.strip()
        login_id_check(account.login_id)
    if password_changed_on is not None:
        if password_changed_on > timezone.localdate():
            raise ValidationError({"password_changed_on": _("The date is in the future.")})
        account.password_changed_on = password_changed_on
    account.full_clean()
    save_by(account, by)
    return account
