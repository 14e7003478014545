"""A consent (様式4) signed on the screen (issue 23): who may, what it refuses, what it seals."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consents.models import ConsentSignature, PatientConsent
from consents.services import consent_sign_on_screen
from groups import services as group_services
from groups.models import Membership
from mcs_admin.models import AccessLog, AssociationProfile, PolicyVersion
from mcs_admin.sealing import verify_pdf
from mcs_admin.signing import Origin, sha256, verify_signed
from tests import factories as f
from tests.signing import signature_png
from tests.world import build_world, id_holder, login_for

pytestmark = pytest.mark.django_db

ORIGIN = Origin(user_agent="Mozilla/5.0 (iPad)", ip_address="192.0.2.10")


@pytest.fixture
def world():
    world = build_world()
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=True)
    return world


@pytest.fixture
def group(world):
    """A patient group of facility A without a consent, its physician A's administrator."""
    return f.CareGroupFactory(
        owner=world.a.facility, attending_physician=world.a.admin.staff_member
    )


@pytest.fixture
def nurse(world, group):
    """A visiting nurse of facility B whom the physician designated for the group."""
    person = id_holder(world.b.facility)
    f.ConsentDesignationFactory(group=group, staff_member=person)
    return login_for(person, "nurse-b")


def sign(group, by, **changes):
    values = {
        "group": group,
        "by": by,
        "origin": ORIGIN,
        "patient_name": "三郷 太郎",
        "patient_address": "埼玉県三郷市テスト4-5-6",
        "patient_signature": signature_png(),
        "family_name": "三郷 花子",
        "family_relationship": "妻",
        "family_address": "埼玉県三郷市テスト4-5-6",
        "family_signature": signature_png(),
    }
    return consent_sign_on_screen(**{**values, **changes})


def nothing_written(group):
    assert not PatientConsent.objects.filter(group=group).exists()
    assert not ConsentSignature.objects.exists()


def test_a_designated_nurse_gets_the_consent_signed_and_the_group_opens(world, group, nurse):
    outsider = id_holder(world.b.facility)
    outsider_login = login_for(outsider, "outsider-b")
    invitation = group_services.membership_invite(
        group=group, staff_member=outsider, by=world.a.admin
    )
    group_services.membership_accept(membership=invitation, by=outsider_login)
    with pytest.raises(ValidationError, match="第6条"):
        group_services.membership_approve(membership=invitation, by=world.b.admin)

    signature = sign(group, nurse)

    consent = signature.consent
    consent.refresh_from_db()
    assert consent.status == PatientConsent.Status.RECEIVED and consent.on_record
    assert consent.obtained_by == nurse.staff_member and consent.signed_on == timezone.localdate()
    assert signature.obtained_by == nurse
    assert (signature.user_agent, signature.ip_address) == (ORIGIN.user_agent, ORIGIN.ip_address)
    assert signature.policy_version == PolicyVersion.current()
    stored = consent.scanned_copy.open("rb").read()
    assert signature.pdf_sha256 == sha256(stored)
    check = verify_pdf(stored)
    assert check.intact and check.valid and check.trusted
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored)).pages)
    assert "在宅医療における個人情報使用同意書" in text and "患者の個人情報の利用目的" in text
    assert consent.document_number in text and "三郷　太郎" in text
    assert (
        group_services.membership_approve(membership=invitation, by=world.b.admin).status
        == Membership.Status.APPROVED
    )


def test_the_attending_physician_signs_a_printed_consent_not_yet_back_in_its_place(world, group):
    printed = f.PatientConsentFactory(group=group, status="prepared")

    signature = sign(group, world.a.admin, family_name="", family_signature=None)

    assert signature.consent.pk == printed.pk
    printed.refresh_from_db()
    assert printed.status == "received" and printed.obtained_by == world.a.admin.staff_member
    assert bytes(signature.family_signature) == b""


def test_a_proxy_signs_for_a_patient_who_cannot(world, group, nurse):
    signature = sign(group, nurse, patient_proxy_name="三郷 花子", patient_proxy_relationship="妻")

    stored = signature.consent.scanned_copy.open("rb").read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored)).pages)
    assert "代筆" in text and "妻" in text


