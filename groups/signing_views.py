"""The patient's consent (様式4) signed on a tablet's screen (issue 23), beside the paper path:
the page that signs it, then the patient's copy (第6条: both sides keep the signed consent),
downloaded on the spot or sent to an address the family gives.

Open to the attending physician and the persons the physician designated (独自ルール 1), each
logged in as themselves, and only while the association profile switches signing on the screen
on; to anyone else the pages do not exist.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from consents.mail import consent_copy_mail
from consents.models import PatientConsent
from consents.selectors import consent_groups_for, consent_signatures_for
from consents.services import consent_sign_on_screen
from devices.models import Device
from devices.selectors import devices_for
from groups.forms import ConsentCopyMailForm, ConsentSignForm
from groups.models import CareGroup
from mcs_admin.models import AccessLog
from mcs_admin.pages import ServiceFormPage, UserPage
from mcs_admin.pdf import pdf_download
from mcs_admin.services import access_log_record
from mcs_admin.signing import Origin, signing_enabled


class SigningPage(UserPage):
    """A page of a patient group whose consent the login may obtain, while signing on the
    screen is switched on."""

    @cached_property
    def group(self) -> CareGroup:
        if not signing_enabled():
            raise Http404
        return get_object_or_404(
            consent_groups_for(self.request.user)
            .filter(status=CareGroup.Status.ACTIVE)
            .select_related("patient", "owner"),
            pk=self.kwargs["group"],
        )

    @cached_property
    def signature(self):
        """What the login had signed on the screen for the group today, or None."""
        return (
            consent_signatures_for(self.request.user)
            .filter(consent__group=self.group)
            .select_related("consent")
            .order_by("-obtained_at")
            .first()
        )


class ConsentSign(SigningPage, ServiceFormPage):
    template_name = "groups/consent_sign.html"
    form_class = ConsentSignForm
    title = gettext_lazy("Sign the consent on this device")
    submit_label = gettext_lazy("Sign and seal the consent")
    success_message = gettext_lazy(
        "The consent was signed, sealed and received: the group is open to the other "
        "facilities' members."
    )

    @cached_property
    def consent(self) -> PatientConsent | None:
        """The group's consent on record or under way (a printed form not yet back)."""
        return self.group.consents.exclude(status=PatientConsent.Status.WITHDRAWN).first()

    def get_form_kwargs(self):
        devices = devices_for(self.request.user).filter(status=Device.Status.IN_USE)
        return {**super().get_form_kwargs(), "devices": devices.order_by("label")}

    def get_initial(self):
        patient, consent = self.group.patient, self.consent
        initial = {"patient_name": patient.full_name, "patient_address": patient.address}
        if consent is not None:
            initial |= {
                "family_name": consent.family_name,
                "family_relationship": consent.family_relationship,
                "family_address": consent.family_address,
            }
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["group"] = self.group
        context["on_record"] = self.consent is not None and self.consent.on_record
        context["agreement"] = {"date": timezone.localdate()}  # the day it is signed
        return context

    def perform(self, form):
        signature = consent_sign_on_screen(
            group=self.group,
            by=self.request.user,
            origin=Origin.of(self.request),
            **form.cleaned_data,
        )
        consent = signature.consent
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.PRINT,
            targets=[consent],
            description=_("Form 4 signed on the screen and sealed: %(number)s")
            % {"number": consent.document_number},
            request=self.request,
        )
        return signature

    def get_success_url(self):
        return reverse("groups:consent_signed", args=[self.group.pk])


class ConsentSigned(SigningPage, ServiceFormPage):
    """After signing: the patient's copy to download and print, or to send by e-mail."""

    template_name = "groups/consent_signed.html"
    form_class = ConsentCopyMailForm
    title = gettext_lazy("The patient's copy of the consent")
    submit_label = gettext_lazy("Send the copy")
    success_message = gettext_lazy("The copy was sent.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["group"] = self.group
        context["signature"] = self.signature
        return context

    def perform(self, form):
        if self.signature is None:
            raise ValidationError(_("No consent was signed on this screen for the group today."))
        consent_copy_mail(signature=self.signature, email=form.cleaned_data["email"])
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.EXPORT,
            targets=[self.signature.consent],
            description=_("The patient's copy of form 4 sent by e-mail: %(number)s")
            % {"number": self.signature.consent.document_number},
            request=self.request,
        )

    def get_success_url(self):
        return self.request.path


class ConsentSignedCopy(SigningPage, View):
    """The sealed PDF as signed: the patient's copy, printed on the spot."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        signature = self.signature
        if signature is None:
            messages.error(request, _("No consent was signed on this screen for the group today."))
            return HttpResponseRedirect(reverse("groups:consent_signed", args=[self.group.pk]))
        consent = signature.consent
        with consent.scanned_copy.open("rb") as stored:
            pdf = stored.read()
        return pdf_download(pdf, f"form4-{consent.document_number}.pdf")
