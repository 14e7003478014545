"""Notices from the center with read receipts (issue 22): publishing fixes the audience as one
receipt per facility, a facility's administrator confirms reading for the facility once, the
center sees who has not read; each transition allowed and refused, with its history entry."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mcs_admin.models import AccessLog
from office.models import Notice, NoticeReceipt
from office.notices import (
    facility_notices,
    notice_audience,
    notice_confirm_read,
    notice_publish,
    notice_receipts_for,
    notice_withdraw,
    notices_for,
)
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    return build_world()


def draft_to(*facilities, **fields):
    notice = f.NoticeFactory(audience=Notice.Audience.CHOSEN, **fields)
    notice.facilities.set(facilities)
    return notice


def written():
    return (
        Notice.history.count(),
        NoticeReceipt.history.count(),
        NoticeReceipt.objects.filter(read_at__isnull=False).count(),
    )


# audience


def test_the_audience_is_every_active_facility_a_category_or_the_chosen_ones(world):
    pharmacy = f.FacilityFactory(category="pharmacy")
    f.FacilityFactory(category="pharmacy", status="withdrawn")
    active = {world.a.facility, world.b.facility, pharmacy}

    assert set(notice_audience(f.NoticeFactory())) == active
    by_category = f.NoticeFactory(audience=Notice.Audience.CATEGORIES, categories=["pharmacy"])
    assert set(notice_audience(by_category)) == {pharmacy}
    assert set(notice_audience(draft_to(world.b.facility))) == {world.b.facility}


def test_a_notice_to_categories_names_at_least_one_known_category():
    with pytest.raises(ValidationError) as error:
        f.NoticeFactory.build(audience=Notice.Audience.CATEGORIES).full_clean()
    assert error.value.message_dict["categories"] == ["事業所種別を1つ以上選んでください。"]
    with pytest.raises(ValidationError) as error:
        f.NoticeFactory.build(audience="categories", categories=["casino"]).full_clean()
    assert error.value.message_dict["categories"] == ["事業所種別は一覧から選んでください。"]


# publish


def test_the_center_publishes_a_draft_to_each_facility_of_its_audience(world):
    notice = f.NoticeFactory(audience=Notice.Audience.CATEGORIES, categories=["hospital_clinic"])
    published = notice_publish(notice=notice, by=world.center)

    assert published.status == Notice.Status.PUBLISHED
    assert published.published_by == world.center and published.published_at
    receipts = NoticeReceipt.objects.filter(notice=notice)
    assert {r.facility for r in receipts} == {world.a.facility, world.b.facility}
    assert all(r.read_at is None for r in receipts)
    entry = notice.history.latest()
    assert (entry.status, entry.history_type, entry.history_user) == (
        "published",
        "~",
        world.center,
    )
    assert {r.history.get().history_user for r in receipts} == {world.center}


@pytest.mark.parametrize("who", ["admin", "user"])
def test_only_the_center_publishes(world, who):
    notice = f.NoticeFactory()
    before = written()
    with pytest.raises(PermissionDenied):
        notice_publish(notice=notice, by=getattr(world.a, who))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    assert written() == before


def test_a_notice_is_published_once(world):
    before = written()
    with pytest.raises(ValidationError) as error:
        notice_publish(notice=world.a.notice, by=world.center)
    assert error.value.messages == ["お知らせが「公開中」の間はできません。"]
    assert written() == before


def test_a_notice_to_no_active_facility_is_not_published(world):
    notice = draft_to(f.FacilityFactory(status="withdrawn"))
    before = written()
    with pytest.raises(ValidationError) as error:
        notice_publish(notice=notice, by=world.center)
    assert error.value.messages == ["このお知らせの宛先に該当する利用中の事業所がありません。"]
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    assert written() == before


# withdraw


def test_the_center_withdraws_a_published_notice_and_the_facilities_no_longer_see_it(world):
    notice = notice_withdraw(notice=world.a.notice, by=world.center)
    assert notice.status == Notice.Status.WITHDRAWN
    assert notice.withdrawn_by == world.center
    entry = notice.history.latest()
    assert (entry.status, entry.history_user) == ("withdrawn", world.center)
    assert not notices_for(world.a.admin).exists()
    assert NoticeReceipt.objects.filter(notice=notice).count() == 1  # kept as it was


def test_a_draft_or_withdrawn_notice_is_not_withdrawn_and_only_by_the_center(world):
    for notice in (f.NoticeFactory(), notice_withdraw(notice=world.b.notice, by=world.center)):
        before = written()
        with pytest.raises(ValidationError):
            notice_withdraw(notice=notice, by=world.center)
        assert written() == before
    before = written()
    with pytest.raises(PermissionDenied):
        notice_withdraw(notice=world.a.notice, by=world.a.admin)
    assert written() == before
    assert Notice.objects.get(pk=world.a.notice.pk).status == Notice.Status.PUBLISHED


# confirm reading


def test_an_administrator_confirms_reading_for_the_facility(world):
    notice = notice_publish(notice=draft_to(world.a.facility, world.b.facility), by=world.center)
    receipt = notice_confirm_read(notice=notice, facility=world.a.facility, by=world.a.admin)
    assert receipt.read_by == world.a.admin and receipt.read_at
    entry = receipt.history.latest()
    assert (entry.history_type, entry.history_user, entry.read_by) == (
        "~",
        world.a.admin,
        world.a.admin,
    )
    unread = NoticeReceipt.objects.get(notice=notice, facility=world.b.facility)
    assert unread.read_at is None  # per facility: B has not read it


def test_reading_is_confirmed_once_with_a_clear_message(world):
    before = written()
    with pytest.raises(ValidationError) as error:
        notice_confirm_read(notice=world.a.notice, facility=world.a.facility, by=world.a.admin)
    (message,) = error.value.messages
    assert message.startswith("既読確認は") and str(world.a.admin) in message
    assert written() == before


@pytest.mark.parametrize("who", ["center", "a.user", "b.admin"])
def test_only_an_administrator_of_the_facility_confirms(world, who):
    notice = notice_publish(notice=draft_to(world.a.facility), by=world.center)
    login = world.center if who == "center" else getattr(getattr(world, who[0]), who[2:])
    before = written()
    with pytest.raises(PermissionDenied):
        notice_confirm_read(notice=notice, facility=world.a.facility, by=login)
    assert written() == before


def test_a_facility_outside_the_audience_or_a_withdrawn_notice_is_not_confirmed(world):
    to_b = notice_publish(notice=draft_to(world.b.facility), by=world.center)
    before = written()
    with pytest.raises(PermissionDenied):
        notice_confirm_read(notice=to_b, facility=world.a.facility, by=world.a.admin)
    assert written() == before

    withdrawn = notice_publish(notice=draft_to(world.a.facility), by=world.center)
    notice_withdraw(notice=withdrawn, by=world.center)
    before = written()
    with pytest.raises(ValidationError):
        notice_confirm_read(notice=withdrawn, facility=world.a.facility, by=world.a.admin)
    assert written() == before


# selectors


def test_each_login_sees_the_published_notices_of_its_facilities(world):
    draft = draft_to(world.a.facility)
    assert set(notices_for(world.center)) == {world.a.notice, world.b.notice, draft}
    assert set(notices_for(world.a.admin)) == {world.a.notice}
    assert set(notices_for(world.b.admin)) == {world.b.notice}
    assert not notices_for(world.a.user).exists()  # notices are for the administrators
    assert set(notice_receipts_for(world.a.admin)) == {world.a.notice.receipts.get()}
    assert not notice_receipts_for(world.a.user).exists()


def test_a_facility_lists_its_unread_notices_first(world):
    unread = notice_publish(notice=draft_to(world.a.facility), by=world.center)
    listed = [r.notice for r in facility_notices(world.a.admin, world.a.facility)]
    assert listed == [unread, world.a.notice]


# pages


def test_the_dashboard_shows_unread_notices_and_the_administrator_confirms_reading(client, world):
    notice = notice_publish(
        notice=draft_to(world.a.facility, title="年末年始の休業について"), by=world.center
    )
    client.force_login(world.a.admin)
    dashboard = client.get(reverse("facility:dashboard", args=[world.a.facility.pk]))
    assert "未読のサポートセンターからのお知らせ" in dashboard.content.decode()
    assert "年末年始の休業について" in dashboard.content.decode()

    url = reverse("notices:notice_detail", args=[world.a.facility.pk, notice.pk])
    assert "読みました" in client.get(url).content.decode()
    response = client.post(reverse("notices:notice_read", args=[world.a.facility.pk, notice.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "事業所としてお知らせの既読を確認しました。"
    ]
    assert NoticeReceipt.objects.get(notice=notice).read_by == world.a.admin
    dashboard = client.get(reverse("facility:dashboard", args=[world.a.facility.pk]))
    assert "年末年始の休業について" not in dashboard.content.decode()

    again = client.post(reverse("notices:notice_read", args=[world.a.facility.pk, notice.pk]))
    (message,) = [str(m) for m in get_messages(again.wsgi_request)]
    assert message.startswith("既読確認は")


def test_another_facility_cannot_open_or_confirm_a_notice(client, world):
    client.force_login(world.b.admin)
    for name in ("notice_detail", "notice_read"):
        for facility in (world.a.facility, world.b.facility):
            url = reverse(f"notices:{name}", args=[facility.pk, world.a.notice.pk])
            method = client.post if name == "notice_read" else client.get
            assert method(url).status_code == 404, (name, facility)


def test_the_attachment_is_downloaded_by_its_audience_and_logged(client, world):
    notice = draft_to(world.a.facility)
    notice.attachment = SimpleUploadedFile("案内.pdf", PDF, content_type="application/pdf")
    notice.full_clean()
    notice.save()
    notice_publish(notice=notice, by=world.center)
    url = notice.attachment.url
    assert url.startswith(reverse("scanned-copy", args=["x"])[:-1])

    client.force_login(world.b.admin)
    assert client.get(url).status_code == 404
    client.force_login(world.a.admin)
    before = AccessLog.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    (entry,) = AccessLog.objects.all()[: AccessLog.objects.count() - before]
    assert (entry.user, entry.target_type, entry.target_ids) == (
        world.a.admin,
        "office.Notice",
        [notice.pk],
    )


def test_an_attachment_is_a_pdf_or_an_image():
    notice = f.NoticeFactory.build(
        attachment=SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20, content_type="text/plain")
    )
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "attachment" in error.value.message_dict


# the center's admin


def test_the_center_publishes_in_the_admin_and_sees_the_unread_facilities(center_client, world):
    notice = draft_to(world.a.facility, world.b.facility, title="研修会のご案内")
    changelist = reverse("admin:office_notice_changelist")
    response = center_client.post(
        changelist,
        {"action": "notice_publish", "_selected_action": [notice.pk]},
        follow=True,
    )
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    notice_confirm_read(notice=notice, facility=world.b.facility, by=world.b.admin)

    page = center_client.get(changelist).content.decode()
    assert "1 / 2" in page  # read of the facilities
    unread = center_client.get(
        reverse("admin:office_noticereceipt_changelist"),
        {"notice__id__exact": notice.pk, "read": "no"},
    )
    assert [r.facility for r in unread.context["cl"].result_list] == [world.a.facility]

    change = center_client.get(reverse("admin:office_notice_change", args=[notice.pk]))
    assert "2事業所のうち1事業所が既読確認しました。" in change.content.decode()
    assert {"title", "body", "audience_label"} <= set(change.context["adminform"].readonly_fields)
    assert 'name="_save"' not in change.content.decode()  # a sent notice is read, not saved


def test_a_refused_publication_in_the_admin_changes_nothing(center_client, world):
    notice = draft_to(f.FacilityFactory(status="suspended"))
    before = written()
    response = center_client.post(
        reverse("admin:office_notice_changelist"),
        {"action": "notice_publish", "_selected_action": [notice.pk]},
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "このお知らせの宛先に該当する利用中の事業所がありません。" in messages
    assert written() == before
