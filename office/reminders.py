"""What `send_reminders` mails to whom: one function per kind of reminder.

Each kind is a function `(today, profile) -> items`, registered with `@kind(name, heading)`;
an item names its recipient, the record it is about (the key that makes it once a day), one
line of text and a link. To add a kind, write one more such function here.

No item carries a patient's name: a group is named by its number and linked to, and free text
that may hold a name (what was taken out, what happened, a request's details) stays in the
system behind the link.
"""

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devices.selectors import incidents_awaiting_reports, unacknowledged_carry_outs
from facilities.mail import administrators_of, person_recipient
from facilities.selectors import (
    open_leaves,
    open_roster_reviews,
    pending_id_requests,
    stale_passwords,
)
from groups.models import CareGroup
from groups.selectors import accepted_invitations, open_invitations, open_reviews, pending_transfers
from mcs_admin.dates import shown_date
from mcs_admin.documents import unreturned_forms
from mcs_admin.mail import Recipient, absolute, support_center
from mcs_admin.models import AssociationProfile
from office.models import SentReminder
from office.notices import unread_notice_receipts
from pledges.selectors import (
    facilities_without_pledge,
    holders_without_pledge,
    open_round,
    round_progress,
    untrained_holders,
)


@dataclass(frozen=True, slots=True)  # slots: a run holds some 200,000 of them
class Item:
    recipient: Recipient
    kind: str
    key: str  # the record, e.g. "review:12": one reminder a day per recipient, kind and key
    text: str
    url: str
    due_on: datetime.date | None = None
    overdue: bool = False


KINDS: dict[str, tuple[Promise, Callable]] = {}


def kind(name: str, heading: Promise):
    """Register a function `(today, profile) -> Iterable[Item]` as a kind of reminder."""

    def register(function):
        KINDS[name] = (heading, function)
        return function

    return register


def collect(today: datetime.date) -> list[Item]:
    """Every item due today, of every kind, in the order of KINDS."""
    profile = AssociationProfile.current()
    link.cache_clear()  # SITE_URL may have changed since an earlier run in this process
    group_kind.cache_clear()  # and so may the language
    return [item for _, function in KINDS.values() for item in function(today, profile)]


@functools.lru_cache(maxsize=20_000)
def link(name: str, *args) -> str:
    """The absolute URL of a page, kept: most items of a kind link to their facility's page,
    and a run would otherwise resolve some 200,000 of them (and keep as many copies)."""
    return absolute(reverse(name, args=args))


# rows read at a time from the large sets (an item per ID holder or membership)
CHUNK = 2000


