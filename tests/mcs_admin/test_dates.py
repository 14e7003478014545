"""One way to write a date on screens, in e-mails and on the roster PDF, chosen once in the
association profile: 西暦 or 和暦 (issue 18, point 3). The forms keep their own, spreadsheets
keep ISO dates.

With 和暦 chosen, every HTML page of the test world (self-service, the admin's lists, records
and histories, its own pages) is read as a person reads it: its text, not its attributes
(an <input type="date"> keeps ISO), must hold no 西暦 day and no ISO date.
"""

import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mcs_admin import dates
from mcs_admin.models import AssociationProfile
from tests import factories as f
from tests.office.test_access_declared import (
    ADMIN_MODELS,
    SHOWN_GETS,
    admin_extras,
    admin_urls,
    unique_world,
)
from tests.office.test_access_matrix import MATRIX, OWN_OBJECT, url_for
from tests.pdf_reading import pages_text

pytestmark = pytest.mark.django_db

ERA_DAY = re.compile(r"(令和|平成|昭和)(元|\d+)年\d{1,2}月\d{1,2}日")
WESTERN_DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def choose(style):
    profile = AssociationProfile.current()
    profile.date_style = style
    profile.save()


def visible_text(response) -> str:
    """What a person reads on an HTML page: no script, no style, no tag or attribute."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_no_other_style(response, url):
    text = visible_text(response)
    assert not WESTERN_DAY.search(text), f"{url}: {WESTERN_DAY.search(text).group()}"
    assert not ISO_DAY.search(text), f"{url}: {ISO_DAY.search(text).group()}"


def test_a_date_in_each_style():
    f.AssociationProfileFactory()
    moment = datetime.datetime(2026, 3, 31, 15, 30, tzinfo=datetime.UTC)  # 4月1日 0:30 in Japan
    assert dates.shown_date(datetime.date(2026, 4, 1)) == "2026年4月1日"
    assert dates.shown_datetime(moment) == "2026年4月1日 00:30"
    assert dates.shown_date(moment) == "2026年4月1日"
    choose(dates.ERA)  # saving the profile forgets the style read before
    assert dates.shown_date(datetime.date(2026, 4, 1)) == "令和8年4月1日"
    assert dates.shown_datetime(moment) == "令和8年4月1日 00:30"
    assert dates.shown_date(datetime.date(2019, 5, 1)) == "令和元年5月1日"
    assert dates.shown_date(datetime.date(1900, 1, 2)) == "1900年1月2日"  # before any era kept
    assert dates.shown_date(None) == dates.shown_datetime(None) == ""


def test_the_style_is_read_once_however_many_dates(django_assert_num_queries):
    f.AssociationProfileFactory(date_style=dates.ERA)
    dates.forget_style()
    with django_assert_num_queries(1):
        shown = [dates.shown_date(datetime.date(2026, 12, day)) for day in (1, 2, 3)]
    assert shown == ["令和8年12月1日", "令和8年12月2日", "令和8年12月3日"]


def test_a_request_reads_the_style_afresh(client):
    world = unique_world()
    client.force_login(world.a.admin)
    url = reverse("facility:staff_detail", args=[world.a.facility.pk, world.a.staff.pk])
    assert ERA_DAY.search(visible_text(client.get(url))) is None
    # another process changed it: the next request follows, with no save seen here
    AssociationProfile.objects.update(date_style=dates.ERA)
    assert ERA_DAY.search(visible_text(client.get(url)))


def viewer_of(name, world):
    whose, target, _, _ = MATRIX[name]
    side = world.a
    if name == "groups:attended_groups":
        return side.admin  # the physician who attends the facility's group
    if whose == "user" and target:
        return getattr(side, OWN_OBJECT[target])
    return {"center": world.center, "public": None, "user": side.user}.get(whose, side.admin)


@pytest.mark.parametrize("name", SHOWN_GETS)
def test_each_self_service_page_writes_dates_as_chosen(client, name):
    world = unique_world()
    choose(dates.ERA)
    viewer = viewer_of(name, world)
    if viewer is not None:
        client.force_login(viewer)
    url = url_for(name, world.a, MATRIX[name][1])
    response = client.get(url)
    assert response.status_code == 200, url
    if response["Content-Type"].startswith("text/html"):
        assert_no_other_style(response, url)


@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_each_admin_page_of_each_model_writes_dates_as_chosen(client, label):
    """(The profile's own record and history are left out: its choice of style shows an
    example of each.)"""
    from django.contrib import admin

    world = unique_world()
    f.MembershipReviewEntryFactory(review=world.a.review)
    choose(dates.ERA)
    client.force_login(world.center)
    model = next(m for m in admin.site._registry if m._meta.label == label)
    record = model._default_manager.order_by("pk").first()
    for url in admin_urls(model, record):
        response = client.get(url)
        own_example = label == "mcs_admin.AssociationProfile" and f"/{record.pk}/" in url
        if response.status_code == 200 and not own_example:
            assert_no_other_style(response, url)


def test_the_admins_own_pages_write_dates_as_chosen(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = unique_world()
    choose(dates.ERA)
    client.force_login(world.center)
    for url in admin_extras(world):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert_no_other_style(response, url)


def test_the_admin_writes_list_columns_read_only_fields_and_history_as_chosen(client):
    world = unique_world()
    choose(dates.ERA)
    client.force_login(world.center)
    request_list = visible_text(client.get(reverse("admin:facilities_idrequest_changelist")))
    assert ERA_DAY.search(request_list)  # 依頼日時, a column of the list
    pledge = world.a.staff_pledge
    page = visible_text(client.get(reverse("admin:pledges_staffpledge_change", args=[pledge.pk])))
    assert dates.shown_date(pledge.received_on) in page  # 受領日, read-only on the record
    history = reverse("admin:pledges_staffpledge_history", args=[pledge.pk])
    assert ERA_DAY.search(visible_text(client.get(history)))


def test_the_reminders_write_dates_as_chosen(mailoutbox):
    world = unique_world()
    choose(dates.ERA)
    f.LeaveFactory(staff_member=world.a.user.staff_member)
    call_command("send_reminders", stdout=io.StringIO())
    text = " ".join(m.subject + m.body for m in mailoutbox)
    assert ERA_DAY.search(text)
    assert not WESTERN_DAY.search(text) and not ISO_DAY.search(text)


def test_the_roster_pdf_writes_dates_as_chosen(client):
    world = unique_world()
    client.force_login(world.center)
    url = reverse("portal:roster_download", args=["pdf"])
    western = "".join(pages_text(client.get(url).content))
    assert WESTERN_DAY.search(western) and not ERA_DAY.search(western)
    choose(dates.ERA)
    era = "".join(pages_text(client.get(url).content))
    assert ERA_DAY.search(era) and not WESTERN_DAY.search(era)
    assert timezone.localdate().strftime("%Y-%m-%d") not in era
