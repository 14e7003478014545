"""精査 (留意事項 (1)): every active group's owner reviews its members at the association's
interval, confirming or removing each one.

A group always has one open review while it is active: its first is due an interval after
the group was created, each next one an interval after the last was completed.
`reviews_schedule_missing` gives one to any active group that lacks it (groups added in the
admin, or from before reviews were scheduled); `send_reminders` runs it every day.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from groups.models import (
    OPEN_MEMBERSHIP,
    CareGroup,
    Membership,
    MembershipReview,
    MembershipReviewEntry,
)
from groups.services.memberships import end_membership, locked_group, require_manager
from mcs_admin.history import save_by
from mcs_admin.models import AssociationProfile, User


def review_due_after(start: datetime.date, months: int | None = None) -> datetime.date:
    if months is None:
        months = AssociationProfile.current().membership_review_interval_months
    return start + relativedelta(months=months)


def review_schedule(
    *, group: CareGroup, start: datetime.date, by: User | None
) -> MembershipReview | None:
    """The group's next review, due an interval after `start`; none for an archived group or
    one whose review is already open."""
    if group.status != CareGroup.Status.ACTIVE or group.reviews.filter(status="open").exists():
        return None
    review = MembershipReview(group=group, due_on=review_due_after(start))
    review.full_clean()
    save_by(review, by)
    return review


SCHEDULE_BATCH = 2000


@transaction.atomic
def reviews_schedule_missing(*, by: User | None = None) -> int:
    """An open review for every active group without one, due an interval after its last
    completed review or, never reviewed, after its creation (so it may be overdue at once).

    Written in bulk with their history: a registry's first run schedules one per group."""
    last_review = (
        MembershipReview.objects.filter(group=OuterRef("pk"), completed_on__isnull=False)
        .order_by("-completed_on")
        .values("completed_on")[:1]
    )
    starts = (
        CareGroup.objects.select_for_update()
        .filter(status=CareGroup.Status.ACTIVE)
        .exclude(reviews__status=MembershipReview.Status.OPEN)
        .annotate(last_review=Subquery(last_review))  # no GROUP BY: it would refuse the lock
        .values_list("pk", "last_review", "created_on")
    )
    months = AssociationProfile.current().membership_review_interval_months
    reviews = [
        MembershipReview(group_id=pk, due_on=review_due_after(last or created, months))
        for pk, last, created in starts
    ]
    for review in reviews:
        # The groups are locked and have no open review (the query's condition): neither
        # the group nor the constraints need a query per review, and the database still
        # holds one open review per group.
        review.full_clean(exclude=["group"], validate_constraints=False)
    bulk_create_with_history(reviews, MembershipReview, batch_size=SCHEDULE_BATCH, default_user=by)
    return len(reviews)


def review_pending(review: MembershipReview) -> QuerySet[Membership]:
    """The group's current members and invitations not yet decided on in this review."""
    return review.group.memberships.filter(OPEN_MEMBERSHIP).exclude(review_entries__review=review)


def _locked_open_review(review: MembershipReview, by: User) -> MembershipReview:
    require_manager(by, review.group)
    locked_group(review.group)  # the parent first (mcs_admin.locking)
    review = MembershipReview.objects.select_for_update().get(pk=review.pk)
    if review.status != MembershipReview.Status.OPEN:
        raise ValidationError(_("This review is already completed."))
    return review


@transaction.atomic
def review_decide(
    *, review: MembershipReview, membership: Membership, outcome: str, by: User, reason: str = ""
) -> MembershipReviewEntry:
    """Confirm that a member still belongs in the group, or remove them with the reason; the
    last decision completes the review."""
    review = _locked_open_review(review, by)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not review_pending(review).filter(pk=membership.pk).exists():
        raise ValidationError(_("This person is not a member awaiting this review."))
    if outcome not in MembershipReviewEntry.Outcome.values:
        raise ValidationError(_("Choose confirm or remove."))
    if outcome == MembershipReviewEntry.Outcome.REMOVED:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the member is removed.")})
        end_membership(
            membership,
            by,
            Membership.Status.REMOVED,
            _("Membership review: %(reason)s") % {"reason": reason},
        )
    entry = MembershipReviewEntry(
        review=review, membership=membership, outcome=outcome, reason=reason, decided_by=by
    )
    entry.full_clean()
    save_by(entry, by)
    if not review_pending(review).exists():
        review_complete(review=review, by=by)
    return entry


@transaction.atomic
def review_complete(*, review: MembershipReview, by: User) -> MembershipReview:
    """Close the round once every member is decided on, and schedule the next."""
    review = _locked_open_review(review, by)
    pending = review_pending(review).count()
    if pending:
        raise ValidationError(
            _("Decide on every member first: %(count)d left.") % {"count": pending}
        )
    outcomes = list(review.entries.values_list("outcome", flat=True))
    today = timezone.localdate()
    review.status = MembershipReview.Status.COMPLETED
    review.completed_on = today
    review.reviewer = by
    review.outcome = _("%(confirmed)d confirmed, %(removed)d removed.") % {
        "confirmed": outcomes.count(MembershipReviewEntry.Outcome.CONFIRMED),
        "removed": outcomes.count(MembershipReviewEntry.Outcome.REMOVED),
    }
    review.full_clean()
    save_by(review, by)
    review_schedule(group=review.group, start=today, by=by)
    return review