def plan_cursors_for_every_row() -> None:
    """For the rest of the transaction: PostgreSQL plans a cursor (`.iterator()`) to return
    its first tenth of rows soonest (cursor_tuple_fraction), with nested loops that took ten
    times longer over all 30,000 invitations; the reminders read every row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")


def to_administrators(rows: QuerySet, facility: str, make: Callable) -> Iterator[Item]:
    """One item per row for each MCS administrator of the row's facility, `facility` being
    the lookup of its id (e.g. "group__owner_id"); `make(row, recipient)` builds it."""
    recipients = administrators_of(rows.values(facility))
    facility_of = attrgetter(facility.replace("__", "."))
    for row in rows.iterator(chunk_size=CHUNK):
        for recipient in recipients.get(facility_of(row), []):
            yield make(row, recipient)


def group_label(group) -> str:
    """A group as reminders name it: its number and kind, never its patient."""
    return _("group #%(number)s (%(kind)s)") % {"number": group.pk, "kind": group_kind(group.kind)}


@functools.cache
def group_kind(kind: str) -> str:
    return str(CareGroup.Kind(kind).label)


@kind("membership_review", gettext_lazy("Membership reviews (精査) due"))
def membership_reviews(today, profile):
    due_by = today + datetime.timedelta(days=AssociationProfile.REVIEW_NOTICE_DAYS)
    reviews = open_reviews(due_by).select_related("group")
    yield from to_administrators(
        reviews,
        "group__owner_id",
        lambda review, recipient: Item(
            recipient=recipient,
            kind="membership_review",
            key=f"review:{review.pk}",
            text=_("Review the members of %(group)s.") % {"group": group_label(review.group)},
            url=link("groups:group_review", review.group_id),
            due_on=review.due_on,
            overdue=review.due_on < today,
        ),
    )


@kind("roster_review", gettext_lazy("Roster reviews (ID棚卸) due"))
def roster_reviews(today, profile):
    due_by = today + datetime.timedelta(days=AssociationProfile.REVIEW_NOTICE_DAYS)
    reviews = open_roster_reviews(due_by).annotate(
        pending=Count("entries", filter=Q(entries__outcome="pending"))
    )
    yield from to_administrators(
        reviews,
        "facility_id",
        lambda review, recipient: Item(
            recipient=recipient,
            kind="roster_review",
            key=f"roster:{review.pk}",
            text=_("Confirm your facility's ID holders: %(count)d not yet confirmed.")
            % {"count": review.pending},
            url=link("facility:roster_review", review.facility_id),
            due_on=review.due_on,
            overdue=review.due_on < today,
        ),
    )


@kind("mcs_password", gettext_lazy("Your MCS password (第11条)"))
def mcs_passwords(today, profile):
    max_age = datetime.timedelta(days=profile.mcs_password_max_age_days)
    notice = datetime.timedelta(days=AssociationProfile.PASSWORD_NOTICE_DAYS)
    accounts = stale_passwords(today - max_age + notice).select_related("staff_member__user")
    for account in accounts.iterator(chunk_size=CHUNK):
        recipient = person_recipient(account.staff_member)
        if recipient is None:
            continue
        changed = account.password_changed_on
        due_on = changed + max_age if changed else None
        yield Item(
            recipient=recipient,
            kind="mcs_password",
            key=f"account:{account.pk}",
            text=(
                _("Change your MCS password (last changed on %(date)s) and record the day.")
                % {"date": shown_date(changed)}
                if changed
                else _("Change your MCS password and record the day: no change is recorded.")
            ),
            url=link("portal:me"),
            due_on=due_on,
            overdue=due_on is None or due_on < today,
        )


@kind("training", gettext_lazy("ID holders due for training (第9条)"))
def training(today, profile):
    people = (
        untrained_holders(profile.training_due_since(today))
        .annotate(last_training=Max("training_sessions__held_on"))
        .order_by("facility", "family_name_kana", "pk")
    )
    yield from to_administrators(
        people,
        "facility_id",
        lambda person, recipient: Item(
            recipient=recipient,
            kind="training",
            key=f"staff:{person.pk}",
            text=(
                _("%(name)s: last training on %(date)s.")
                % {"name": person.full_name, "date": shown_date(person.last_training)}
                if person.last_training
                else _("%(name)s: no training recorded.") % {"name": person.full_name}
            ),
            url=link("pledges:training", person.facility_id),
            overdue=True,
        ),
    )


@kind("pledge", gettext_lazy("ID holders without a staff pledge (第9条, 様式3)"))
def pledges(today, profile):
    people = holders_without_pledge(today).order_by("facility", "family_name_kana", "pk")
    yield from to_administrators(
        people,
        "facility_id",
        lambda person, recipient: Item(
            recipient=recipient,
            kind="pledge",
            key=f"staff:{person.pk}",
            text=_("%(name)s has no staff pledge or exemption on record.")
            % {"name": person.full_name},
            url=link("pledges:pledges", person.facility_id),
        ),
    )


@kind("pledge_round", gettext_lazy("Pledges to sign again (附則)"))
def pledge_round(today, profile):
    """Until the open round's due date, each facility that has not finished it; after it, those
    without a renewed pledge are flagged (`pledge`, `facility_pledge`)."""
    current = open_round()
    if current is None or current.due_on < today:
        return
    behind = {pk: p for pk, p in round_progress(current).items() if not p.done}
    administrators = administrators_of(list(behind))
    for pk, progress in behind.items():
        text = _("Form 2 of the facility: %(signed)d of %(required)d received.") % {
            "signed": progress.facility_signed,
            "required": progress.facility_required,
        }
        if current.staff_sign_again:
            text += " " + _("Forms 3 of ID holders: %(signed)d of %(required)d on record.") % {
                "signed": progress.staff_signed,
                "required": progress.staff_required,
            }
        for recipient in administrators.get(pk, []):
            yield Item(
                recipient=recipient,
                kind="pledge_round",
                key=f"round:{current.pk}:{pk}",
                text=text,
                url=link("pledges:pledges", pk),
                due_on=current.due_on,
            )


@kind("facility_pledge", gettext_lazy("Facility pledges not renewed (様式2, 附則)"))
def facility_pledges(today, profile):
    yield from to_administrators(
        facilities_without_pledge(today).order_by("pk"),
        "pk",
        lambda facility, recipient: Item(
            recipient=recipient,
            kind="facility_pledge",
            key=f"facility:{facility.pk}",
            text=_(
                "%(facility)s: the facility pledge (form 2) the round of pledges asked for is "
                "not on record."
            )
            % {"facility": facility},
            url=link("pledges:pledges", facility.pk),
            overdue=True,
        ),
    )


@kind("approval", gettext_lazy("Invitations of your staff to approve (第8条)"))
def approvals(today, profile):
    memberships = accepted_invitations().select_related("staff_member", "group__owner")
    yield from to_administrators(
        memberships,
        "staff_member__facility_id",
        lambda membership, recipient: Item(
            recipient=recipient,
            kind="approval",
            key=f"membership:{membership.pk}",
            text=_("%(name)s accepted an invitation to %(group)s of %(owner)s.")
            % {
                "name": membership.staff_member.full_name,
                "group": group_label(membership.group),
                "owner": membership.group.owner,
            },
            url=link("groups:staff_invitations", membership.staff_member.facility_id),
        ),
    )


@kind("transfer", gettext_lazy("Groups other facilities ask you to take over"))
def transfers(today, profile):
    requests = pending_transfers().select_related("group", "from_facility")
    yield from to_administrators(
        requests,
        "to_facility_id",
        lambda transfer, recipient: Item(
            recipient=recipient,
            kind="transfer",
            key=f"transfer:{transfer.pk}",
            text=_("%(facility)s asks you to take over %(group)s.")
            % {"facility": transfer.from_facility, "group": group_label(transfer.group)},
            url=link("groups:transfers", transfer.to_facility_id),
        ),
    )


@kind("invitation", gettext_lazy("Invitations awaiting your answer (留意事項 (3))"))
def invitations(today, profile):
    memberships = open_invitations().select_related("staff_member__user", "group__owner")
    for membership in memberships.iterator(chunk_size=CHUNK):
        recipient = person_recipient(membership.staff_member)
        if recipient is None:
            continue
        yield Item(
            recipient=recipient,
            kind="invitation",
            key=f"membership:{membership.pk}",
            text=_("%(owner)s invites you to %(group)s: decide whether joining is appropriate.")
            % {"owner": membership.group.owner, "group": group_label(membership.group)},
            url=link("groups:my_invitations"),
        )


@kind("id_request", gettext_lazy("ID requests awaiting the support center (独自ルール 3)"))
def id_requests(today, profile):
    center = support_center()
    if center is None:
        return
    for request in pending_id_requests().select_related("facility", "staff_member"):
        yield Item(
            recipient=center,
            kind="id_request",
            key=f"id_request:{request.pk}",
            text=_("%(kind)s for %(name)s of %(facility)s, requested on %(date)s.")
            % {
                "kind": request.get_kind_display(),
                "name": request.staff_member.full_name,
                "facility": request.facility,
                "date": shown_date(request.requested_at),
            },
            url=link("admin:facilities_idrequest_handle", request.pk),
        )


@kind("leave", gettext_lazy("Leavers' checklists still open (留意事項 (1)(3))"))
def leaves(today, profile):
    yield from to_administrators(
        open_leaves().select_related("staff_member"),
        "staff_member__facility_id",
        lambda leave, recipient: Item(
            recipient=recipient,
            kind="leave",
            key=f"leave:{leave.pk}",
            text=_("%(name)s (%(reason)s), opened on %(date)s.")
            % {
                "name": leave.staff_member.full_name,
                "reason": leave.get_reason_display(),
                "date": shown_date(leave.opened_on),
            },
            url=link("facility:leaves", leave.staff_member.facility_id),
        ),
    )


@kind("carry_out", gettext_lazy("Carry-out notices to acknowledge (第12条(9))"))
def carry_outs(today, profile):
    notices = unacknowledged_carry_outs().select_related("staff_member")
    yield from to_administrators(
        notices,
        "facility_id",
        lambda notice, recipient: Item(
            recipient=recipient,
            kind="carry_out",
            key=f"carry_out:{notice.pk}",
            text=(
                _("%(name)s took out %(medium)s from %(start)s to %(end)s, filed after the fact.")
                if notice.filed_late
                else _("%(name)s takes out %(medium)s from %(start)s to %(end)s.")
            )
            % {
                "name": notice.staff_member.full_name,
                "medium": notice.medium,
                "start": notice.starts_on,
                "end": notice.ends_on,
            },
            url=link("devices:carry_out_list", notice.facility_id),
        ),
    )


@kind(
    "incident_report",
    gettext_lazy("Reports under the personal-information law (留意事項 (3))"),
)
def incident_reports(today, profile):
    incidents = list(incidents_awaiting_reports().select_related("facility"))
    center = support_center()
    administrators = administrators_of({incident.facility_id for incident in incidents})
    for incident in incidents:
        if incident.preliminary_report_on:
            due_on = incident.final_due_on
            text = _("%(kind)s at %(facility)s: the final report is due.")
        else:
            due_on = incident.preliminary_due_on
            text = _("%(kind)s at %(facility)s: the preliminary report is due.")
        text %= {"kind": incident.get_kind_display(), "facility": incident.facility}
        pages = [
            (
                recipient,
                reverse("devices:incident_detail", args=[incident.facility_id, incident.pk]),
            )
            for recipient in administrators.get(incident.facility_id, [])
        ]
        if center:
            pages.append((center, reverse("admin:devices_incident_change", args=[incident.pk])))
        for recipient, path in pages:
            yield Item(
                recipient=recipient,
                kind="incident_report",
                key=f"incident:{incident.pk}",
                text=text,
                url=absolute(path),
                due_on=due_on,
                overdue=due_on < today,
            )


@kind("paper", gettext_lazy("Printed forms not yet returned (様式1–4)"))
def unreturned_paper(today, profile):
    forms = unreturned_forms(today=today, profile=profile)
    administrators = administrators_of({form.facility.pk for form in forms})
    for form in forms:
        record = form.record
        for recipient in administrators.get(form.facility.pk, []):
            yield Item(
                recipient=recipient,
                kind="paper",
                key=f"paper:{record.document_number}",
                text=_("%(form)s %(number)s (%(record)s): not yet received.")
                % {
                    "form": form.form,
                    "number": record.document_number,
                    "record": record.paper_label(),
                },
                url=link("facility:dashboard", form.facility.pk),
                due_on=record.prepared_on + datetime.timedelta(days=profile.paper_return_days),
                overdue=True,
            )


@kind("notice", gettext_lazy("Notices from the support center not yet read"))
def unread_notices(today, profile):
    published_by = today - datetime.timedelta(days=profile.notice_reminder_days)
    receipts = unread_notice_receipts(published_by).select_related("notice")
    yield from to_administrators(
        receipts,
        "facility_id",
        lambda receipt, recipient: Item(
            recipient=recipient,
            kind="notice",
            key=f"notice_receipt:{receipt.pk}",
            text=_("“%(title)s” (published on %(date)s): confirm that your facility read it.")
            % {"title": receipt.notice.title, "date": shown_date(receipt.notice.published_at)},
            url=link("notices:notice_detail", receipt.facility_id, receipt.notice_id),
        ),
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    recipient: Recipient
    subject: str
    items: list[Item]
    today: datetime.date
    profile: AssociationProfile

    @property
    def body(self) -> str:
        """Rendered when read, once to print or send it: a run's 37,000 bodies kept at once
        took 80 MB. The items' lines are written here rather than by the template's tags,
        which cost most of the run's rendering time; the template lays out the sections."""
        due, overdue = _("%(text)s (due %(date)s)"), f" [{_('overdue')}]"
        sections = []
        for name, (heading, _function) in KINDS.items():
            lines = []
            for item in self.items:
                if item.kind != name:
                    continue
                line = (
                    due % {"text": item.text, "date": shown_date(item.due_on)}
                    if item.due_on
                    else item.text
                )
                lines.append(f"- {line + overdue if item.overdue else line}\n  {item.url}\n")
            if lines:
                sections.append((heading, "".join(lines)))
        context = {
            "recipient": self.recipient,
            "sections": sections,
            "profile": self.profile,
            "today": self.today,
        }
        return render_to_string("mail/reminders.txt", context)