def test_a_proxy_without_a_relationship_is_refused(world, group, nurse):
    with pytest.raises(ValidationError, match="続柄"):
        sign(group, nurse, patient_proxy_name="三郷 花子")
    nothing_written(group)


def test_the_switch_off_refuses(world, group, nurse):
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=False)

    with pytest.raises(ValidationError, match="オフ"):
        sign(group, nurse)
    nothing_written(group)


@pytest.mark.parametrize("who", ["member of the owner", "designation ended", "center"])
def test_neither_the_physician_nor_a_designated_person_is_refused(world, group, nurse, who):
    if who == "designation ended":
        by = nurse
        group.consent_designations.update(ended_on=timezone.localdate())
    else:
        by = world.a.user if who == "member of the owner" else world.center

    with pytest.raises(PermissionDenied, match="独自ルール 1"):
        sign(group, by)
    nothing_written(group)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patient_signature": None}, "patient_signature"),
        ({"family_signature": None}, "family_signature"),
        ({"family_name": ""}, "family_name"),
    ],
    ids=["patient-box-empty", "family-box-empty", "family-signed-without-a-name"],
)
def test_an_empty_signature_box_is_refused(world, group, nurse, changes, field):
    with pytest.raises(ValidationError) as refused:
        sign(group, nurse, **changes)
    assert field in refused.value.message_dict
    nothing_written(group)


def test_a_consent_on_record_is_not_signed_again(world, group, nurse):
    sign(group, nurse)

    with pytest.raises(ValidationError, match="既に"):
        sign(group, nurse)
    assert ConsentSignature.objects.count() == 1
    assert PatientConsent.objects.filter(group=group).count() == 1


def test_a_device_of_another_facility_is_refused(world, group, nurse):
    with pytest.raises(ValidationError) as refused:
        sign(group, nurse, device=world.a.device)
    assert "device" in refused.value.message_dict
    nothing_written(group)


def test_verify_signed_says_who_obtained_it_and_fails_after_one_byte_changes(world, group, nurse):
    signature = sign(group, nurse)
    number = signature.consent.document_number
    out = io.StringIO()

    call_command("verify_signed", number, stdout=out)

    assert number in out.getvalue() and "nurse-b" not in out.getvalue()
    assert nurse.get_full_name() in out.getvalue()
    assert verify_signed(signature.consent).ok

    stored = signature.consent.scanned_copy
    data = bytearray(stored.open("rb").read())
    data[len(data) // 3] ^= 0x01
    with stored.storage.open(stored.name, "wb") as rewritten:
        rewritten.write(bytes(data))

    with pytest.raises(CommandError, match="検証失敗"):
        call_command("verify_signed", number)
    assert not verify_signed(signature.consent).ok


def test_verify_signed_refuses_an_unknown_number_and_a_paper_consent(world):
    with pytest.raises(CommandError, match="F4-2000-99999"):
        call_command("verify_signed", "F4-2000-99999")
    with pytest.raises(CommandError, match="画面で署名されたものではありません"):
        call_command("verify_signed", world.a.consent.document_number)


def test_the_admins_button_verifies_the_signature_and_is_in_the_access_log(world, group, nurse):
    signature = sign(group, nurse)
    consent = signature.consent
    client = Client()
    client.force_login(world.center)
    change = reverse("admin:consents_patientconsent_change", args=[consent.pk])
    verify = reverse("admin:consents_patientconsent_verify_signed", args=[consent.pk])

    assert verify in client.get(change).content.decode()
    page = client.get(verify, follow=True)

    message = next(iter(page.context["messages"]))
    assert message.level_tag == "success" and consent.document_number in message.message
    assert nurse.get_full_name() in message.message
    assert AccessLog.objects.filter(
        user=world.center, action="view", target_type="consents.PatientConsent"
    ).exists()
    paper = reverse("admin:consents_patientconsent_change", args=[world.a.consent.pk])
    assert "verify-signed" not in client.get(paper).content.decode()
