"""The patient's copy of a consent signed on the screen, e-mailed to the address the family
gives (第6条: both sides keep the signed consent). As every mail of the system, the message
names no patient: the signed PDF is its attachment."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from consents.models import ConsentSignature
from mcs_admin.mail import support_center


def consent_copy_mail(*, signature: ConsentSignature, email: str) -> int:
    consent = signature.consent
    with consent.scanned_copy.open("rb") as stored:
        pdf = stored.read()
    message = EmailMessage(
        _("[MCS] Your copy of the consent (form 4)"),
        render_to_string(
            "mail/consent_copy.txt",
            {"number": consent.document_number, "center": support_center()},
        ),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    message.attach(f"form4-{consent.document_number}.pdf", pdf, "application/pdf")
    return message.send()
