"""Returned paper: receiving by document number, scanned copies checked and served safely."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from mcs_admin.documents import document_receive
from mcs_admin.pdf import render_form
from pledges.pdf import STAFF_PLEDGE_FORM
from tests import factories as f
from tests.html_forms import form_data
from tests.pdf_reading import qr_codes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_qr_code_printed_finds_and_receives_the_right_record(center_user):
    f.AssociationProfileFactory()
    pledges = f.StaffPledgeFactory.create_batch(3, staff_member__address="埼玉県三郷市1-1")
    pdf = render_form(STAFF_PLEDGE_FORM, pledges)
    (scanned,) = qr_codes(pdf, page=2)
    received = document_receive(document_number=scanned, received_on=f.TODAY, by=center_user)
    assert received == pledges[1]
    statuses = [(p.refresh_from_db(), p.status, p.received_on)[1:] for p in pledges]
    assert statuses == [("prepared", None), ("received", f.TODAY), ("prepared", None)]
    assert pledges[1].history.latest().history_user == center_user


@pytest.mark.parametrize(
    "factory",
    [
        f.UsageApplicationFactory,
        f.FacilityPledgeFactory,
        f.StaffPledgeFactory,
        f.PatientConsentFactory,
    ],
)
def test_every_form_is_received_by_the_same_service(factory, center_user, media_root):
    record = factory()
    scan = SimpleUploadedFile("ご本人の誓約書.PDF", PDF)
    document_receive(
        document_number=record.document_number,
        received_on=f.TODAY,
        scanned_copy=scan,
        by=center_user,
    )
    record.refresh_from_db()
    assert (record.status, record.received_on) == ("received", f.TODAY)
    stored = record.scanned_copy.name
    assert stored.startswith(f"{record._meta.app_label}/") and stored.endswith(".pdf")
    assert "誓約書" not in stored  # a generated name
    assert (media_root / stored).read_bytes() == PDF


def test_receiving_twice_or_an_exemption_is_refused(center_user):
    pledge = f.StaffPledgeFactory()
    document_receive(document_number=pledge.document_number, received_on=f.TODAY, by=center_user)
    with pytest.raises(ValidationError, match="すでに「受領済」"):
        document_receive(
            document_number=pledge.document_number, received_on=f.TODAY, by=center_user
        )
    exemption = f.StaffPledgeFactory(basis="exemption", exemption_note="入職時")
    with pytest.raises(ValidationError, match="免除"):
        document_receive(
            document_number=exemption.document_number, received_on=f.TODAY, by=center_user
        )
    with pytest.raises(ValidationError, match="見つかりません"):
        document_receive(document_number="F3-2026-99999", received_on=f.TODAY, by=center_user)


def test_bad_dates_are_refused_and_nothing_is_written(center_user):
    pledge = f.FacilityPledgeFactory(prepared_on=f.TODAY)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day, message in [(tomorrow, "未来"), (f.TODAY - datetime.timedelta(days=1), "作成日")]:
        with pytest.raises(ValidationError, match=message):
            document_receive(
                document_number=pledge.document_number, received_on=day, by=center_user
            )
    pledge.refresh_from_db()
    assert (pledge.status, pledge.history.count()) == ("prepared", 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"just text, named like a PDF" * 20, "PDF、JPEG または PNG"),
        ("scan.exe", b"MZ\x90\x00" + b"\x00" * 400, "PDF、JPEG または PNG"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "10 MB"),
    ],
)
def test_uploads_are_checked_by_content_and_size(center_user, name, content, message):
    pledge = f.StaffPledgeFactory()
    with pytest.raises(ValidationError, match=message):
        document_receive(
            document_number=pledge.document_number,
            received_on=f.TODAY,
            scanned_copy=SimpleUploadedFile(name, content),
            by=center_user,
        )
    pledge.refresh_from_db()
    assert (pledge.status, pledge.scanned_copy.name) == ("prepared", "")


def test_a_png_named_pdf_is_stored_as_png(center_user):
    pledge = f.StaffPledgeFactory()
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", png()),
        by=center_user,
    )
    pledge.refresh_from_db()
    assert pledge.scanned_copy.name.endswith(".png")


def test_the_receiving_page_looks_up_and_receives(center_client):
    pledge = f.StaffPledgeFactory(staff_member__family_name="受領")
    url = reverse("admin:receive_documents")
    index = center_client.get(reverse("admin:index")).content.decode()
    assert url in index

    # a USB scanner types the number (here with the IME on) and presses Enter
    page = center_client.get(url, {"number": pledge.document_number.replace("-", "－")})
    assert page.status_code == 200 and page.context["record"] == pledge
    html = page.content.decode()
    assert "受領" in html and 'id="receive_form"' in html

    response = center_client.post(
        url,
        {
            "number": pledge.document_number,
            "received_on": "2026-04-03",
            "scanned_copy": SimpleUploadedFile("scan.png", png()),
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.received_on) == ("received", datetime.date(2026, 4, 3))
    follow = center_client.get(response.url)
    assert pledge.document_number in follow.content.decode()  # the message says what was done

    again = center_client.get(url, {"number": pledge.document_number})
    assert again.context["receive_form"] is None  # received: nothing more to do
    exemption = f.StaffPledgeFactory(basis="exemption", exemption_note="入職時")
    shown = center_client.get(url, {"number": exemption.document_number})
    assert shown.context["record"] == exemption and shown.context["receive_form"] is None


def test_the_receiving_page_shows_errors_beside_the_fields(center_client):
    pledge = f.StaffPledgeFactory()
    url = reverse("admin:receive_documents")
    unknown = center_client.get(url, {"number": "F3-1999-00001"})
    assert "見つかりません" in unknown.content.decode()
    bad = center_client.post(
        url,
        {
            "number": pledge.document_number,
            "received_on": "2026-04-03",
            "scanned_copy": SimpleUploadedFile("scan.pdf", b"not a pdf" * 50),
        },
    )
    assert bad.status_code == 200
    assert "scanned_copy" in bad.context["receive_form"].errors
    pledge.refresh_from_db()
    assert pledge.status == "prepared"


def test_the_receiving_page_needs_permission(client):
    clerk = f.UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:receive_documents")).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="change_facilitypledge"))
    pledge = f.StaffPledgeFactory()
    page = client.get(reverse("admin:receive_documents"), {"number": pledge.document_number})
    assert page.status_code == 200 and page.context["record"] is None  # not theirs to see


def test_scanned_copies_are_served_only_with_permission_as_attachments(client, center_user):
    pledge = f.StaffPledgeFactory()
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", PDF),
        by=center_user,
    )
    pledge.refresh_from_db()
    url = pledge.scanned_copy.url
    assert url == reverse("scanned-copy", args=[pledge.scanned_copy.name])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(url).status_code == 404  # as if it did not exist
    client.force_login(center_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{pledge.document_number}.pdf"'
    )
    assert b"".join(response.streaming_content) == PDF
    assert (
        client.get(reverse("scanned-copy", args=["pledges/../../settings.py"])).status_code == 404
    )


def test_the_change_page_links_the_scan_through_the_checking_view(center_client, center_user):
    consent = f.PatientConsentFactory()
    document_receive(
        document_number=consent.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", PDF),
        by=center_user,
    )
    consent.refresh_from_db()
    url = reverse("admin:consents_patientconsent_change", args=[consent.pk])
    html = center_client.get(url).content.decode()
    assert reverse("scanned-copy", args=[consent.scanned_copy.name]) in html


def test_an_upload_through_the_change_page_is_checked_too(center_client):
    pledge = f.FacilityPledgeFactory()
    url = reverse("admin:pledges_facilitypledge_change", args=[pledge.pk])
    data = form_data(center_client.get(url).content.decode(), "facilitypledge_form")
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a scan</html>" * 20)
    response = center_client.post(url, {**data, "scanned_copy": fake, "_save": ""})
    assert response.status_code == 200
    assert "scanned_copy" in response.context["adminform"].form.errors
    real = SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 400)
    response = center_client.post(url, {**data, "scanned_copy": real, "_save": ""})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.scanned_copy.name.endswith(".jpg")
