"""ID棚卸 (独自ルール 2, 留意事項 (1)): each facility confirms, ID by ID, that every holder is
still current. Leavers who keep their ID are the registry's most common failure."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Facility, Leave, McsAccount, RosterReview, RosterReviewEntry
from facilities.selectors import require_administrator, require_center
from facilities.services.leaves import leave_open
from mcs_admin.history import save_by
from mcs_admin.models import User

REVIEWED_STATUSES = [
    McsAccount.Status.ISSUED,
    McsAccount.Status.RESTRICTED,
    McsAccount.Status.BANNED,
]


@transaction.atomic
def roster_review_open(*, facility: Facility, due_on: datetime.date, by: User) -> RosterReview:
    """The center opens a review of one facility's ID holders, due on a date."""
    require_center(by)
    if facility.roster_reviews.filter(status=RosterReview.Status.OPEN).exists():
        raise ValidationError(
            _("A roster review of %(facility)s is already open.") % {"facility": facility}
        )
    review = RosterReview(facility=facility, due_on=due_on, opened_on=timezone.localdate())
    review.full_clean()
    save_by(review, by)
    accounts = McsAccount.objects.filter(
        staff_member__facility=facility, status__in=REVIEWED_STATUSES
    )
    for account in accounts:
        entry = RosterReviewEntry(review=review, account=account)
        save_by(entry, by)
    return review


@transaction.atomic
def roster_review_open_round(*, due_on: datetime.date, by: User) -> list[RosterReview]:
    """One review for every active facility that has none open."""
    require_center(by)
    facilities = Facility.objects.filter(status=Facility.Status.ACTIVE).exclude(
        roster_reviews__status=RosterReview.Status.OPEN
    )
    return [roster_review_open(facility=f, due_on=due_on, by=by) for f in facilities]


@transaction.atomic
def roster_entry_confirm(*, entry: RosterReviewEntry, outcome: str, by: User) -> RosterReviewEntry:
    """The administrator confirms one holder; "left" and "no longer in charge" open the
    leaver's checklist. The last confirmation completes the review."""
    entry = (
        RosterReviewEntry.objects.select_for_update()
        .select_related("review__facility", "account__staff_member")
        .get(pk=entry.pk)
    )
    review = entry.review
    require_administrator(by, review.facility)
    if review.status != RosterReview.Status.OPEN:
        raise ValidationError(_("This roster review is closed."))
    if entry.outcome != RosterReviewEntry.Outcome.PENDING:
        raise ValidationError(_("This ID has already been confirmed."))
    if outcome == RosterReviewEntry.Outcome.PENDING or outcome not in RosterReviewEntry.Outcome:
        raise ValidationError(_("Choose current, left or no longer in charge."))
    entry.outcome = outcome
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = by
    entry.full_clean()
    save_by(entry, by)
    person = entry.account.staff_member
    if outcome != RosterReviewEntry.Outcome.CURRENT and not person.left_on:
        reason = Leave.Reason.LEFT if outcome == "left" else Leave.Reason.NOT_IN_CHARGE
        leave_open(staff_member=person, reason=reason, by=by)
    if not review.entries.filter(outcome=RosterReviewEntry.Outcome.PENDING).exists():
        review.status = RosterReview.Status.COMPLETED
        review.completed_on = timezone.localdate()
        review.full_clean()
        save_by(review, by)
    return entry
