"""Notices from the support center to the facilities, and their read receipts (issue 22).

The center writes a notice (a draft, edited in the admin) and publishes it: publishing fixes
its audience — every active facility, those of the chosen categories (独自ルール 9) or the
chosen ones — as one receipt per facility. Receipts are per facility: one of the facility's
MCS administrators confirms reading it for the facility, and the center sees which facilities
have not. A withdrawn notice leaves the facilities' pages; its receipts stay as they were.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from facilities.models import Facility
from facilities.selectors import facilities_for, in_facilities_of, require_center
from mcs_admin.dates import shown_datetime
from mcs_admin.history import save_by
from mcs_admin.models import User
from mcs_admin.roles import is_center
from office.models import Notice, NoticeReceipt

# selectors

READ = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())  # False first


def notices_for(user: User) -> QuerySet[Notice]:
    """Every notice for the center; for a facility's administrators, the published notices
    addressed to a facility they administer."""
    if is_center(user):
        return Notice.objects.all()
    receipts = NoticeReceipt.objects.filter(in_facilities_of(user))
    return Notice.objects.filter(status=Notice.Status.PUBLISHED, pk__in=receipts.values("notice"))


def notice_receipts_for(user: User) -> QuerySet[NoticeReceipt]:
    """Every receipt for the center; for a facility's administrators, their facilities'
    receipts of published notices."""
    if is_center(user):
        return NoticeReceipt.objects.all()
    return NoticeReceipt.objects.filter(
        in_facilities_of(user), notice__status=Notice.Status.PUBLISHED
    )


def facility_notices(user: User, facility: Facility) -> QuerySet[NoticeReceipt]:
    """The facility's receipts of published notices, unread first, the newest first."""
    return (
        notice_receipts_for(user)
        .filter(facility=facility, notice__status=Notice.Status.PUBLISHED)
        .select_related("notice", "read_by")
        .order_by(READ.asc(), "-notice__published_at", "-notice_id")
    )


def unread_notice_receipts(published_by: datetime.date) -> QuerySet[NoticeReceipt]:
    """Receipts not yet confirmed of notices still published, published on the day or before:
    what the reminders name."""
    return NoticeReceipt.objects.filter(
        read_at__isnull=True,
        notice__status=Notice.Status.PUBLISHED,
        notice__published_at__date__lte=published_by,
    )


def with_receipt_counts(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Each notice's facilities (`receipt_count`) and those that confirmed reading
    (`read_count`), counted in the same query."""
    return notices.annotate(
        receipt_count=Count("receipts"),
        read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
    )


def notice_audience(notice: Notice) -> QuerySet[Facility]:
    """The active facilities the notice is addressed to, as publishing would fix them."""
    facilities = Facility.objects.filter(status=Facility.Status.ACTIVE)
    if notice.audience == Notice.Audience.CATEGORIES:
        return facilities.filter(category__in=notice.categories)
    if notice.audience == Notice.Audience.CHOSEN:
        return facilities.filter(pk__in=notice.facilities.values("pk"))
    return facilities


# services


def _locked(notice: Notice, *states: str) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in states:
        raise ValidationError(
            _("This is not possible while the notice is “%(status)s”.")
            % {"status": notice.get_status_display()}
        )
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, by: User) -> Notice:
    """The center publishes a draft: each facility of its audience gets the notice to read."""
    require_center(by)
    notice = _locked(notice, Notice.Status.DRAFT)
    facilities = list(notice_audience(notice).values_list("pk", flat=True))
    if not facilities:
        raise ValidationError(_("No active facility is in this notice's audience."))
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = timezone.now()
    notice.published_by = by
    notice.full_clean()
    save_by(notice, by)
    bulk_create_with_history(
        [NoticeReceipt(notice=notice, facility_id=pk) for pk in facilities],
        NoticeReceipt,
        batch_size=1000,
        default_user=by,
    )
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, by: User) -> Notice:
    """The center takes a published notice back: the facilities no longer see it."""
    require_center(by)
    notice = _locked(notice, Notice.Status.PUBLISHED)
    notice.status = Notice.Status.WITHDRAWN
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = by
    notice.full_clean()
    save_by(notice, by)
    return notice


@transaction.atomic
def notice_confirm_read(*, notice: Notice, facility: Facility, by: User) -> NoticeReceipt:
    """An MCS administrator of the facility confirms, for the facility, having read it."""
    if is_center(by) or not facilities_for(by).filter(pk=facility.pk).exists():
        raise PermissionDenied(_("Only an MCS administrator of the facility may do this."))
    _locked(notice, Notice.Status.PUBLISHED)
    receipt = NoticeReceipt.objects.select_for_update().filter(notice=notice, facility=facility)
    receipt = receipt.first()
    if receipt is None:
        raise PermissionDenied(_("This notice is not addressed to this facility."))
    if receipt.read_at is not None:
        raise ValidationError(
            _("Reading was already confirmed by %(name)s on %(date)s.")
            % {"name": receipt.read_by, "date": shown_datetime(receipt.read_at)}
        )
    receipt.read_at = timezone.now()
    receipt.read_by = by
    receipt.full_clean()
    save_by(receipt, by)
    return receipt
