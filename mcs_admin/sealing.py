"""Sealing a signed form as a PDF that any reader can check (docs/security.md "Sealed PDFs").

`seal_pdf` adds a PAdES signature (baseline B-B; B-T with a timestamp authority) made with the
association's key and certificate; `verify_pdf` checks one with pyHanko's own validator,
trusting the association's certificate as the root. The key and certificate are the settings'
`SIGNING_KEY_FILE` and `SIGNING_CERT_FILE` (the development pair of docs/dev-signing-key/ with
DEBUG on).
"""

import datetime
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from mcs_admin.dates import shown_datetime

logger = logging.getLogger(__name__)

FIELD_NAME = "AssociationSeal"


def _setting_path(name: str) -> Path:
    value = getattr(settings, name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: signing on the screen needs the association's signing key and "
            "certificate (docs/security.md, Sealed PDFs)."
        )
    path = Path(value)
    if not path.is_file():
        raise ImproperlyConfigured(f"{name} names {path}, which is not a readable file.")
    return path


def is_development_certificate(path: Path) -> bool:
    """Whether `path` holds the published development certificate of docs/dev-signing-key/."""
    development = settings.DEV_SIGNING_KEYS / "signing-cert.pem"
    return path.read_bytes().strip() == development.read_bytes().strip()


def signing_problem() -> str | None:
    """Why production cannot seal, or None: the one check that sealing and `check --deploy`
    share."""
    try:
        cert = _setting_path("SIGNING_CERT_FILE")
        _setting_path("SIGNING_KEY_FILE")
    except ImproperlyConfigured as error:
        return str(error)
    if not settings.DEBUG and is_development_certificate(cert):
        return (
            "SIGNING_CERT_FILE is the published development certificate of "
            "docs/dev-signing-key/: with DEBUG off, set the association's own."
        )
    return None


def association_certificate() -> x509.Certificate:
    """The association's certificate: what it seals with, and the root its seals are trusted by."""
    return load_cert_from_pemder(str(_setting_path("SIGNING_CERT_FILE")))


def _signer() -> signers.SimpleSigner:
    problem = signing_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() or None
    signer = signers.SimpleSigner.load(
        str(_setting_path("SIGNING_KEY_FILE")),
        str(_setting_path("SIGNING_CERT_FILE")),
        key_passphrase=passphrase,
    )
    if signer is None:  # pyHanko logs why and returns None
        raise ImproperlyConfigured(
            "SIGNING_KEY_FILE or SIGNING_CERT_FILE could not be read (wrong passphrase, not PEM, "
            "or a key that is not the certificate's)."
        )
    return signer


def timestamper() -> HTTPTimeStamper | None:
    """The timestamp authority of `SIGNING_TSA_URL` (PAdES B-T), or None (B-B)."""
    url = settings.SIGNING_TSA_URL
    return HTTPTimeStamper(url, https=url.startswith("https:")) if url else None


def seal_pdf(pdf: bytes, *, reason: str) -> bytes:
    """`pdf` with the association's PAdES signature over all of it (sha256)."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        name=association_certificate().subject.human_friendly,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=_signer(), timestamper=timestamper())
    return pdf_signer.sign_pdf(writer).getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What pyHanko's validator says of a sealed PDF."""

    intact: bool  # the bytes the signature covers are unchanged, and it covers the whole file
    valid: bool  # the signature is mathematically right for the signer's key
    trusted: bool  # the signer's certificate chains to the association's certificate
    signer: str = ""
    signed_at: datetime.datetime | None = None
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


def verify_pdf(pdf: bytes) -> SealCheck:
    """Check the association's seal on `pdf`; never raises on a damaged or unsigned file."""
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # a damaged file is a failed check, whatever pyHanko raises
        logger.info("sealed PDF unreadable", exc_info=True)
        return SealCheck(False, False, False, summary=_("The PDF is damaged: it cannot be read."))
    if not signatures:
        return SealCheck(False, False, False, summary=_("The PDF carries no seal."))
    context = ValidationContext(trust_roots=[association_certificate()])
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:
        logger.info("seal unreadable", exc_info=True)
        return SealCheck(False, False, False, summary=_("The seal is damaged: it cannot be read."))
    intact = status.intact and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signed_at = status.signer_reported_dt
    return SealCheck(
        intact=intact,
        valid=status.valid,
        trusted=status.trusted,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=signed_at,
        summary=_summary(intact=intact, valid=status.valid, trusted=status.trusted, at=signed_at),
    )


def _summary(*, intact: bool, valid: bool, trusted: bool, at: datetime.datetime | None) -> str:
    if not intact:
        return _("The PDF was altered after it was sealed.")
    if not valid:
        return _("The seal does not match the PDF.")
    if not trusted:
        return _("The seal is intact but not the association's: its certificate is not trusted.")
    return _("The seal is intact and the association's (sealed %(at)s).") % {
        "at": shown_datetime(at)
    }
