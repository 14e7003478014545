"""Who receives the system's e-mail, and how a link in it is written.

E-mail goes through Django's backend (EMAIL_URL: the console in development, SMTP in
production, memory in the tests). It never carries a patient's name: a group is named by its
number and linked to, and free text that may hold one (an incident's description) stays in
the system.
"""

from dataclasses import dataclass

from django.conf import settings

from mcs_admin.models import AssociationProfile


@dataclass(frozen=True, slots=True)  # one per item of a person's reminders
class Recipient:
    email: str
    name: str


def support_center() -> Recipient | None:
    """The support center, at the association profile's e-mail address."""
    profile = AssociationProfile.current()
    if not profile.email:
        return None
    return Recipient(email=profile.email, name=profile.support_center_name)


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and the path."""
    return settings.SITE_URL.rstrip("/") + path