def prepare(items: Iterable[Item], today: datetime.date) -> list[Delivery]:
    """One e-mail per recipient with the items not yet sent to them today, by kind."""
    sent = set(SentReminder.objects.filter(sent_on=today).values_list("recipient", "kind", "key"))
    fresh = {}
    for item in items:
        if (item.recipient.email, item.kind, item.key) not in sent:
            fresh.setdefault(item.recipient.email, {})[(item.kind, item.key)] = item
    profile = AssociationProfile.current()
    subject = _("[MCS] %(count)d item(s) due or overdue (%(date)s)")
    return [
        Delivery(
            recipient=next(iter(fresh[email].values())).recipient,
            subject=subject % {"count": len(fresh[email]), "date": shown_date(today)},
            items=list(fresh[email].values()),
            today=today,
            profile=profile,
        )
        for email in sorted(fresh)
    ]


# E-mails per transaction and mail connection: a commit per e-mail cost more than building
# and sending it; a failed batch is resent whole only if the process dies mid-batch.
DELIVERY_BATCH = 500


def deliver(deliveries: list[Delivery], today: datetime.date) -> int:
    """Send each e-mail and record its items as sent today; one that could not be sent is not
    recorded and is tried again on the next run."""
    for start in range(0, len(deliveries), DELIVERY_BATCH):
        _deliver_batch(deliveries[start : start + DELIVERY_BATCH], today)
    return len(deliveries)


