"""The pages of signing a consent on the screen (issue 23): shown only while the switch is on
and to those who may obtain the consent; the patient's copy afterwards; all in the access log."""

import pytest
from django.urls import reverse

from consents.models import ConsentSignature, PatientConsent
from mcs_admin.models import AccessLog, AssociationProfile
from tests import factories as f
from tests.signing import data_url, signature_png
from tests.world import build_world, id_holder, login_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=True)
    return world


@pytest.fixture
def group(world):
    return f.CareGroupFactory(
        owner=world.a.facility, attending_physician=world.a.admin.staff_member
    )


@pytest.fixture
def nurse(world, group):
    person = id_holder(world.b.facility)
    f.ConsentDesignationFactory(group=group, staff_member=person)
    return login_for(person, "nurse-b")


def filled(**changes):
    return {
        "patient_name": "三郷 太郎",
        "patient_address": "埼玉県三郷市テスト4-5-6",
        "patient_signature": data_url(signature_png()),
        "family_name": "三郷 花子",
        "family_relationship": "妻",
        "family_address": "埼玉県三郷市テスト4-5-6",
        "family_signature": data_url(signature_png()),
        **changes,
    }


def test_the_page_shows_the_whole_form_prefilled_and_two_signature_boxes(client, group, nurse):
    client.force_login(nurse)

    page = client.get(reverse("groups:consent_sign", args=[group.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "在宅医療における個人情報使用同意書" in html and "患者の個人情報の利用目的" in html
    assert "私は、上記事項について説明を受け、いずれも同意します。" in html
    assert html.count("<canvas") == 2 and "signature_pad.umd.min.js" in html
    assert group.patient.address in html and group.patient.family_name in html
    assert AccessLog.objects.filter(
        user=nurse, action="view", target_type="care_groups.CareGroup", target_ids=[group.pk]
    ).exists()


def test_signing_on_the_page_receives_the_consent_and_offers_the_copy(
    client, group, nurse, mailoutbox
):
    client.force_login(nurse)

    done = client.post(reverse("groups:consent_sign", args=[group.pk]), filled(), follow=True)

    assert done.redirect_chain[-1][0] == reverse("groups:consent_signed", args=[group.pk])
    consent = PatientConsent.objects.get(group=group)
    assert consent.on_record
    assert "同意書に署名し、電子署名して受領しました" in done.content.decode()
    assert AccessLog.objects.filter(user=nurse, action="print", target_ids=[consent.pk]).exists()

    copy = client.get(reverse("groups:consent_signed_copy", args=[group.pk]))
    assert copy["Content-Type"] == "application/pdf"
    assert b"".join(copy) == consent.scanned_copy.open("rb").read()

    sent = client.post(
        reverse("groups:consent_signed", args=[group.pk]), {"email": "hanako@example.jp"}
    )
    assert sent.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["hanako@example.jp"] and group.patient.given_name not in mail.body
    assert mail.attachments[0][0] == f"form4-{consent.document_number}.pdf"
    assert AccessLog.objects.filter(user=nurse, action="export", target_ids=[consent.pk]).exists()


def test_an_empty_box_is_refused_beside_it_and_writes_nothing(client, group, nurse):
    client.force_login(nurse)

    page = client.post(reverse("groups:consent_sign", args=[group.pk]), filled(family_signature=""))

    assert page.status_code == 200
    assert "署名欄に署名してください。" in page.content.decode()
    assert not PatientConsent.objects.filter(group=group).exists()
    assert not ConsentSignature.objects.exists()


def test_the_switch_off_hides_the_path(client, world, group, nurse):
    client.force_login(nurse)
    assert "この端末で同意書に署名" in client.get(reverse("groups:my_groups")).content.decode()
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=False)

    assert client.get(reverse("groups:consent_sign", args=[group.pk])).status_code == 404
    posted = client.post(reverse("groups:consent_sign", args=[group.pk]), filled())
    assert posted.status_code == 404
    assert not PatientConsent.objects.filter(group=group).exists()
    assert "この端末で同意書に署名" not in client.get(reverse("groups:my_groups")).content.decode()
    client.force_login(world.a.admin)
    detail = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()
    assert "この端末で同意書に署名" not in detail


def test_the_physician_finds_the_path_on_the_groups_page(client, world, group):
    client.force_login(world.a.admin)

    detail = client.get(reverse("groups:group_detail", args=[group.pk])).content.decode()

    assert reverse("groups:consent_sign", args=[group.pk]) in detail


def test_someone_who_may_not_obtain_the_consent_finds_no_page(client, world, group):
    client.force_login(world.a.user)  # staff of the owner, not designated

    assert client.get(reverse("groups:consent_sign", args=[group.pk])).status_code == 404
    assert client.post(reverse("groups:consent_sign", args=[group.pk]), filled()).status_code == 404
    assert not PatientConsent.objects.filter(group=group).exists()
