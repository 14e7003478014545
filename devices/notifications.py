"""留意事項 (3): an incident is reported at once to the facility's MCS administrators and to the
support center, by e-mail as soon as it is recorded."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from devices.models import FIRST_STEPS, Incident
from facilities.mail import administrators_of
from mcs_admin.mail import absolute, support_center


def incident_notify(incident: Incident) -> int:
    """Send the report; the description stays in the system, as it may name a patient."""
    administrators = administrators_of([incident.facility_id]).get(incident.facility_id, [])
    center = support_center()
    recipients = [*administrators, *([center] if center else [])]
    if not recipients:
        return 0
    context = {
        "incident": incident,
        "first_steps": FIRST_STEPS[incident.kind],
        "facility_url": absolute(
            reverse("devices:incident_detail", args=[incident.facility_id, incident.pk])
        ),
        "admin_url": absolute(reverse("admin:devices_incident_change", args=[incident.pk])),
    }
    subject = _("[MCS] Incident reported: %(kind)s (%(facility)s)") % {
        "kind": incident.get_kind_display(),
        "facility": incident.facility,
    }
    return send_mail(
        subject,
        render_to_string("mail/incident_reported.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        sorted({recipient.email for recipient in recipients}),
    )
