"""The compliance dashboard's figures (office.figures): counted off the request into one row per
facility, equal to the direct counts, counted again for one facility when a change there
commits, and read by the page without counting the prefecture's records."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from facilities.models import Category, Facility, McsAccount
from facilities.selectors import id_holders
from mcs_admin.models import AssociationProfile, PolicyVersion
from office import figures
from office.category_figures import COUNTS
from office.models import CurrentCategoryFigures, FacilityFigures, MonthlyIdFigures
from pledges import services
from pledges.selectors import round_progress
from tests import factories as f
from tests.test_page_queries import more_rows
from tests.world import build_world

URL = reverse("portal:compliance")
pytestmark = pytest.mark.django_db


def _direct(today) -> dict:
    """{facility id: {column key: count}} counted straight from the selectors, one facility
    and one column at a time."""
    profile = AssociationProfile.current()
    return {
        facility.pk: {
            column.key: column.rows(today, profile)
            .filter(**{column.facility: facility.pk})
            .distinct()
            .count()
            for column in figures.COLUMNS
        }
        for facility in Facility.objects.all()
    }


def _stored() -> dict:
    keys = [column.key for column in figures.COLUMNS]
    return {row["facility"]: row for row in FacilityFigures.objects.values("facility", *keys)}


def test_the_figures_equal_the_direct_counts():
    world = build_world()
    more_rows(world, 2)
    today = timezone.localdate()
    assert figures.recount() == Facility.objects.count()

    direct = _direct(today)
    stored = _stored()
    assert {pk: {**counts, "facility": pk} for pk, counts in direct.items()} == stored
    assert any(sum(counts.values()) for counts in direct.values())
    for row in FacilityFigures.objects.all():
        assert row.total == sum(direct[row.facility_id].values())
    # the ID holders, which the council's report reads with the pledges
    holders = id_holders().values("facility").annotate(count=Count("pk"))
    assert {row["facility"]: row["count"] for row in holders} == {
        row.facility_id: row.holders for row in FacilityFigures.objects.filter(holders__gt=0)
    }
    assert holders

    issued = (
        McsAccount.objects.filter(issued_on__gte=figures.first_month(today))
        .annotate(month=TruncMonth("issued_on"))
        .values("staff_member__facility", "month")
        .annotate(count=Count("pk"))
        .values_list("staff_member__facility", "month", "count")
    )
    kept = MonthlyIdFigures.objects.filter(issued__gt=0)
    assert {(pk, month): n for pk, month, n in issued} == {
        (row.facility_id, row.month): row.issued for row in kept
    }
    assert kept.exists()


def test_counting_one_facility_leaves_the_others_as_they_were():
    world = build_world()
    figures.recount()
    a, b = world.a.facility, world.b.facility
    before_b = FacilityFigures.objects.get(facility=b)
    f.IdRequestFactory(facility=a, staff_member=f.StaffMemberFactory(facility=a))
    f.IdRequestFactory(facility=b, staff_member=f.StaffMemberFactory(facility=b))

    figures.recount([a.pk])
    assert (
        FacilityFigures.objects.get(facility=a).id_requests
        == _direct(timezone.localdate())[a.pk]["id_requests"]
    )
    after_b = FacilityFigures.objects.get(facility=b)
    assert (after_b.id_requests, after_b.counted_at) == (
        before_b.id_requests,
        before_b.counted_at,
    )


def test_a_change_at_a_facility_is_counted_when_it_commits(django_capture_on_commit_callbacks):
    world = build_world()
    figures.recount()
    facility = world.a.facility
    before = FacilityFigures.objects.get(facility=facility).id_requests
    with django_capture_on_commit_callbacks(execute=True):
        f.IdRequestFactory(facility=facility, staff_member=f.StaffMemberFactory(facility=facility))
        f.IdRequestFactory(facility=facility, staff_member=f.StaffMemberFactory(facility=facility))
    assert FacilityFigures.objects.get(facility=facility).id_requests == before + 2

    request = facility.id_requests.filter(status="pending").first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request.delete()
    assert callbacks  # a deletion is counted too
    assert FacilityFigures.objects.get(facility=facility).id_requests == before + 1


def _summed_by_category() -> dict:
    """{category: {count: sum}} of the facilities' figures, straight from their rows."""
    sums = {}
    for row in FacilityFigures.objects.select_related("facility"):
        counts = sums.setdefault(row.facility.category, {key: 0 for key in COUNTS})
        for key in COUNTS:
            counts[key] += getattr(row, key)
    return sums


