"""独自ルール 1: who obtains the patient's consent — the attending physician, or a person the
physician designated for the group. The physician designates from the groups they attend; the
owner's administrators record a designation on the physician's instruction."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from consents.selectors import designation_candidates, designations_for
from consents.services import designation_add, designation_end
from groups.forms import DesignationForm
from groups.selectors import groups_attended_by
from groups.views import GroupPage
from mcs_admin.pages import ActionPage, ServiceFormPage, UserPage


class Designations(ServiceFormPage):
    """The group's obtainers of the consent and a form to designate one more."""

    submit_label = _("Designate")

    form_class = DesignationForm
    template_name = "groups/designations.html"
    title = _("Who obtains the patient's consent")
    success_message = _("The designation was recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": designation_candidates(self.group)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["group"] = self.group
        context["subject"] = self.group
        context["designations"] = list(
            designations_for(self.request.user)
            .filter(group=self.group, ended_on__isnull=True)
            .select_related("staff_member__facility", "designated_by")
        )
        context["end_url_name"] = self.end_url_name
        return context

    def perform(self, form):
        return designation_add(group=self.group, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.request.path


class GroupDesignations(Designations, GroupPage):
    end_url_name = "groups:designation_end"


class AttendedGroupPage(UserPage):
    """A page of a group the login attends as its physician."""

    @cached_property
    def group(self):
        return get_object_or_404(
            groups_attended_by(self.request.user).select_related("owner", "patient"),
            pk=self.kwargs["group"],
        )


class AttendedDesignations(Designations, AttendedGroupPage):
    end_url_name = "groups:attended_designation_end"


class DesignationEnd(ActionPage):
    success_message = _("The designation ended.")

    def perform(self):
        designation = get_object_or_404(
            designations_for(self.request.user).filter(group=self.group), pk=self.kwargs["pk"]
        )
        designation_end(designation=designation, by=self.request.user)


class GroupDesignationEnd(GroupPage, DesignationEnd):
    def redirect_url(self):
        return reverse("groups:designations", args=[self.group.pk])


class AttendedDesignationEnd(AttendedGroupPage, DesignationEnd):
    def redirect_url(self):
        return reverse("groups:attended_designations", args=[self.group.pk])