def _deliver_batch(batch: list[Delivery], today: datetime.date) -> None:
    sent = []
    try:
        with transaction.atomic(), get_connection() as mail:
            # recorded before sending, so that a run at the same time conflicts here
            _record(batch, today)
            for delivery in batch:
                EmailMessage(
                    delivery.subject,
                    delivery.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [delivery.recipient.email],
                    connection=mail,
                ).send()
                sent.append(delivery)
    except Exception:
        # the batch's records were rolled back: keep those of the e-mails that went out
        _record(sent, today)
        raise


def _record(deliveries: list[Delivery], today: datetime.date) -> None:
    rows = [
        (today, timezone.now(), delivery.recipient.email, item.kind, item.key)
        for delivery in deliveries
        for item in delivery.items
    ]
    if connection.vendor != "postgresql":
        SentReminder.objects.bulk_create(
            SentReminder(sent_on=on, sent_at=at, recipient=to, kind=kind, key=key)
            for on, at, to, kind, key in rows
        )
        return
    # COPY: a run records some 200,000 items, which bulk_create made model instances of first
    table = connection.ops.quote_name(SentReminder._meta.db_table)
    with (
        connection.wrap_database_errors,  # a run at the same time: IntegrityError, as before
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} (sent_on, sent_at, recipient, kind, key) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