def test_the_sums_by_category_follow_every_count_and_a_move_to_another_category(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    more_rows(world, 2)
    figures.recount()
    stored = CurrentCategoryFigures.objects.values("category", *COUNTS)
    assert {row.pop("category"): row for row in stored} == _summed_by_category()
    assert any(row.total for row in CurrentCategoryFigures.objects.all())

    facility = world.a.facility
    old = facility.category
    new = next(value for value in Category.values if value != old)
    with django_capture_on_commit_callbacks(execute=True):
        f.IdRequestFactory(facility=facility, staff_member=f.StaffMemberFactory(facility=facility))
        Facility.objects.filter(pk=facility.pk).update(category=new)
        facility.refresh_from_db()
        facility.save()  # counted again, under its new category
    stored = CurrentCategoryFigures.objects.values("category", *COUNTS)
    assert {row.pop("category"): row for row in stored} == _summed_by_category()
    assert CurrentCategoryFigures.objects.get(category=new).id_requests >= 1


def test_a_training_attended_is_counted_for_the_persons_facility(
    django_capture_on_commit_callbacks,
):
    world = build_world()
    figures.recount()
    person = world.a.user.staff_member
    before = FacilityFigures.objects.get(facility=world.a.facility).training
    assert before >= 1
    with django_capture_on_commit_callbacks(execute=True):
        f.TrainingSessionFactory(held_on=f.TODAY).attendees.add(person)
    assert FacilityFigures.objects.get(facility=world.a.facility).training < before


def test_the_page_reads_the_figures_not_the_records(client):
    world = build_world()
    client.force_login(world.center)
    page = client.get(URL)
    assert "まだ集計されていません" in page.content.decode()

    figures.recount()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    html = page.content.decode()
    assert "時点の集計です" in html and "まだ集計されていません" not in html
    counted = {row["facility"]: row for row in page.context["rows"]}
    assert world.a.facility in counted
    read = " ".join(query["sql"] for query in queries)
    # (the login's own checks read its staff record and MCS ID: not these)
    for table in ("care_groups_membership", "pledges_staffpledge", "devices_device"):
        assert table not in read


def test_the_scheduled_command_counts_every_facility():
    build_world()
    out = StringIO()
    call_command("refresh_compliance", stdout=out)
    assert FacilityFigures.objects.count() == Facility.objects.count() == 2
    assert "2 施設を" in out.getvalue()


def test_the_open_round_of_pledges_is_counted_per_facility_and_shown(client):
    world = build_world()
    today = timezone.localdate()
    opened = services.pledge_round_open(
        policy_version=PolicyVersion.current(),
        due_on=today + datetime.timedelta(days=14),
        staff_sign_again=True,
        by=world.center,
    )
    figures.recount()

    progress = round_progress(opened.pledge_round)
    stored = {
        row.facility_id: (
            row.round_facility_signed,
            row.round_facility_required,
            row.round_staff_signed,
            row.round_staff_required,
        )
        for row in FacilityFigures.objects.all()
    }
    assert stored == {
        pk: (p.facility_signed, p.facility_required, p.staff_signed, p.staff_required)
        for pk, p in progress.items()
    }
    assert stored[world.a.facility.pk][3] == id_holders().filter(facility=world.a.facility).count()

    client.force_login(world.center)
    page = client.get(URL)
    assert page.context["pledge_round"] == opened.pledge_round
    assert world.a.facility.name in page.content.decode().split('id="round-progress"')[1]
    assert page.context["round_behind"] == 2
