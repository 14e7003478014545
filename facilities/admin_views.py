"""Pages of the center's admin that a change form cannot be: handling one ID request, opening a
roster-review round. They call the same services as everything else."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from facilities import services
from facilities.models import Facility, IdRequest
from mcs_admin.admin_actions import ReasonForm
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput


class AdminPage:
    model_admin = None

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_change_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.model_admin.admin_site.each_context(self.request))
        context["opts"] = self.model_admin.model._meta
        return context


class IdRequestHandleView(AdminPage, TemplateView):
    """One request: issue with the login id, record a change, confirm a deletion's steps, or
    reject with a reason."""

    template_name = "admin/facilities/idrequest/handle.html"

    def get_context_data(self, **kwargs):
        request = get_object_or_404(
            IdRequest.objects.select_related("staff_member__facility", "account"),
            pk=self.kwargs["pk"],
        )
        context = super().get_context_data(**kwargs)
        context["object"] = request
        context["title"] = _("Handle the ID request")
        context["pledge_on_record"] = services.has_pledge(request.staff_member)
        context["reusable_on"] = (
            services.login_id_reusable_on(request.staff_member.email)
            if request.kind == IdRequest.Kind.ISSUE and request.staff_member.email
            else None
        )
        return context

    def post(self, request, pk):
        id_request = get_object_or_404(IdRequest, pk=pk)
        data = request.POST
        actions = {
            "issue": lambda: services.id_request_issue(
                request=id_request, login_id=data.get("login_id", ""), by=request.user
            ),
            "change": lambda: services.id_request_change(
                request=id_request, login_id=data.get("login_id", ""), by=request.user
            ),
            "released": lambda: services.id_request_confirm_step(
                request=id_request, step="released", by=request.user
            ),
            "holder_deleted": lambda: services.id_request_confirm_step(
                request=id_request, step="holder_deleted", by=request.user
            ),
            "deleted": lambda: services.id_request_confirm_deleted(
                request=id_request, by=request.user
            ),
            "reject": lambda: services.id_request_reject(
                request=id_request, reason=data.get("reason", ""), by=request.user
            ),
        }
        action = actions.get(data.get("do"))
        if action is None:
            messages.error(request, _("Choose what to do."))
        else:
            try:
                action()
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The request was updated."))
        return redirect("admin:facilities_idrequest_handle", pk=pk)


class RoundForm(NoControlCharacters, forms.Form):
    due_on = forms.DateField(label=_("due on"), widget=DateInput())
    facility = forms.ModelChoiceField(
        label=_("facility"),
        queryset=Facility.objects.filter(status=Facility.Status.ACTIVE),
        required=False,
        help_text=_("Leave empty to open a review for every active facility."),
    )


class RosterRoundView(AdminPage, FormView):
    template_name = "admin/facilities/rosterreview/open_round.html"
    form_class = RoundForm

    def get_initial(self):
        return {"due_on": timezone.localdate() + timezone.timedelta(days=30)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Open a roster review round")}

    def form_valid(self, form):
        due_on, facility = form.cleaned_data["due_on"], form.cleaned_data["facility"]
        try:
            if facility:
                reviews = [
                    services.roster_review_open(
                        facility=facility, due_on=due_on, by=self.request.user
                    )
                ]
            else:
                reviews = services.roster_review_open_round(due_on=due_on, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(count)d roster review(s) opened.") % {"count": len(reviews)}
        )
        return redirect("admin:facilities_rosterreview_changelist")


class FacilityWithdrawView(AdminPage, FormView):
    """A facility leaves MCS: what is still open, then one confirmation (第3条, 留意事項 (1)(2))."""

    template_name = "admin/facilities/facility/withdraw.html"
    form_class = ReasonForm

    def facility(self):
        return get_object_or_404(Facility, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        facility = self.facility()
        return {
            **super().get_context_data(**kwargs),
            "title": _("Withdraw %(facility)s from MCS") % {"facility": facility},
            "facility": facility,
            "items": services.withdrawal_open_items(facility),
        }

    def form_valid(self, form):
        try:
            services.facility_withdraw(
                facility=self.facility(), reason=form.cleaned_data["reason"], by=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The facility left MCS."))
        return redirect("admin:facilities_facility_change", self.kwargs["pk"])
