"""The pages an application link opens (the access policy's `Access.LINK` has found the link's
invitation, `request.invitation`): the online 様式1–2 to save and submit, the confirmation,
and the two forms as one PDF to print, sign, seal and send back."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from facilities.forms import OnlineFacilityForm, RosterFormSet
from facilities.models import UsageApplication
from facilities.pdf import APPLICATION_FORM
from facilities.selectors import SUBMITTED_HERE
from facilities.services.invitations import (
    ONLINE_FACILITY_FIELDS,
    invitation_save,
    invitation_submit,
)
from mcs_admin.pdf import pdf_download, print_forms
from pledges.pdf import FACILITY_PLEDGE_FORM


class ApplyForm(View):
    """The link's application while it is open; submitted, the link shows what was sent."""

    def dispatch(self, request, *args, **kwargs):
        if request.invitation.submitted_at is not None:
            return redirect("apply:submitted", token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, facility_form, roster, errors=()):
        return TemplateResponse(
            self.request,
            "facilities/apply_form.html",
            {
                "invitation": self.request.invitation,
                "facility_form": facility_form,
                "roster": roster,
                "errors": errors,
            },
        )

    def get(self, request, token):
        draft = request.invitation.draft
        return self.page(
            OnlineFacilityForm(initial=draft.get("facility"), prefix="facility"),
            RosterFormSet(initial=draft.get("roster"), prefix="roster"),
        )

    def post(self, request, token):
        facility_form = OnlineFacilityForm(request.POST, prefix="facility")
        roster = RosterFormSet(request.POST, prefix="roster")
        if not (facility_form.is_valid() and roster.is_valid()):
            return self.page(facility_form, roster)
        submit = "submit" in request.POST
        write = invitation_submit if submit else invitation_save
        details = {name: facility_form.cleaned_data[name] for name in ONLINE_FACILITY_FIELDS}
        try:
            write(invitation=request.invitation, facility=details, roster=roster.rows())
        except ValidationError as error:
            return self.page(facility_form, roster, _beside_fields(error, facility_form))
        if submit:
            submitted = request.session.get(SUBMITTED_HERE, [])
            request.session[SUBMITTED_HERE] = [*submitted, request.invitation.pk]
            return redirect("apply:submitted", token=token)
        messages.success(request, _("Saved. Come back through the same link to go on."))
        return redirect("apply:form", token=token)


def _beside_fields(error: ValidationError, form) -> list[str]:
    """A refusal's messages beside the facility's fields; the others (the roster's) above."""
    others = []
    for field, field_messages in getattr(
        error, "message_dict", {NON_FIELD_ERRORS: error.messages}
    ).items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            others.extend(field_messages)
    return others


class _Submitted(View):
    """A page of the application the link submitted (in this browser's session)."""

    def dispatch(self, request, *args, **kwargs):
        invitation = request.invitation
        if invitation.submitted_at is None:
            return redirect("apply:form", token=kwargs["token"])
        self.application = (
            UsageApplication.objects.select_related("facility")
            .prefetch_related("roster_lines", "facility__pledges")
            .get(pk=invitation.application_id)
        )
        self.pledge = self.application.facility.pledges.all()[0]
        return super().dispatch(request, *args, **kwargs)


class ApplySubmitted(_Submitted):
    def get(self, request, token):
        return TemplateResponse(
            request,
            "facilities/apply_submitted.html",
            {
                "invitation": request.invitation,
                "application": self.application,
                "pledge": self.pledge,
                "token": token,
            },
        )


class ApplyFormsPdf(_Submitted):
    def get(self, request, token):
        application, pledge = self.application, self.pledge
        pdf = print_forms(
            parts=[(APPLICATION_FORM, [application]), (FACILITY_PLEDGE_FORM, [pledge])],
            description=_("Online application: forms 1 and 2, %(numbers)s")
            % {"numbers": f"{application.document_number}, {pledge.document_number}"},
            user=None,
            request=request,
        )
        return pdf_download(pdf, f"application-{application.document_number}.pdf")
