"""send_reminders: each kind reaches the person who must act, once a day, never with a
patient's name; --dry-run on the demo data shows every kind and changes nothing."""

import io
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.utils import timezone, translation

from devices.models import CarryOutNotice
from facilities.services import appointment_start
from groups.models import CareGroup, MembershipReview, Patient
from mcs_admin import dates
from mcs_admin.models import AssociationProfile
from office import reminders
from office.models import SentReminder
from tests import factories as f
from tests.world import build_world, id_holder, login_for

pytestmark = pytest.mark.django_db

CENTER = "center@example.jp"


@pytest.fixture
def world():
    f.AssociationProfileFactory(email=CENTER)
    world = build_world()
    world.a.incident.involves_personal_data = True
    world.a.incident.save()
    world.a.staff_pledge.prepared_on = days_ago(30)  # not returned in time
    world.a.staff_pledge.save()
    # a notice to A, published longer ago than the days an unread notice waits, not yet read
    world.a.unread_notice = f.NoticeReceiptFactory(facility=world.a.facility, notice=old_notice())
    # a round of pledges past its due date, whose form 2 nobody renewed, and one open
    f.PledgeRoundFactory(opened_on=days_ago(60), due_on=days_ago(30))
    world.pledge_round = f.PledgeRoundFactory(status="open")
    return world


def old_notice():
    days = AssociationProfile.current().notice_reminder_days
    return f.PublishedNoticeFactory(published_at=timezone.now() - timezone.timedelta(days=days))


def days_ago(days):
    return timezone.localdate() - timezone.timedelta(days=days)


def items_of(kind):
    function = reminders.KINDS[kind][1]
    return list(function(timezone.localdate(), AssociationProfile.current()))


def email_of(login):
    return login.staff_member.email


# kind: (who gets it, the record it is about), for facility A of the world
EXPECTED = {
    "membership_review": (lambda w: email_of(w.a.admin), lambda w: f"review:{w.a.review.pk}"),
    "roster_review": (lambda w: email_of(w.a.admin), lambda w: f"roster:{w.a.entry.review_id}"),
    "mcs_password": (
        lambda w: email_of(w.a.user),
        lambda w: f"account:{w.a.user.staff_member.mcs_accounts.get().pk}",
    ),
    "training": (lambda w: email_of(w.a.admin), lambda w: f"staff:{w.a.staff.pk}"),
    "pledge": (lambda w: email_of(w.a.admin), lambda w: f"staff:{w.a.staff.pk}"),
    "approval": (
        lambda w: email_of(w.a.admin),
        lambda w: f"membership:{w.a.staff_invitation.pk}",
    ),
    "transfer": (lambda w: email_of(w.a.admin), lambda w: f"transfer:{w.a.transfer_in.pk}"),
    "invitation": (
        lambda w: email_of(w.a.user),
        lambda w: f"membership:{w.a.user_invitation.pk}",
    ),
    "id_request": (lambda w: CENTER, lambda w: f"id_request:{w.a.deletion.pk}"),
    "leave": (lambda w: email_of(w.a.admin), lambda w: f"leave:{w.a.leave.pk}"),
    "carry_out": (lambda w: email_of(w.a.admin), lambda w: f"carry_out:{w.a.carry_out.pk}"),
    "incident_report": (lambda w: email_of(w.a.admin), lambda w: f"incident:{w.a.incident.pk}"),
    "paper": (
        lambda w: email_of(w.a.admin),
        lambda w: f"paper:{w.a.staff_pledge.document_number}",
    ),
    "notice": (
        lambda w: email_of(w.a.admin),
        lambda w: f"notice_receipt:{w.a.unread_notice.pk}",
    ),
    "pledge_round": (
        lambda w: email_of(w.a.admin),
        lambda w: f"round:{w.pledge_round.pk}:{w.a.facility.pk}",
    ),
    "facility_pledge": (lambda w: email_of(w.a.admin), lambda w: f"facility:{w.a.facility.pk}"),
}


def test_every_kind_is_tested():
    assert set(EXPECTED) == set(reminders.KINDS)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_reaches_the_person_who_must_act(world, kind):
    recipient, key = EXPECTED[kind]
    sent_to = {(item.recipient.email, item.key) for item in items_of(kind)}
    assert (recipient(world), key(world)) in sent_to
    # and not facility A's items to facility B's administrator
    assert (email_of(world.b.admin), key(world)) not in sent_to


def test_incident_deadlines_go_to_the_center_too(world):
    recipients = {item.recipient.email for item in items_of("incident_report")}
    assert recipients == {email_of(world.a.admin), CENTER}


