"""Who of a facility receives the system's e-mail (mcs_admin.mail says how it is sent)."""

from collections import defaultdict
from collections.abc import Collection

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from facilities.models import AdministratorAppointment, ApplicationInvitation, StaffMember
from mcs_admin.mail import Recipient, support_center


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


def invitation_mail(invitation: ApplicationInvitation, link: str) -> int:
    """The invitation to apply online, with its link, to the address it is tied to."""
    center = support_center()
    context = {"invitation": invitation, "link": link, "center": center}
    return send_mail(
        _("[MCS] Invitation to apply online for the use of MCS"),
        render_to_string("mail/application_invitation.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
