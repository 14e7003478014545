from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from facilities.selectors import staff_for, with_last_training
from mcs_admin.models import AssociationProfile
from mcs_admin.pages import (
    ActionPage,
    FacilityPage,
    ListPage,
    PrintPage,
    ServiceFormPage,
    UserPage,
)
from mcs_admin.pdf import print_response
from mcs_admin.signing import Origin, signing_enabled
from pledges import services
from pledges.forms import ExemptionForm, ManagerForm, SignPledgeForm, TrainingSessionForm
from pledges.pdf import (
    FACILITY_PLEDGE_FORM,
    STAFF_PLEDGE_FORM,
    signed_pledge_response,
    staff_pledge_sheet,
)
from pledges.selectors import (
    AWAITING_SIGNATURE,
    facility_pledges_for,
    open_round,
    round_progress,
    staff_pledges_for,
    staff_pledges_for_person,
    training_sessions_for,
)


class Pledges(FacilityPage, ListPage):
    """様式2 of the facility, and 様式3 (or its exemption) of each staff member."""

    template_name = "pledges/pledges.html"
    search_fields = ["family_name", "given_name", "family_name_kana", "given_name_kana"]

    def rows(self):
        pledges = (
            staff_pledges_for(self.request.user)
            .select_related("policy_version", "signature")
            .order_by("-prepared_on", "-pk")
        )
        return (
            staff_for(self.request.user)
            .filter(facility=self.facility)
            .filter(left_on__isnull=True)
            .prefetch_related(Prefetch("pledges", queryset=pledges, to_attr="staff_pledges"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facility_pledges"] = (
            facility_pledges_for(self.request.user)
            .filter(facility=self.facility)
            .select_related("policy_version")
        )
        context["signing"] = signing_enabled()
        context["pledge_round"] = pledge_round = open_round()
        if pledge_round is not None:
            context["round_progress"] = round_progress(pledge_round, [self.facility.pk]).get(
                self.facility.pk
            )
        return context


class Training(FacilityPage, TemplateView):
    """第9条: the facility's own sessions and the association's, who of the facility attended
    each, and each current staff member's last training (overdue after the interval)."""

    template_name = "pledges/training.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = staff_for(self.request.user).filter(facility=self.facility)
        context["sessions"] = (
            training_sessions_for(self.request.user)
            .filter(Q(facility=self.facility) | Q(facility__isnull=True))
            .prefetch_related(Prefetch("attendees", queryset=staff, to_attr="facility_attendees"))[
                :50
            ]
        )
        today = timezone.localdate()
        due_since = AssociationProfile.current().training_due_since(today)
        context["staff"] = with_last_training(
            staff.filter(left_on__isnull=True), due_since=due_since
        ).order_by("family_name_kana", "given_name_kana", "pk")
        return context


class PledgePrint(FacilityPage, PrintPage):
    form = None

    def rows(self):
        raise NotImplementedError

    def pdf(self):
        pledge = get_object_or_404(self.rows(), pk=self.kwargs["pk"])
        return print_response(self.form, [pledge], request=self.request)

    def back_url(self):
        return reverse("pledges:pledges", args=[self.facility.pk])


class FacilityPledgePrint(PledgePrint):
    form = FACILITY_PLEDGE_FORM

    def rows(self):
        return facility_pledges_for(self.request.user).filter(facility=self.facility)


class StaffPledgePrint(PledgePrint):
    form = STAFF_PLEDGE_FORM

    def rows(self):
        return staff_pledges_for(self.request.user).filter(staff_member__facility=self.facility)


class StaffPledgePrepare(FacilityPage, ActionPage):
    """Prepare a staff member's 様式3 to print and have signed (it is 未受領 until it returns)."""

    success_message = _("The pledge was prepared: print it and have it signed.")

    def perform(self):
        person = get_object_or_404(
            staff_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )
        services.staff_pledge_prepare(staff_member=person, by=self.request.user)

    def redirect_url(self):
        return reverse("pledges:pledges", args=[self.facility.pk])


class StaffPledgeExempt(FacilityPage, ServiceFormPage):
    """第9条 なお書き: whoever already signed a confidentiality pledge needs no form 3."""

    submit_label = _("Record the exemption")

    form_class = ExemptionForm
    title = _("Record an exemption from form 3")
    success_message = _("The exemption was recorded.")

    @cached_property
    def person(self):
        return get_object_or_404(
            staff_for(self.request.user).filter(facility=self.facility), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subject": self.person}

    def perform(self, form):
        return services.staff_pledge_exempt(
            staff_member=self.person, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("pledges:pledges", args=[self.facility.pk])


class TrainingAdd(FacilityPage, ServiceFormPage):
    """第9条: a session the facility held for its staff, with who attended."""

    submit_label = _("Add the session")

    form_class = TrainingSessionForm
    title = _("Record a training session")
    success_message = _("The training session was recorded.")

    def get_form_kwargs(self):
        staff = (
            staff_for(self.request.user)
            .filter(facility=self.facility)
            .order_by("family_name_kana", "given_name_kana")
        )
        return {**super().get_form_kwargs(), "staff": staff}

    def perform(self, form):
        return services.training_session_record(
            facility=self.facility, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("pledges:training", args=[self.facility.pk])


class TrainingEdit(TrainingAdd):
    """第9条: correct a session the facility held, or who of its staff attended."""

    submit_label = _("Save")
    title = _("Edit the training session")
    success_message = _("The training session was saved.")

    @cached_property
    def session(self):
        # the association's sessions are the center's to correct, in the admin
        return get_object_or_404(
            training_sessions_for(self.request.user).filter(facility=self.facility),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.session}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subject": self.session}

    def perform(self, form):
        return services.training_session_update(
            session=self.session, by=self.request.user, **form.cleaned_data
        )


class ManagerChange(FacilityPage, ServiceFormPage):
    """A new manager of the facility signs a new 様式2."""

    form_class = ManagerForm
    title = _("A new manager of the facility")
    success_message = _(
        "The new manager's pledge (form 2) was prepared: print it and have it signed."
    )

    def perform(self, form):
        return services.facility_manager_change(
            facility=self.facility, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("pledges:pledges", args=[self.facility.pk])


class PledgeSignPage(ServiceFormPage):
    """様式3 signed on this device (issue 23): the whole form as printed, the signer's name and
    one signature box; hidden while the association's switch is off. The pledge, and where to
    go back, are the subclass's."""

    template_name = "pledges/sign.html"
    form_class = SignPledgeForm
    title = _("Sign the staff pledge (form 3) on this device")
    submit_label = _("Sign and seal")
    success_message = _(
        "The pledge was signed and sealed, and is on record: the signed PDF can be downloaded."
    )

    def pledges(self):
        raise NotImplementedError

    def back_url(self):
        raise NotImplementedError

    @cached_property
    def pledge(self):
        rows = self.pledges().select_related("staff_member__facility", "policy_version")
        return get_object_or_404(rows, **self.pledge_lookup())

    def pledge_lookup(self) -> dict:
        return {"pk": self.kwargs["pk"]}

    def dispatch(self, request, *args, **kwargs):
        if not signing_enabled():
            raise Http404
        if not services.staff_pledge_signable(self.pledge):
            messages.error(request, _("This pledge is not waiting for a signature."))
            return HttpResponseRedirect(self.back_url())
        try:
            self.sheet = staff_pledge_sheet(self.pledge)
        except ValidationError as error:  # what the form needs filled in before it is signed
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.back_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "subject": self.pledge.staff_member,
            "pledge": self.pledge,
            "sheet": self.sheet,
            "back_url": self.back_url(),
        }

    def perform(self, form):
        return services.staff_pledge_sign_on_screen(
            pledge=self.pledge,
            signature=form.cleaned_data["signature"],
            by=self.request.user,
            origin=Origin.of(self.request),
        )

    def get_success_url(self):
        return self.back_url()


class StaffPledgeSign(FacilityPage, PledgeSignPage):
    """A staff member of the facility signs on the administrator's session (the witness)."""

    def pledges(self):
        return staff_pledges_for(self.request.user).filter(staff_member__facility=self.facility)

    def back_url(self):
        return reverse("pledges:pledges", args=[self.facility.pk])


class MyPledgeSign(UserPage, PledgeSignPage):
    """An ID holder with a login signs their own waiting 様式3 under that login."""

    def pledges(self):
        return staff_pledges_for_person(self.person).filter(AWAITING_SIGNATURE)

    def pledge_lookup(self) -> dict:
        newest = self.pledges().values_list("pk", flat=True).first()
        if newest is None:
            raise Http404
        return {"pk": newest}

    def back_url(self):
        return reverse("portal:me")


class MyPledgeSigned(UserPage, PrintPage):
    """The sealed PDF of the ID holder's own 様式3 signed on the screen."""

    def pdf(self):
        pledge = staff_pledges_for_person(self.person).filter(signature__isnull=False).first()
        if pledge is None:
            raise ValidationError(_("No pledge of yours was signed on the screen."))
        return signed_pledge_response(pledge, request=self.request)

    def back_url(self):
        return reverse("portal:me")
