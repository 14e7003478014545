"""Sealed PDFs (issue 23): the association's PAdES seal, checked by pyHanko's own validator."""

from io import BytesIO

import pytest
import weasyprint
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper

from mcs_admin import sealing
from mcs_admin.sealing import seal_pdf, verify_pdf
from tests.conftest import make_signing_key


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return weasyprint.HTML(string="<p>同意書</p>").write_pdf()


@pytest.fixture
def sealed(pdf, signing_keys) -> bytes:
    return seal_pdf(pdf, reason="様式4 signed on the screen")


@pytest.mark.django_db
def test_a_sealed_pdf_is_intact_valid_and_trusted(sealed):
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == SigSeedSubFilter.PADES.value
    assert signature.md_algorithm == "sha256"

    check = verify_pdf(sealed)

    assert (check.intact, check.valid, check.trusted, check.ok) == (True, True, True, True)
    assert "Test seal" in check.signer
    assert check.signed_at is not None
    assert check.summary.startswith("電子署名は改変されておらず、協会のもの")


@pytest.mark.django_db
def test_one_byte_changed_fails(sealed):
    changed = bytearray(sealed)
    changed[200] ^= 0x01  # inside the first page, which the seal covers

    check = verify_pdf(bytes(changed))

    assert not check.ok
    assert not check.intact


@pytest.mark.django_db
def test_bytes_added_after_the_seal_are_not_covered(sealed):
    check = verify_pdf(sealed + b"\n% appended\n")

    assert not check.intact and not check.ok


@pytest.mark.django_db
def test_an_unsealed_or_unreadable_pdf_fails_without_raising(pdf):
    assert verify_pdf(pdf).summary == "PDFに電子署名がありません。"
    assert not verify_pdf(b"not a pdf").ok


@pytest.mark.django_db
def test_a_seal_by_another_certificate_is_not_trusted(pdf, settings, signing_keys, tmp_path):
    key, cert = make_signing_key(tmp_path, subject="/CN=Someone else", passphrase="other")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = key, cert
    settings.SIGNING_KEY_PASSPHRASE = "other"
    foreign = seal_pdf(pdf, reason="forged")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = signing_keys.key, signing_keys.cert
    settings.SIGNING_KEY_PASSPHRASE = signing_keys.passphrase

    check = verify_pdf(foreign)

    assert check.intact and check.valid
    assert not check.trusted and not check.ok
    assert "協会のものではありません" in check.summary


def test_without_a_key_sealing_fails_clearly(pdf, settings):
    settings.SIGNING_KEY_FILE = ""

    with pytest.raises(ImproperlyConfigured, match="SIGNING_KEY_FILE is not set"):
        seal_pdf(pdf, reason="x")


def use_development_key(settings):
    settings.SIGNING_KEY_FILE = str(settings.DEV_SIGNING_KEYS / "signing-key.pem")
    settings.SIGNING_CERT_FILE = str(settings.DEV_SIGNING_KEYS / "signing-cert.pem")
    settings.SIGNING_KEY_PASSPHRASE = ""


@pytest.mark.django_db
def test_with_debug_on_the_development_key_seals(pdf, settings):
    use_development_key(settings)
    settings.DEBUG = True

    check = verify_pdf(seal_pdf(pdf, reason="x"))

    assert check.ok and "Development signing key" in check.signer


def test_with_debug_off_the_development_key_is_refused(pdf, settings):
    use_development_key(settings)
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured, match="development certificate"):
        seal_pdf(pdf, reason="x")


def test_a_wrong_passphrase_fails_clearly(pdf, settings):
    settings.SIGNING_KEY_PASSPHRASE = "not-the-passphrase"

    with pytest.raises(ImproperlyConfigured, match="could not be read"):
        seal_pdf(pdf, reason="x")


def test_a_timestamp_authority_makes_it_b_t(settings):
    assert sealing.timestamper() is None  # B-B: no authority reachable here
    settings.SIGNING_TSA_URL = "https://tsa.example.jp/tsa"

    stamper = sealing.timestamper()

    assert isinstance(stamper, HTTPTimeStamper)
    assert stamper.url == "https://tsa.example.jp/tsa"
