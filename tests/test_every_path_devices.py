"""The devices app's rules hold on every path that writes them (issue 15).

第12条(9): a carry-out notice filed after its period is accepted and marked 事後届出 on every
list of notices.
"""

import datetime
import importlib
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devices import services
from devices.models import CarryOutNotice
from mcs_admin import reminders
from tests import factories as f
from tests.test_every_path import _admin_url, _page
from tests.world import build_world

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LATE = "事後届出"


@dataclass
class Case:
    world: object
    client: Client  # the center, in the admin
    admin: Client  # facility A's MCS administrator, on the self-service pages
    user: Client  # facility A's user

    @property
    def a(self):
        return self.world.a


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case():
    world = build_world()
    return Case(
        world=world,
        client=_client(world.center),
        admin=_client(world.a.admin),
        user=_client(world.a.user),
    )


# -- 第12条(9): a notice filed after its period ---------------------------------------------


def _file(by, *, ends_on, medium):
    return services.carry_out_file(
        by=by,
        content="訪問記録の確認",
        medium=medium,
        purpose="訪問",
        starts_on=ends_on - 3 * DAY,
        ends_on=ends_on,
    )


def _row_of(page: str, text: str) -> str:
    (row,) = [row for row in re.split(r"<tr[ >]", page) if text in row]
    return row


def test_a_notice_filed_after_its_period_is_accepted_and_marked(case):
    today = timezone.localdate()
    late = _file(case.a.user, ends_on=today - DAY, medium="USB メモリ")
    current = _file(case.a.user, ends_on=today, medium="ノートPC")
    assert (late.status, late.filed_late) == ("filed", True)
    assert (current.status, current.filed_late) == ("filed", False)
    assert late.history.get().filed_late

    facility_list = _page(
        case.admin.get(reverse("devices:carry_out_list", args=[case.a.facility.pk]))
    )
    my_list = _page(case.user.get(reverse("devices:my_carry_outs")))
    for page in (facility_list, my_list):
        assert LATE in _row_of(page, "USB メモリ")
        assert LATE not in _row_of(page, "ノートPC")

    changelist = case.client.get(_admin_url(CarryOutNotice, "changelist"))
    assert LATE in _page(changelist)  # the column and the filter
    marked = case.client.get(_admin_url(CarryOutNotice, "changelist"), {"filed_late__exact": "1"})
    assert list(marked.context["cl"].result_list) == [late]
    unmarked = case.client.get(_admin_url(CarryOutNotice, "changelist"), {"filed_late__exact": "0"})
    assert late not in unmarked.context["cl"].result_list
    assert current in unmarked.context["cl"].result_list


def test_the_user_filing_late_on_the_page_is_told_it_is_marked(case):
    today = timezone.localdate()
    response = case.user.post(
        reverse("devices:carry_out_file"),
        {
            "content": "訪問記録の確認",
            "medium": "USB メモリ",
            "purpose": "訪問",
            "starts_on": (today - 5 * DAY).isoformat(),
            "ends_on": (today - DAY).isoformat(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("devices:my_carry_outs")
    notice = CarryOutNotice.objects.get(medium="USB メモリ")
    assert (notice.status, notice.filed_late) == ("filed", True)
    assert notice.history.get().history_user == case.a.user
    page = _page(response)
    assert "事後届出として記録されました" in page
    assert LATE in _row_of(page, "USB メモリ")


def test_a_late_notice_waits_for_its_acknowledgement_and_its_reminder_says_so(case):
    today = timezone.localdate()
    late = _file(case.a.user, ends_on=today - DAY, medium="USB メモリ")
    ended = _file(case.a.user, ends_on=today, medium="ノートPC")  # ended by tomorrow

    texts = {item.key: item.text for item in reminders.collect(today)}
    assert texts[f"carry_out:{late.pk}"].endswith("（事後届出）")
    assert LATE not in texts[f"carry_out:{ended.pk}"]

    services.carry_outs_close_ended(today=today + DAY)
    late.refresh_from_db()
    ended.refresh_from_db()
    assert (late.status, ended.status) == ("filed", "closed")  # the administrator sees it first
    services.carry_out_acknowledge(notice=late, by=case.a.admin)
    services.carry_outs_close_ended(today=today + DAY)
    late.refresh_from_db()
    assert (late.status, late.closed_on, late.filed_late) == ("closed", today - DAY, True)


def test_the_migration_marks_the_notices_filed_late_before_it(case):
    migration = importlib.import_module("devices.migrations.0005_carry_out_filed_late")
    today = timezone.localdate()

    def notice(ends_on, filed_at):
        return f.CarryOutNoticeFactory(
            staff_member=case.a.user.staff_member,
            starts_on=ends_on - 9 * DAY,
            ends_on=ends_on,
            filed_at=timezone.make_aware(filed_at),  # in Japan's time (TIME_ZONE)
        )

    midnight = datetime.datetime.combine(today, datetime.time())
    # filed half an hour into the day after the period: still the period's last day in UTC
    late = notice(today - DAY, midnight + timedelta(minutes=30))
    # filed on the period's last day, late in the evening: the next day in no time zone here
    on_time = notice(today - DAY, midnight - timedelta(minutes=30))
    migration.mark_notices_filed_late(apps, None)
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.filed_late, on_time.filed_late) == (True, False)
    # the history of each notice carries the mark as the notice does
    assert set(late.history.values_list("filed_late", flat=True)) == {True}
    assert set(on_time.history.values_list("filed_late", flat=True)) == {False}