def test_an_item_links_to_its_page_and_names_a_group_by_number(world):
    (item,) = [i for i in items_of("membership_review") if i.key == f"review:{world.a.review.pk}"]
    assert item.url == f"http://127.0.0.1:8000/groups/{world.a.group.pk}/review/"
    assert f"#{world.a.group.pk}" in item.text
    assert world.a.group.patient.family_name not in item.text


def test_a_form_not_returned_is_reminded_by_number_and_never_names_the_patient(world):
    late = f.PatientConsentFactory(group=world.a.group, prepared_on=days_ago(30))
    in_time = f.PatientConsentFactory(group=world.a.group, prepared_on=days_ago(3))
    items = {item.key: item for item in items_of("paper")}
    item = items[f"paper:{late.document_number}"]
    assert item.recipient.email == email_of(world.a.admin)
    assert late.document_number in item.text and f"#{world.a.group.pk}" in item.text
    assert world.a.group.patient.family_name not in item.text
    assert f"paper:{in_time.document_number}" not in items


def more_of_every_kind(count):
    """`count` more facilities, each with an administrator and an item of every kind."""
    for n in range(count):
        facility = f.FacilityFactory()
        admin = id_holder(facility)
        appointment_start(facility=facility, staff_member=admin, by=f.CenterUserFactory())
        login_for(admin, f"more-admin-{facility.pk}-{n}")
        person = f.StaffMemberFactory(facility=facility)
        account = f.McsAccountFactory(staff_member=person, password_changed_on=None)
        group = f.CareGroupFactory(owner=facility)
        f.MembershipReviewFactory(group=group)
        f.RosterReviewFactory(facility=facility)
        f.MembershipFactory(group=group, staff_member=person, status="accepted")
        f.MembershipFactory(group=group, staff_member=admin)
        f.OwnershipTransferFactory(to_facility=facility)
        f.NoticeReceiptFactory(facility=facility, notice=old_notice())
        f.IdRequestFactory(staff_member=person, kind="delete", account=account)
        f.LeaveFactory(staff_member=person)
        f.CarryOutNoticeFactory(staff_member=person)
        f.IncidentFactory(facility=facility, involves_personal_data=True)
        f.PatientConsentFactory(group=group, prepared_on=days_ago(30))


# collecting and preparing every kind's e-mails: a query or two per kind, whatever the rows,
# and the association's date style once; the unreturned forms read one query per form (様式1–4)
# and one for their facilities' administrators; the rounds of pledges read the round in force
# for 第9条, and the open round's progress
REMINDER_QUERIES = 43


def test_reminders_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    today = timezone.localdate()
    queries, items = [], []
    for more in (0, 8):
        more_of_every_kind(more)
        dates.forget_style()  # each run of send_reminders reads it afresh
        with django_assert_max_num_queries(REMINDER_QUERIES) as captured:
            deliveries = reminders.prepare(reminders.collect(today), today)
        queries.append(len(captured))
        items.append(Counter(item.kind for delivery in deliveries for item in delivery.items))
    small, large = items
    assert [kind for kind in reminders.KINDS if large[kind] <= small[kind]] == []
    assert queries[0] == queries[1]


def patient_names():
    names = set()
    for patient in Patient.objects.all():
        names |= {
            patient.full_name,
            f"{patient.family_name}{patient.given_name}",
            f"{patient.family_name} {patient.given_name}",
            patient.full_name_kana,
            patient.address,
        }
    return names - {""}


