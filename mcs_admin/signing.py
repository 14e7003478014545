"""Signing on the screen (issue 23), the steps every form shares: the association's switch,
where a signing came from, sealing the rendered form and receiving it as its scan, and checking
later that the stored PDF is the one that was signed.

The forms' own services (consents, pledges) say who may sign what and render their form; they
call these, and subclass `mcs_admin.models.SignedOnScreen` for their record.
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mcs_admin.client_ip import client_ip
from mcs_admin.dates import shown_datetime
from mcs_admin.documents import document_receive
from mcs_admin.models import (
    AssociationProfile,
    NumberedDocument,
    PolicyVersion,
    SignedOnScreen,
    User,
)
from mcs_admin.sealing import SealCheck, seal_pdf, verify_pdf

USER_AGENT_LENGTH = SignedOnScreen._meta.get_field("user_agent").max_length


def signing_enabled() -> bool:
    """Whether the association has switched signing on the screen on (its profile)."""
    return AssociationProfile.current().on_screen_signing


def check_signing_enabled() -> None:
    """The refusal of every signing path while the switch is off."""
    if not signing_enabled():
        raise ValidationError(
            _("Signing on the screen is switched off in the association profile."),
            code="signing_off",
        )


@dataclass(frozen=True)
class Origin:
    """The browser and address a signing came from (not a 第12条 device record)."""

    user_agent: str = ""
    ip_address: str | None = None

    @classmethod
    def of(cls, request: HttpRequest) -> "Origin":
        agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        return cls(user_agent=agent, ip_address=client_ip(request))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal_and_receive(
    *, document: NumberedDocument, pdf: bytes, reason: str, by: User
) -> tuple[NumberedDocument, bytes]:
    """Seal the signed form's PDF and receive it at once as the document's scanned copy
    (未受領 → 受領済, as a returned paper is): the document, and the sealed PDF."""
    sealed = seal_pdf(pdf, reason=reason)
    received = document_receive(
        document_number=document.document_number,
        received_on=timezone.localdate(),
        scanned_copy=ContentFile(sealed, name="signed.pdf"),
        by=by,
    )
    return received, sealed


def signed_record_values(
    *, sealed: bytes, by: User, origin: Origin, policy_version: PolicyVersion
) -> dict[str, object]:
    """The fields of `SignedOnScreen` for a signing now, on the server's clock."""
    return {
        "obtained_by": by,
        "obtained_at": timezone.now(),
        "user_agent": origin.user_agent,
        "ip_address": origin.ip_address,
        "policy_version": policy_version,
        "pdf_sha256": sha256(sealed),
    }


def signed_on_screen_models() -> list[type[SignedOnScreen]]:
    return [model for model in apps.get_models() if issubclass(model, SignedOnScreen)]


def signing_record(document: NumberedDocument) -> SignedOnScreen | None:
    """The record of `document`'s signing on the screen, or None (signed on paper, or not)."""
    for model in signed_on_screen_models():
        field = model.document_field()
        if isinstance(document, field.related_model):
            found = model._default_manager.filter(**{field.name: document}).first()
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class SignedCheck:
    """What checking a document signed on the screen found."""

    document: NumberedDocument
    record: SignedOnScreen | None
    hash_matches: bool = False
    seal: SealCheck | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def obtained(self) -> str:
        """Who obtained the signatures and when, as the messages say it."""
        record = self.record
        return _("obtained by %(user)s on %(at)s") % {
            "user": record.obtained_by.get_full_name() or record.obtained_by.username,
            "at": shown_datetime(record.obtained_at),
        }

    def describe(self) -> str:
        number = self.document.document_number
        if self.record is None:
            return self.problem
        if self.ok:
            return _("%(number)s: the stored PDF is the one signed, %(obtained)s. %(seal)s") % {
                "number": number,
                "obtained": self.obtained,
                "seal": self.seal.summary,
            }
        return _("%(number)s FAILED: %(problem)s (signed on the screen, %(obtained)s)") % {
            "number": number,
            "problem": self.problem,
            "obtained": self.obtained,
        }


def verify_signed(document: NumberedDocument) -> SignedCheck:
    """Check that `document`'s stored PDF has the SHA-256 recorded when it was signed and an
    intact seal of the association."""
    record = signing_record(document)
    if record is None:
        problem = _("%(number)s was not signed on the screen.") % {
            "number": document.document_number
        }
        return SignedCheck(document, None, problem=problem)
    if not document.scanned_copy:
        return SignedCheck(document, record, problem=_("The signed PDF is missing."))
    try:
        with document.scanned_copy.open("rb") as stored:
            pdf = stored.read()
    except OSError:
        return SignedCheck(document, record, problem=_("The signed PDF cannot be read."))
    hash_matches = sha256(pdf) == record.pdf_sha256
    seal = verify_pdf(pdf)
    if not hash_matches:
        problem = _("the stored PDF is not the one signed (its SHA-256 differs).")
    elif not seal.ok:
        problem = seal.summary
    else:
        problem = ""
    return SignedCheck(document, record, hash_matches, seal, problem)
