"""独自ルール 3, 第3条: the center's decisions reach the facility's MCS administrators at once by
e-mail — an ID issued, an ID request rejected, a deletion completed, an application approved —
besides the daily digest. The services send them on commit (`transaction.on_commit`), so a
refused or rolled-back step sends nothing.

No e-mail carries a patient's name, and free text (a request's details, a rejection's reason)
stays in the system behind the link, as in every e-mail (`mcs_admin.mail`).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from facilities.mail import administrators_of
from facilities.models import Facility, IdRequest, UsageApplication
from mcs_admin.mail import absolute
from mcs_admin.models import AssociationProfile


def _notify(facility: Facility, subject: str, template_name: str, context: dict) -> int:
    """One e-mail to the facility's administrators in office; none when it has none."""
    recipients = administrators_of([facility.pk]).get(facility.pk, [])
    if not recipients:
        return 0
    context = {**context, "facility": facility, "profile": AssociationProfile.current()}
    return send_mail(
        subject,
        render_to_string(template_name, context),
        settings.DEFAULT_FROM_EMAIL,
        sorted({recipient.email for recipient in recipients}),
    )


def id_request_notify(request: IdRequest) -> int:
    """The center handled an ID request: issued, deleted or rejected."""
    with translation.override(settings.LANGUAGE_CODE):
        if request.status == IdRequest.Status.REJECTED:
            outcome, subject = "rejected", _("[MCS] ID request not accepted: %(kind)s for %(name)s")
        elif request.kind == IdRequest.Kind.ISSUE:
            outcome, subject = "issued", _("[MCS] MCS ID issued: %(name)s")
        else:
            outcome, subject = "deleted", _("[MCS] MCS ID deletion completed: %(name)s")
        subject %= {"kind": request.get_kind_display(), "name": request.staff_member.full_name}
        url = absolute(reverse("facility:id_requests", args=[request.facility_id]))
        return _notify(
            request.facility,
            subject,
            "mail/id_request_handled.txt",
            {"request": request, "outcome": outcome, "url": url},
        )


def application_approved_notify(application: UsageApplication) -> int:
    """The center approved a facility's application: it is active, its IDs are requested."""
    with translation.override(settings.LANGUAGE_CODE):
        facility = application.facility
        subject = _("[MCS] Usage application approved: %(facility)s") % {"facility": facility}
        requested = facility.id_requests.filter(
            kind=IdRequest.Kind.ISSUE, status=IdRequest.Status.PENDING
        ).count()
        url = absolute(reverse("facility:dashboard", args=[facility.pk]))
        return _notify(
            facility,
            subject,
            "mail/application_approved.txt",
            {"application": application, "requested": requested, "url": url},
        )
