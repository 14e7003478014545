"""Each way around the upload rules (issue 8, rules of the PDF forms issue): content not as
named, too large, a crafted file name, the files reached without the checking view, a scan
rendered in the browser instead of downloaded."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mcs_admin.documents import document_receive
from mcs_admin.uploads import MAX_BYTES
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def receive(record, upload, by):
    return document_receive(
        document_number=record.document_number, received_on=f.TODAY, scanned_copy=upload, by=by
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", SVG),  # a script in an image's clothes
        ("scan.jpg", HTML),
        ("scan.pdf", b"PK\x03\x04" + b"\x00" * 400),  # a zip (an Office file) named PDF
        ("scan.pdf", b""),
    ],
)
def test_content_that_is_not_a_scan_is_refused_whatever_its_name(center_user, name, content):
    pledge = f.StaffPledgeFactory()
    with pytest.raises(ValidationError):
        receive(pledge, SimpleUploadedFile(name, content), center_user)
    pledge.refresh_from_db()
    assert pledge.scanned_copy.name == ""


def test_ten_megabytes_pass_and_one_byte_more_does_not(center_user):
    pledge = f.StaffPledgeFactory()
    with pytest.raises(ValidationError, match="10 MB"):
        receive(pledge, SimpleUploadedFile("big.pdf", PDF.ljust(MAX_BYTES + 1, b"0")), center_user)
    receive(pledge, SimpleUploadedFile("full.pdf", PDF.ljust(MAX_BYTES, b"0")), center_user)
    pledge.refresh_from_db()
    assert pledge.scanned_copy.size == MAX_BYTES


def test_a_crafted_name_never_reaches_the_disk(center_user, media_root, tmp_path):
    pledge = f.StaffPledgeFactory()
    upload = SimpleUploadedFile("../../static/evil.html.pdf", PDF)
    receive(pledge, upload, center_user)
    pledge.refresh_from_db()
    assert re.fullmatch(r"pledges/[0-9a-f]{32}\.pdf", pledge.scanned_copy.name)
    stored = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert stored == [f"media/{pledge.scanned_copy.name}"]


def test_uploads_are_kept_outside_the_static_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    static_roots = [
        Path(settings.STATIC_ROOT),
        *map(Path, getattr(settings, "STATICFILES_DIRS", [])),
    ]
    for root in static_roots:
        assert not media.is_relative_to(root.resolve())
        assert not root.resolve().is_relative_to(media)


def test_no_url_serves_the_media_directory(center_client, center_user):
    pledge = f.StaffPledgeFactory()
    receive(pledge, SimpleUploadedFile("scan.pdf", PDF), center_user)
    pledge.refresh_from_db()
    assert center_client.get(f"/{settings.MEDIA_URL}{pledge.scanned_copy.name}").status_code == 404
    # the file's URL is the checking view's, never the directory's
    assert pledge.scanned_copy.url.startswith("/scans/")


def test_a_scan_is_always_downloaded_never_shown_as_a_page(center_client, center_user):
    pledge = f.StaffPledgeFactory()
    polyglot = PDF + HTML  # a PDF that a browser sniffing it might take for HTML
    receive(pledge, SimpleUploadedFile("scan.html", polyglot), center_user)
    pledge.refresh_from_db()
    response = center_client.get(pledge.scanned_copy.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert center_client.post(pledge.scanned_copy.url).status_code == 405


def test_only_those_who_run_the_group_download_its_consents_scan(client, center_user):
    world = build_world()
    consent = f.PatientConsentFactory(group=world.a.group, status="prepared")
    receive(consent, SimpleUploadedFile("scan.pdf", PDF), center_user)
    consent.refresh_from_db()
    client.force_login(world.a.admin)
    response = client.get(consent.scanned_copy.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    for login in (world.a.user, world.b.admin):
        client.force_login(login)
        assert client.get(consent.scanned_copy.url).status_code == 404
