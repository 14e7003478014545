"""Scanned copies in S3-compatible storage (moto in process): stored privately in the bucket
under their generated names, never overwritten, and served only through the view that checks
permission, exactly as from the local disk."""

import re

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from mcs_admin.backup import backup_create, backup_restore
from mcs_admin.documents import document_receive
from mcs_admin.uploads import ProtectedS3Storage
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db

BUCKET = "mcs-scans"
REGION = "ap-northeast-1"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def bucket(settings, tmp_path):
    """The uploads' storage is a private bucket; MEDIA_ROOT stays empty to show it is unused."""
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "mcs_admin.uploads.ProtectedS3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "region_name": REGION},
            },
        }
        yield s3


def _received_pledge(world):
    """World A's staff pledge, received by the center with its scan."""
    pledge = world.a.staff_pledge
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", PDF),
        by=world.center,
    )
    pledge.refresh_from_db()
    return pledge


def test_a_scan_received_on_the_page_is_stored_in_the_bucket_and_served_with_permission(
    bucket, client, tmp_path
):
    world = build_world()
    pledge = world.a.staff_pledge
    client.force_login(world.center)
    response = client.post(
        reverse("admin:receive_documents"),
        {
            "number": pledge.document_number,
            "received_on": f.TODAY.isoformat(),
            "scanned_copy": SimpleUploadedFile("山田さんの誓約書.pdf", PDF),
        },
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    name = pledge.scanned_copy.name
    assert re.fullmatch(r"pledges/[0-9a-f]{32}\.pdf", name)
    assert isinstance(pledge.scanned_copy.storage._wrapped, ProtectedS3Storage)

    stored = bucket.get_object(Bucket=BUCKET, Key=name)
    assert stored["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only
    assert not any("URI" in grant["Grantee"] for grant in grants)  # no AllUsers, no public read
    assert not (tmp_path / "media").exists()

    url = pledge.scanned_copy.url
    assert url == reverse("scanned-copy", args=[name])  # never the bucket's address
    for entitled in (world.center, world.a.admin):
        client.force_login(entitled)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="{pledge.document_number}.pdf"'
        )
        assert b"".join(response.streaming_content) == PDF
    for outsider in (world.b.admin, world.a.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404  # as if it did not exist
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_name_in_use_is_never_overwritten(bucket):
    storage = ProtectedS3Storage(bucket_name=BUCKET, region_name=REGION)
    first = storage.save("pledges/0123.pdf", ContentFile(PDF))
    second = storage.save("pledges/0123.pdf", ContentFile(b"%PDF-1.7 another"))
    assert first == "pledges/0123.pdf" and second != first
    assert storage.open(first).read() == PDF
    storage.delete(second)
    assert storage.exists(first) and not storage.exists(second)


def test_a_scan_missing_from_the_bucket_is_not_found(bucket, client):
    world = build_world()
    pledge = _received_pledge(world)
    bucket.delete_object(Bucket=BUCKET, Key=pledge.scanned_copy.name)
    client.force_login(world.center)
    assert client.get(pledge.scanned_copy.url).status_code == 404


# transaction=True: the restore flushes the database, which PostgreSQL does only outside one
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_carry_the_buckets_files(bucket, tmp_path, backup_keys):
    world = build_world()
    pledge = _received_pledge(world)
    generation = backup_create(out=tmp_path / "backups", keep=1)

    bucket.delete_object(Bucket=BUCKET, Key=pledge.scanned_copy.name)
    bucket.put_object(Bucket=BUCKET, Key="pledges/after-the-backup.pdf", Body=PDF)
    backup_restore(generation=generation, key=backup_keys.identity, login=world.center.username)

    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [pledge.scanned_copy.name]
    assert bucket.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == PDF
    assert not (tmp_path / "media").exists()
