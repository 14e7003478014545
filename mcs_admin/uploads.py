"""Scanned copies of returned forms: checked by content, stored under generated names.

Uploads live in the default storage — MEDIA_ROOT, or an S3-compatible bucket when
UPLOADS_S3_BUCKET is set — and are never served directly: their URL is a view that checks
permission (`office.receiving.scanned_copy`) and answers with an attachment. Everything that
reads them goes through the storage API (open, exists, delete, listdir), never a file path, so
any app host serves any file.
"""

import uuid

import filetype
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

MAX_BYTES = 10 * 1024 * 1024
# What a scanner or a phone produces; the extension stored is the content's, not the name's.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def content_type(file) -> str | None:
    """The MIME type a file's first bytes show (magic numbers), whatever its name says."""
    position = file.tell()
    file.seek(0)
    head = file.read(261)  # as much as filetype reads
    file.seek(position)
    return filetype.guess_mime(head)


def validate_scanned_copy(value):
    """An upload (a form's UploadedFile or a model's new FieldFile): PDF, JPEG or PNG, ≤ 10 MB."""
    if getattr(value, "_committed", False):
        return  # a file already stored was checked when it came
    if value.size > MAX_BYTES:
        raise ValidationError(_("A scanned copy can be at most 10 MB."), code="too_large")
    if content_type(value) not in EXTENSIONS:
        raise ValidationError(
            _("A scanned copy must be a PDF, JPEG or PNG file."), code="invalid_type"
        )


def scanned_copy_path(instance, filename: str) -> str:
    """A generated name: what the uploader called the file never reaches the disk."""
    extension = EXTENSIONS.get(content_type(instance.scanned_copy), "")
    return f"{instance._meta.app_label}/{uuid.uuid4().hex}{extension}"


class ScannedCopyField(models.FileField):
    default_validators = [validate_scanned_copy]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("scanned copy"))
        kwargs.setdefault("upload_to", scanned_copy_path)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


class ProtectedUrlMixin:
    """Every file's URL is the view that checks permission, never the storage's own address."""

    def url(self, name, *args, **kwargs):
        return reverse("scanned-copy", args=[name])


class ProtectedStorage(ProtectedUrlMixin, FileSystemStorage):
    """MEDIA_ROOT: one host's disk (development, or a single server)."""


class ProtectedS3Storage(ProtectedUrlMixin, S3Storage):
    """An S3-compatible bucket that every app host shares. Class attributes, so that no AWS_*
    setting changes them: objects get no ACL of their own (the bucket's, which must be private),
    and a name in use is never overwritten (a collision would get a new name, not replace a scan).
    """

    default_acl = None
    file_overwrite = False
