"""Staff pledges (様式3) signed on the screen (issue 23): who may, what it refuses, and what a
signing leaves: a sealed PDF received as the pledge's scan, its record, the ID that can follow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from facilities.models import StaffMember
from facilities.services import account_issue, has_pledge
from mcs_admin.models import AccessLog, AssociationProfile, PaperStatus
from mcs_admin.sealing import verify_pdf
from mcs_admin.signing import Origin
from pledges.models import StaffPledge, StaffPledgeSignature
from pledges.services import staff_pledge_sign_on_screen
from tests import factories as f
from tests.signing import data_url, signature_png
from tests.world import build_world

ORIGIN = Origin(user_agent="Tablet test", ip_address="192.0.2.7")


@pytest.fixture
def world():
    world = build_world()
    AssociationProfile.objects.update(on_screen_signing=True)
    return world


def written() -> tuple[int, int, int]:
    return (
        StaffPledgeSignature.objects.count(),
        StaffPledge.objects.filter(status=PaperStatus.RECEIVED).count(),
        AccessLog.objects.filter(action=AccessLog.Action.PRINT).count(),
    )


def sign(pledge, by, signature=None):
    return staff_pledge_sign_on_screen(
        pledge=pledge,
        signature=signature_png() if signature is None else signature,
        by=by,
        origin=ORIGIN,
    )


def stored_pdf(pledge) -> bytes:
    pledge.refresh_from_db()
    with pledge.scanned_copy.open("rb") as stored:
        return stored.read()


@pytest.mark.django_db
def test_signed_under_the_own_login_the_pledge_is_on_record_and_sealed(world):
    user = world.a.user
    pledge = user.staff_member.pledges.get()

    record = sign(pledge, user)

    pledge.refresh_from_db()
    assert pledge.status == PaperStatus.RECEIVED and pledge.on_record
    assert pledge.signed_on == pledge.received_on
    assert record.own_session and record.witness is None and record.obtained_by == user
    assert record.policy_version == pledge.policy_version
    assert (record.user_agent, record.ip_address) == ("Tablet test", "192.0.2.7")
    check = verify_pdf(stored_pdf(pledge))
    assert check.ok, check.summary
    assert AccessLog.objects.filter(
        action=AccessLog.Action.PRINT, target_ids=[pledge.pk], user=user
    ).exists()


@pytest.mark.django_db
def test_on_the_administrators_session_the_administrator_is_the_witness_and_the_id_follows(
    world,
):
    newcomer = f.StaffMemberFactory(facility=world.a.facility)
    pledge = f.StaffPledgeFactory(staff_member=newcomer)
    with pytest.raises(ValidationError):
        account_issue(staff_member=newcomer, login_id="newcomer01", by=world.center)

    record = sign(pledge, world.a.admin)

    assert not record.own_session and record.witness == world.a.admin
    assert has_pledge(newcomer)
    account = account_issue(staff_member=newcomer, login_id="newcomer01", by=world.center)
    assert account.staff_member == newcomer


@pytest.mark.django_db
def test_verify_signed_passes_then_fails_after_one_byte_changes(world, capsys):
    pledge = world.a.staff_pledge
    sign(pledge, world.a.admin)

    call_command("verify_signed", pledge.document_number)
    assert "F3-" in capsys.readouterr().out

    pdf = bytearray(stored_pdf(pledge))
    pdf[len(pdf) // 2] ^= 0x01
    with pledge.scanned_copy.open("wb") as stored:
        stored.write(bytes(pdf))
    with pytest.raises(CommandError):
        call_command("verify_signed", pledge.document_number)


def refused(pledge, by, *, signature=None, error=ValidationError) -> str:
    before = written()
    with pytest.raises(error) as refusal:
        sign(pledge, by, signature)
    assert written() == before, "a refusal writes nothing"
    pledge.refresh_from_db()
    assert pledge.status == PaperStatus.PREPARED and not pledge.scanned_copy
    return " ".join(getattr(refusal.value, "messages", [str(refusal.value)]))


@pytest.mark.django_db
def test_refused_while_the_switch_is_off(world):
    AssociationProfile.objects.update(on_screen_signing=False)
    message = refused(world.a.staff_pledge, world.a.admin)
    assert "協会プロファイル" in message or "オフ" in message


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["user-a", "admin-b", "center"])
def test_refused_to_anyone_but_the_person_and_the_facilitys_administrators(world, who):
    by = {"user-a": world.a.user, "admin-b": world.b.admin, "center": world.center}[who]
    message = refused(world.a.staff_pledge, by, error=PermissionDenied)
    assert "事業所のMCS管理者" in message


@pytest.mark.django_db
def test_refused_when_the_pledge_is_on_record(world):
    pledge = world.a.staff_pledge
    sign(pledge, world.a.admin)
    before = written()
    with pytest.raises(ValidationError) as refusal:
        sign(pledge, world.a.admin)
    assert written() == before
    assert "既に" in " ".join(refusal.value.messages)


@pytest.mark.django_db
@pytest.mark.parametrize("signature", [b"", signature_png(drawn=False), b"not a png"])
def test_refused_with_an_empty_signature_box(world, signature):
    message = refused(world.a.staff_pledge, world.a.admin, signature=signature)
    assert message == "署名欄に署名してください。"


@pytest.mark.django_db
def test_the_pages_sign_on_the_administrators_session_and_the_download_is_logged(client, world):
    pledge = world.a.staff_pledge
    client.force_login(world.a.admin)
    url = reverse("pledges:staff_pledge_sign", args=[world.a.facility.pk, pledge.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "業務情報保持に関する誓約書" in html and "第５条" in html
    assert pledge.staff_member.full_name in html

    response = client.post(url, {"signature": data_url(signature_png())})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.on_record and pledge.signature.witness == world.a.admin
    listing = client.get(reverse("pledges:pledges", args=[world.a.facility.pk]))
    assert pledge.scanned_copy.url in listing.content.decode()
    download = client.get(pledge.scanned_copy.url)
    assert download.status_code == 200
    assert verify_pdf(b"".join(download.streaming_content)).ok
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, target_ids=[pledge.pk], user=world.a.admin
    ).exists()


@pytest.mark.django_db
def test_the_own_page_signs_and_downloads_the_sealed_pdf(client, world):
    user = world.a.user
    client.force_login(user)
    assert reverse("pledges:my_pledge_sign") in client.get(reverse("portal:me")).content.decode()

    empty = client.post(reverse("pledges:my_pledge_sign"), {"signature": ""})
    assert empty.status_code == 200 and "署名欄に署名してください。" in empty.content.decode()
    assert not StaffPledgeSignature.objects.exists()

    client.post(reverse("pledges:my_pledge_sign"), {"signature": data_url(signature_png())})
    download = client.get(reverse("pledges:my_pledge_signed"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert verify_pdf(download.content).ok
    pledge = user.staff_member.pledges.get()
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, target_ids=[pledge.pk], user=user
    ).exists()


@pytest.mark.django_db
def test_the_switch_off_hides_the_pages_and_their_links(client, world):
    AssociationProfile.objects.update(on_screen_signing=False)
    client.force_login(world.a.admin)
    pledge = world.a.staff_pledge
    url = reverse("pledges:staff_pledge_sign", args=[world.a.facility.pk, pledge.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("pledges:my_pledge_sign")).status_code == 404
    listing = client.get(reverse("pledges:pledges", args=[world.a.facility.pk]))
    assert url not in listing.content.decode()
    own_page = client.get(reverse("portal:me")).content.decode()
    assert reverse("pledges:my_pledge_sign") not in own_page


@pytest.mark.django_db
def test_a_person_without_an_address_is_sent_back_to_fill_it_in(client, world):
    pledge = world.a.staff_pledge
    StaffMember.objects.filter(pk=pledge.staff_member_id).update(address="")
    client.force_login(world.a.admin)
    url = reverse("pledges:staff_pledge_sign", args=[world.a.facility.pk, pledge.pk])

    response = client.get(url, follow=True)

    assert response.redirect_chain[0][0] == reverse("pledges:pledges", args=[world.a.facility.pk])
    assert "住所を入力してください" in response.content.decode()
    assert client.post(url, {"signature": data_url(signature_png())}).status_code == 302
    assert not StaffPledgeSignature.objects.exists()


@pytest.mark.django_db
def test_the_staff_pledge_admin_verifies_a_pledge_signed_on_the_screen(client, world):
    pledge = world.a.staff_pledge
    sign(pledge, world.a.admin)
    client.force_login(world.center)
    verify = reverse("admin:pledges_staffpledge_verify_signed", args=[pledge.pk])

    change = client.get(reverse("admin:pledges_staffpledge_change", args=[pledge.pk]))
    assert verify in change.content.decode()
    checked = client.get(verify, follow=True)
    [message] = list(checked.context["messages"])
    assert message.level_tag == "success" and pledge.document_number in message.message
