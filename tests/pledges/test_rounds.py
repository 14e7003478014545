"""Policy versions (附則) and rounds of pledges: a round opened reaches every participating
facility and ID holder with numbered forms and history, its progress counts are right, the
grace rule of 第9条 before and after its due date, closing it, the yearly confirmation, and the
version printed on the forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from facilities.models import Facility
from facilities.selectors import id_holders
from facilities.services.accounts import has_pledge
from mcs_admin.documents import document_receive
from mcs_admin.models import PaperStatus, PolicyVersion
from mcs_admin.pdf import render_form
from mcs_admin.policy_versions import policy_version_record
from pledges import selectors, services
from pledges.models import FacilityPledge, PledgeRound, StaffPledge
from pledges.pdf import FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM
from tests import factories as f
from tests.pdf_reading import pages_text, squeeze
from tests.world import id_holder

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    # read per use, not at import: a run that crosses midnight (JST) must not compare days apart
    return timezone.localdate()


def _counts() -> tuple:
    return (
        PledgeRound.objects.count(),
        PledgeRound.history.count(),
        FacilityPledge.objects.count(),
        StaffPledge.objects.count(),
        FacilityPledge.history.count(),
        StaffPledge.history.count(),
    )


def _prefecture():
    """Three participating facilities with ID holders (one without a manager on record), and
    facilities the round does not reach: applying, suspended, gone."""
    active = [f.FacilityFactory() for _ in range(3)]
    nameless = f.FacilityFactory(manager_name="")
    holders = [id_holder(facility) for facility in active for _ in range(2)]
    holders.append(id_holder(nameless))
    f.StaffMemberFactory(facility=active[0])  # no ID: owes no form 3
    left = id_holder(active[1])
    left.left_on = _today()
    left.save()
    others = [f.FacilityFactory(status=status) for status in ("applying", "suspended", "withdrawn")]
    for facility in others:
        id_holder(facility)
    return [*active, nameless], holders, others


def _amendment(center) -> PolicyVersion:
    return policy_version_record(effective_on=_today(), label="令和8年12月3日一部変更", by=center)


def test_the_policy_versions_of_the_supplementary_provisions_are_seeded():
    versions = list(PolicyVersion.objects.order_by("effective_on").values_list("label", flat=True))
    assert versions == ["平成28年8月1日施行", "平成29年1月27日一部変更"]
    pledge = f.StaffPledgeFactory()
    assert pledge.policy_version.label == "平成29年1月27日一部変更"


def test_a_version_names_only_a_wording_that_ships_with_the_system():
    center = f.CenterUserFactory()
    before = PolicyVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        policy_version_record(effective_on=_today(), label="新版", form2_wording=2, by=center)
    assert "form2_wording" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        policy_version_record(effective_on=_today(), label="新版", by=f.UserFactory())
    assert PolicyVersion.objects.count() == before
    version = _amendment(center)
    entry = version.history.get()
    assert (entry.history_type, entry.history_user) == ("+", center)


def test_an_amendment_round_reaches_every_participating_facility_and_holder():
    center = f.CenterUserFactory()
    facilities, holders, others = _prefecture()
    version = _amendment(center)

    opened = services.pledge_round_open(
        policy_version=version, due_on=_today() + 30 * DAY, staff_sign_again=True, by=center
    )

    pledge_round = opened.pledge_round
    assert pledge_round.history.get().history_user == center
    forms2 = FacilityPledge.objects.filter(policy_version=version)
    with_manager = Facility.objects.filter(status="active").exclude(manager_name="")
    assert set(forms2.values_list("facility", flat=True)) == set(
        with_manager.values_list("pk", flat=True)
    )
    assert opened.without_manager == [facilities[3].name]
    forms3 = StaffPledge.objects.filter(policy_version=version)
    assert set(forms3.values_list("staff_member", flat=True)) == {person.pk for person in holders}
    assert (opened.facility_pledges, opened.staff_pledges) == (3, 7)
    # numbered, 未受領, each with its history entry by the center
    for pledge in [*forms2, *forms3]:
        assert pledge.document_number and pledge.status == PaperStatus.PREPARED
        entry = pledge.history.get()
        assert (entry.history_type, entry.history_user) == ("+", center)
    assert not FacilityPledge.objects.filter(facility__in=others).exists()

    # progress: receive the forms of one facility and one holder elsewhere
    first = facilities[0]
    for pledge in [*forms2.filter(facility=first), *forms3.filter(staff_member__facility=first)]:
        document_receive(document_number=pledge.document_number, received_on=_today(), by=center)
    elsewhere = forms3.filter(staff_member__facility=facilities[1]).first()
    document_receive(document_number=elsewhere.document_number, received_on=_today(), by=center)

    progress = selectors.round_progress(pledge_round)
    # independent counts, one facility at a time
    for facility in facilities:
        owed = id_holders().filter(facility=facility)
        signed = owed.filter(
            pledges__policy_version=version, pledges__status=PaperStatus.RECEIVED
        ).distinct()
        row = progress[facility.pk]
        assert row.facility_required == 1
        assert row.facility_signed == forms2.filter(facility=facility, status="received").count()
        assert (row.staff_signed, row.staff_required) == (signed.count(), owed.count())
    assert set(progress) == {facility.pk for facility in facilities}
    assert progress[first.pk].done and not progress[facilities[1].pk].done
    assert (progress[facilities[1].pk].staff_signed, progress[facilities[1].pk].staff_required) == (
        1,
        2,
    )


def test_opening_a_round_is_refused_and_writes_nothing():
    center = f.CenterUserFactory()
    _prefecture()
    earlier = PolicyVersion.objects.get(label="平成28年8月1日施行")
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.pledge_round_open(
            policy_version=PolicyVersion.current(),
            due_on=_today() + DAY,
            staff_sign_again=False,
            by=f.UserFactory(),
        )
    with pytest.raises(ValidationError, match=r"施行中|in force"):
        services.pledge_round_open(
            policy_version=earlier, due_on=_today() + DAY, staff_sign_again=False, by=center
        )
    with pytest.raises(ValidationError):
        services.pledge_round_open(
            policy_version=PolicyVersion.current(),
            due_on=_today(),
            staff_sign_again=False,
            by=center,
        )
    assert _counts() == before
    services.pledge_round_open(
        policy_version=PolicyVersion.current(),
        due_on=_today() + DAY,
        staff_sign_again=False,
        by=center,
    )
    after_first = _counts()
    with pytest.raises(ValidationError, match=r"close it first|終了してください"):
        services.pledge_round_open(
            policy_version=PolicyVersion.current(),
            due_on=_today() + DAY,
            staff_sign_again=False,
            by=center,
        )
    assert _counts() == after_first


def test_a_round_closes_on_or_after_its_due_date_once():
    center = f.CenterUserFactory()
    early = f.PledgeRoundFactory(status="open")
    with pytest.raises(ValidationError, match=r"期限|due"):
        services.pledge_round_close(pledge_round=early, by=center)
    early.refresh_from_db()
    assert early.status == "open" and early.history.count() == 1
    early.status, early.closed_on = "closed", _today()
    early.save()  # the next one may open

    due = f.PledgeRoundFactory(opened_on=_today() - 30 * DAY, due_on=_today(), status="open")
    with pytest.raises(PermissionDenied):
        services.pledge_round_close(pledge_round=due, by=f.UserFactory())
    services.pledge_round_close(pledge_round=due, by=center)
    due.refresh_from_db()
    assert (due.status, due.closed_on) == ("closed", _today())
    entry = due.history.first()
    assert (entry.history_type, entry.history_user, entry.status) == ("~", center, "closed")
    with pytest.raises(ValidationError, match=r"already closed|既に終了"):
        services.pledge_round_close(pledge_round=due, by=center)
    assert due.history.count() == 2


def test_an_earlier_pledge_counts_until_the_due_date_and_is_flagged_after_it():
    center = f.CenterUserFactory()
    facility = f.FacilityFactory()
    person = id_holder(facility)
    f.StaffPledgeFactory(staff_member=person, status="received", received_on=_today())
    f.FacilityPledgeFactory(facility=facility, status="received", received_on=_today())
    assert person not in selectors.holders_without_pledge()
    opened = services.pledge_round_open(
        policy_version=_amendment(center),
        due_on=_today() + 14 * DAY,
        staff_sign_again=True,
        by=center,
    )
    due_on = opened.pledge_round.due_on
    for day in (_today(), due_on):  # until the due date the earlier pledge counts
        assert person not in selectors.holders_without_pledge(day)
        assert facility not in selectors.facilities_without_pledge(day)
    after = due_on + DAY
    assert person in selectors.holders_without_pledge(after)
    assert facility in selectors.facilities_without_pledge(after)
    assert has_pledge(person)  # today: not stopped, and still counts

    for pledge in [
        *StaffPledge.objects.filter(status="prepared"),
        *FacilityPledge.objects.filter(status="prepared"),
    ]:
        document_receive(document_number=pledge.document_number, received_on=_today(), by=center)
    assert person not in selectors.holders_without_pledge(after)
    assert facility not in selectors.facilities_without_pledge(after)


def test_a_round_without_form_3_asks_nothing_new_of_the_holders():
    center = f.CenterUserFactory()
    person = id_holder(f.FacilityFactory())
    f.StaffPledgeFactory(staff_member=person, status="received", received_on=_today())
    opened = services.pledge_round_open(
        policy_version=PolicyVersion.current(),
        due_on=_today() + DAY,
        staff_sign_again=False,
        kind=PledgeRound.Kind.CONFIRMATION,
        by=center,
    )
    assert opened.staff_pledges == 0
    assert person not in selectors.holders_without_pledge(_today() + 2 * DAY)
    assert person.facility in selectors.facilities_without_pledge(_today() + 2 * DAY)


def test_the_yearly_confirmation_opens_only_when_the_association_keeps_one():
    facility = f.FacilityFactory()
    profile = f.AssociationProfileFactory()
    assert profile.confirmation_interval_months is None
    assert services.confirmation_round_open_if_due() is None
    assert not PledgeRound.objects.exists()

    profile.confirmation_interval_months = 12
    profile.save()
    last = f.PledgeRoundFactory(
        opened_on=_today() - 200 * DAY,
        due_on=_today() - 100 * DAY,
        status="closed",
        closed_on=_today(),
    )
    assert services.confirmation_round_open_if_due() is None  # not a year yet
    last.opened_on = _today() - 400 * DAY
    last.save()

    opened = services.confirmation_round_open_if_due()
    pledge_round = opened.pledge_round
    assert pledge_round.kind == "confirmation" and not pledge_round.staff_sign_again
    assert pledge_round.due_on == _today() + datetime.timedelta(days=profile.paper_return_days)
    assert pledge_round.history.get().history_user is None
    assert FacilityPledge.objects.get().facility == facility
    assert services.confirmation_round_open_if_due() is None  # one open at a time


def test_the_forms_print_the_policy_version_in_their_corner():
    f.AssociationProfileFactory()
    pledge = f.FacilityPledgeFactory()
    staff = f.StaffPledgeFactory()
    for form, record in [(FACILITY_PLEDGE_FORM, pledge), (STAFF_PLEDGE_FORM, staff)]:
        text = squeeze(pages_text(render_form(form, [record]))[0])
        assert "運用ポリシー平成29年1月27日一部変更" in text
        assert "平成29年1月27日一部変更" in squeeze(pages_text(render_form(form, None))[0])


def test_forms_of_differently_worded_versions_print_apart(settings):
    worded = PolicyVersion.objects.create(
        effective_on=_today() + 365 * DAY, label="将来の変更", form2_wording=2
    )
    pledges = [f.FacilityPledgeFactory(), f.FacilityPledgeFactory(policy_version=worded)]
    with pytest.raises(ValidationError):
        FACILITY_PLEDGE_FORM.template_for(pledges)
    assert FACILITY_PLEDGE_FORM.template_for(pledges[:1]) == FACILITY_PLEDGE_FORM.template_name


def test_round_progress_takes_a_fixed_number_of_queries(django_assert_num_queries):
    # three queries whatever the facilities and holders (the factory's round has its version
    # already; open_round() reads it with a fourth)
    counts = []
    for size in (1, 3):
        for _ in range(size):
            id_holder(f.FacilityFactory())
        pledge_round = f.PledgeRoundFactory(staff_sign_again=True, status="open")
        with django_assert_num_queries(3):
            progress = selectors.round_progress(pledge_round)
        counts.append(sum(row.staff_required for row in progress.values()))
        pledge_round.status, pledge_round.closed_on = "closed", _today()
        pledge_round.save()
    assert counts == [1, 4]