def test_reminders_are_sent_once_a_day(world, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    first = len(mailoutbox)
    assert first > 0
    assert SentReminder.objects.filter(sent_on=timezone.localdate()).exists()
    admin_mail = next(m for m in mailoutbox if m.to == [email_of(world.a.admin)])
    assert "メンバーを精査" in admin_mail.body and "期限切れ" in admin_mail.body
    text = " ".join(m.subject + m.body for m in mailoutbox)
    assert not [name for name in patient_names() if name in text]

    call_command("send_reminders", stdout=io.StringIO())
    assert len(mailoutbox) == first  # the same day: nothing again

    f.LeaveFactory(staff_member=world.a.user.staff_member)  # something new the same day
    call_command("send_reminders", stdout=io.StringIO())
    (new,) = mailoutbox[first:]
    assert new.to == [email_of(world.a.admin)] and new.subject.startswith("[MCS]")
    assert "1 件" in new.subject


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_once_and_the_second_exits_cleanly(world, mailoutbox, monkeypatch):
    """As cron starts it on two hosts: the second run starts while the first is collecting."""
    collecting, second_done = threading.Event(), threading.Event()
    prepare = reminders.prepare

    def first_waits(*args):
        if threading.current_thread() is not threading.main_thread():
            collecting.set()
            assert second_done.wait(60)
        return prepare(*args)

    monkeypatch.setattr(reminders, "prepare", first_waits)
    first_out, second_out = io.StringIO(), io.StringIO()

    def first_run():
        try:
            call_command("send_reminders", stdout=first_out)
        finally:
            connections.close_all()

    first = threading.Thread(target=first_run)
    first.start()
    try:
        assert collecting.wait(60)
        call_command("send_reminders", stdout=second_out)  # returns: exit status 0
    finally:
        second_done.set()
        first.join(120)
    assert "send_reminders はこのホストか別のホストで実行中です" in second_out.getvalue()
    assert "通" in first_out.getvalue().splitlines()[-1]  # the first's summary
    sent = [(m.to[0], m.subject) for m in mailoutbox]
    assert sent and len(sent) == len(set(sent))  # each e-mail once
    recorded = SentReminder.objects.values_list("recipient", "kind", "key")
    assert recorded.count() == len(set(recorded)) > 0


def test_the_next_day_the_items_are_due_again(world):
    today = timezone.localdate()
    first = reminders.prepare(reminders.collect(today), today)
    reminders.deliver(first, today)
    assert reminders.prepare(reminders.collect(today), today) == []
    tomorrow = today + timezone.timedelta(days=1)
    again = reminders.prepare(reminders.collect(tomorrow), tomorrow)
    assert {d.recipient.email for d in again} == {d.recipient.email for d in first}


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("the mail server is down")


@override_settings(EMAIL_BACKEND="tests.office.test_reminders.FailingBackend")
def test_a_reminder_that_could_not_be_sent_is_not_recorded(world):
    with pytest.raises(OSError):
        call_command("send_reminders", stdout=io.StringIO())
    assert not SentReminder.objects.exists()


class SecondFailsBackend(BaseEmailBackend):
    """Sends the first e-mail of the run, then the mail server goes down."""

    sent = 0

    def send_messages(self, email_messages):
        if SecondFailsBackend.sent:
            raise OSError("the mail server is down")
        SecondFailsBackend.sent += len(email_messages)
        return len(email_messages)


@override_settings(EMAIL_BACKEND="tests.office.test_reminders.SecondFailsBackend")
def test_the_reminders_sent_before_a_failure_are_recorded(world):
    SecondFailsBackend.sent = 0
    today = timezone.localdate()
    first, *rest = reminders.prepare(reminders.collect(today), today)
    assert rest
    with pytest.raises(OSError):
        reminders.deliver([first, *rest], today)
    recorded = set(SentReminder.objects.values_list("recipient", "kind", "key"))
    assert recorded == {(first.recipient.email, item.kind, item.key) for item in first.items}


def test_the_command_brings_reviews_and_carry_outs_up_to_date(world, mailoutbox):
    group = f.CareGroupFactory(owner=world.a.facility)
    ended = f.CarryOutNoticeFactory(staff_member=world.a.user.staff_member)  # ended in April
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert not group.reviews.exists()  # a dry run changes nothing
    assert CarryOutNotice.objects.get(pk=ended.pk).status == "filed"
    assert "To: " in out.getvalue() and mailoutbox == []
    assert not SentReminder.objects.exists()

    call_command("send_reminders", stdout=io.StringIO())
    assert group.reviews.get().status == "open"
    assert CarryOutNotice.objects.get(pk=ended.pk).status == "closed"


def test_without_the_centers_address_its_reminders_wait(world):
    AssociationProfile.objects.update(email="")
    err = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "メールアドレスがない" in err.getvalue()
    assert items_of("id_request") == []


@override_settings(DEBUG=True)
def test_a_dry_run_on_the_demo_lists_every_kind_and_no_patient_name():
    call_command("seed_demo", verbosity=0)
    reviews = MembershipReview.objects.count()
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    text = out.getvalue()
    with translation.override("ja"):
        missing = [
            str(heading) for heading, _ in reminders.KINDS.values() if str(heading) not in text
        ]
    assert missing == []
    assert not [name for name in patient_names() if name in text]
    assert CareGroup.objects.filter(kind="patient").exists()  # there were names to leak
    assert mail.outbox == [] and not SentReminder.objects.exists()
    assert MembershipReview.objects.count() == reviews


def test_a_round_of_pledges_is_reminded_to_each_facility_until_done_and_due(world):
    pledge_round, b = world.pledge_round, world.b.facility
    key = f"round:{pledge_round.pk}:{b.pk}"
    assert key in {item.key for item in items_of("pledge_round")}
    today = timezone.localdate()
    f.FacilityPledgeFactory(facility=b, prepared_on=today, status="received", received_on=today)
    assert key not in {item.key for item in items_of("pledge_round")}
    # after the due date the round's reminders stop: those not renewed are flagged instead
    function = reminders.KINDS["pledge_round"][1]
    after = pledge_round.due_on + timezone.timedelta(days=1)
    assert list(function(after, AssociationProfile.current())) == []
