"""Who receives the system's e-mail, and how a link in it is written.

E-mail goes through Django's backend (EMAIL_URL: the console in development, SMTP in
production, memory in the tests). It never carries a patient's name: a group is named by its
number and linked to, and free text that may hold one (an incident's description) stays in
the system.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from facilities.models import AdministratorAppointment, StaffMember
from mcs_admin.models import AssociationProfile


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str


def person_recipient(person: StaffMember) -> Recipient | None:
    """A staff member at their login's e-mail, else at their roster e-mail."""
    email = (person.user.email if person.user_id else "") or person.email
    return Recipient(email=email, name=person.full_name) if email else None


def administrators_of(facility_ids: Collection[int] | QuerySet) -> dict[int, list[Recipient]]:
    """The MCS administrators in office (第7条) of each facility, who have an e-mail address.
    The facilities may be a query of their ids, read as a subquery."""
    appointments = AdministratorAppointment.objects.filter(
        facility__in=facility_ids,
        ended_on__isnull=True,
        staff_member__left_on__isnull=True,
    ).select_related("staff_member__user")
    recipients = defaultdict(list)
    for appointment in appointments:
        recipient = person_recipient(appointment.staff_member)
        if recipient:
            recipients[appointment.facility_id].append(recipient)
    return recipients


def support_center() -> Recipient | None:
    """The support center, at the association profile's e-mail address."""
    profile = AssociationProfile.current()
    if not profile.email:
        return None
    return Recipient(email=profile.email, name=profile.support_center_name)


def absolute(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and the path."""
    return settings.SITE_URL.rstrip("/") + path
