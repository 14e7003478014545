from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from consents.models import PatientConsent, consent_on_record
from consents.pdf import CONSENT_FORM
from consents.selectors import (
    consent_groups_for,
    consent_obtainers,
    consents_for,
    groups_without_consent,
)
from consents.services import consent_record
from facilities.selectors import facilities_for
from groups import services
from groups.forms import (
    AssemblyRequestForm,
    ConsentForm,
    GroupForm,
    InviteForm,
    ReasonForm,
    RoleForm,
)
from groups.models import (
    OPEN_MEMBERSHIP,
    AssemblyRequest,
    CareGroup,
    Membership,
    OwnershipTransfer,
)
from groups.selectors import (
    assembly_requests_for,
    groups_managed_by,
    id_holders,
    invitable_staff,
    memberships_for,
    with_group_named,
)
from mcs_admin.choices import Profession
from mcs_admin.pages import (
    ActionPage,
    FacilityPage,
    ListPage,
    PageMixin,
    PrintPage,
    SearchFirstFormPage,
    ServiceFormPage,
    UserPage,
)
from mcs_admin.pdf import print_response
from mcs_admin.roles import is_center
from mcs_admin.signing import signing_enabled

PATIENT_SEARCH = [
    "name",
    "patient__family_name",
    "patient__given_name",
    "patient__family_name_kana",
    "patient__given_name_kana",
]


class GroupList(FacilityPage, ListPage):
    """The groups the facility owns as 連携元事業所; archived ones on request."""

    template_name = "groups/group_list.html"
    search_fields = PATIENT_SEARCH

    def rows(self):
        status = "archived" if self.request.GET.get("archived") == "1" else "active"
        return (
            groups_managed_by(self.request.user)
            .filter(owner=self.facility, status=status)
            .select_related("patient", "attending_physician")
            .annotate(
                member_count=Count("memberships", filter=Q(memberships__status="approved")),
                consent_count=Count("consents", filter=consent_on_record("consents__")),
            )
            .order_by("-created_on", "-pk")
        )


class GroupAdd(FacilityPage, ServiceFormPage):
    submit_label = _("Create the group")
    form_class = GroupForm
    title = _("Create a group")
    success_message = _("The group was created.")

    def get_form_kwargs(self):
        physicians = id_holders().filter(profession=Profession.PHYSICIAN)
        return {**super().get_form_kwargs(), "physicians": physicians}

    def perform(self, form):
        return services.group_create(
            owner=self.facility, by=self.request.user, **form.service_arguments()
        )

    def get_success_url(self):
        return reverse("groups:group_detail", args=[self.result.pk])


class StaffInvitations(FacilityPage, ListPage):
    """Invitations of the facility's own staff to any group, for approval (第8条)."""

    template_name = "groups/staff_invitations.html"

    def rows(self):
        return (
            with_group_named(memberships_for(self.request.user), self.request.user)
            .filter(staff_member__facility=self.facility)
            .filter(
                status__in=[Membership.Status.INVITED, Membership.Status.ACCEPTED],
                group__status=CareGroup.Status.ACTIVE,
            )
            .select_related(
                "staff_member", "group__owner", "group__patient", "group__attending_physician"
            )
            .order_by("-status", "invited_at")
        )


class InvitationDecision(FacilityPage, ActionPage):
    service = None

    def perform(self):
        membership = get_object_or_404(
            memberships_for(self.request.user).filter(staff_member__facility=self.facility),
            pk=self.kwargs["pk"],
        )
        self.service(membership=membership, by=self.request.user)

    def redirect_url(self):
        return reverse("groups:staff_invitations", args=[self.facility.pk])


class InvitationApprove(InvitationDecision):
    service = staticmethod(services.membership_approve)
    success_message = _("The membership was approved.")


class InvitationCancel(InvitationDecision):
    service = staticmethod(services.membership_cancel)
    success_message = _("The invitation was cancelled.")


class GroupPage(PageMixin):
    """A page of the group in the URL (`request.group`, set by the access policy)."""

    @property
    def group(self):
        return self.request.group

    def get_success_url(self):
        return reverse("groups:group_detail", args=[self.group.pk])

    redirect_url = get_success_url


class GroupDetail(GroupPage, TemplateView):
    template_name = "groups/group_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.group
        context["memberships"] = group.memberships.select_related(
            "staff_member__facility"
        ).order_by("status", "pk")
        context["consents"] = consents_for(self.request.user).filter(group=group)
        context["consent_under_way"] = any(
            consent.status != PatientConsent.Status.WITHDRAWN for consent in context["consents"]
        )
        context["consent_on_record"] = any(consent.on_record for consent in context["consents"])
        context["may_sign_on_screen"] = (
            group.kind == CareGroup.Kind.PATIENT
            and not context["consent_on_record"]
            and signing_enabled()
            and consent_groups_for(self.request.user).filter(pk=group.pk).exists()
        )
        context["reviews"] = group.reviews.order_by("-due_on")[:5]
        context["assembly_requests"] = (
            assembly_requests_for(self.request.user)
            .filter(group=group)
            .select_related("requested_by")[:5]
        )
        context["assembly_open"] = any(
            request.status == AssemblyRequest.Status.OPEN
            for request in context["assembly_requests"]
        )
        context["may_request_assembly"] = services.may_request_assembly(self.request.user, group)
        context["pending_transfer"] = (
            group.transfers.filter(status=OwnershipTransfer.Status.REQUESTED)
            .select_related("to_facility")
            .first()
        )
        context["history"] = group.history.select_related("history_user", "owner").order_by(
            "-history_date"
        )[:10]
        context["archive_form"] = ReasonForm()
        context["role_choices"] = Membership.Role.choices
        context["is_owner_admin"] = (
            facilities_for(self.request.user).filter(pk=group.owner_id).exists()
            and not context["read_only"]
        )
        return context


class AssemblyRequestPage(ServiceFormPage):
    """独自ルール 5: the physician asks the support center to assemble the group's members."""

    form_class = AssemblyRequestForm
    title = _("Ask the support center to assemble members")
    submit_label = _("Send the request")
    success_message = _("The request was sent to the support center.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "group": self.group, "subject": self.group}

    def perform(self, form):
        return services.assembly_request(
            group=self.group, by=self.request.user, **form.cleaned_data
        )


class AssemblyRequestAdd(GroupPage, AssemblyRequestPage):
    """From the group's page, which the owner facility's staff open."""

    def dispatch(self, request, *args, **kwargs):
        # the center reads every group's pages (check_access refuses its POST)
        if not is_center(request.user) and not services.may_request_assembly(
            request.user, self.group
        ):
            raise PermissionDenied(services.NOT_A_PHYSICIAN)
        return super().dispatch(request, *args, **kwargs)


class GroupInvite(GroupPage, SearchFirstFormPage):
    """Search the ID holders of every participating facility, then invite one."""

    submit_label = _("Invite")

    form_class = InviteForm
    template_name = "groups/group_invite.html"
    title = _("Invite a member")
    success_message = _("The invitation was sent.")
    search_fields = [
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "facility__name",
    ]

    def candidates(self):
        return invitable_staff(self.group).order_by("facility__name_kana", "family_name_kana")

    def unsearched(self, candidates):
        return candidates.filter(facility=self.group.owner)  # not yet a prefecture's

    def perform(self, form):
        return services.membership_invite(
            group=self.group, by=self.request.user, **form.cleaned_data
        )


class GroupConsent(GroupPage, ServiceFormPage):
    form_class = ConsentForm
    title = _("Record the patient's consent")
    success_message = _("The consent was recorded.")

    def get_form_kwargs(self):
        obtainers = consent_obtainers(self.group).select_related("facility")
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "obtainers": obtainers}

    def perform(self, form):
        return consent_record(group=self.group, by=self.request.user, **form.cleaned_data)


class GroupMemberAction(GroupPage, ActionPage):
    @cached_property
    def membership(self):
        return get_object_or_404(
            self.group.memberships.filter(OPEN_MEMBERSHIP), pk=self.kwargs["pk"]
        )


class MemberRemove(GroupMemberAction):
    success_message = _("The member was removed.")

    def perform(self):
        form = ReasonForm(self.request.POST)
        services.membership_remove(
            membership=self.membership,
            by=self.request.user,
            reason=form.data.get("reason", ""),
        )


class MemberRole(GroupMemberAction):
    success_message = _("The role was changed.")

    def perform(self):
        form = RoleForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["role"])
        services.membership_set_role(
            membership=self.membership, role=form.cleaned_data["role"], by=self.request.user
        )


class GroupArchive(GroupPage, ServiceFormPage):
    submit_label = _("Archive the group")
    form_class = ReasonForm
    title = _("Archive the group")
    success_message = _("The group was archived.")

    def perform(self, form):
        return services.group_archive(
            group=self.group, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class MyInvitations(UserPage, ListPage):
    template_name = "groups/my_invitations.html"

    def rows(self):
        return (
            memberships_for(self.request.user)
            .filter(
                staff_member=self.person,
                status=Membership.Status.INVITED,
                group__status=CareGroup.Status.ACTIVE,
            )
            .select_related(
                "group__owner", "group__attending_physician", "invited_by__staff_member"
            )
        )


class MyGroups(UserPage, ListPage):
    template_name = "groups/my_groups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # the patients' consents the login may obtain on the screen, still to be signed
        context["consents_to_obtain"] = (
            consent_groups_for(self.request.user)
            .filter(pk__in=groups_without_consent())
            .select_related("patient", "owner")
            .order_by("pk")
            if signing_enabled()
            else []
        )
        return context

    def rows(self):
        return (
            with_group_named(memberships_for(self.request.user), self.request.user)
            .filter(
                staff_member=self.person,
                status__in=[Membership.Status.ACCEPTED, Membership.Status.APPROVED],
                group__status=CareGroup.Status.ACTIVE,
            )
            .select_related("group__owner", "group__patient")
        )


class InvitationAnswer(UserPage, ActionPage):
    service = None

    def perform(self):
        membership = get_object_or_404(
            memberships_for(self.request.user).filter(staff_member=self.person),
            pk=self.kwargs["pk"],
        )
        self.service(membership=membership, by=self.request.user)

    def redirect_url(self):
        return reverse("groups:my_invitations")


class InvitationAccept(InvitationAnswer):
    service = staticmethod(services.membership_accept)
    success_message = _("You accepted the invitation; your MCS administrator approves it next.")


class InvitationDecline(InvitationAnswer):
    service = staticmethod(services.membership_decline)
    success_message = _("You declined the invitation.")


class ConsentPrint(GroupPage, PrintPage):
    """様式4 of a consent of the group, to have signed by the patient and the family."""

    def pdf(self):
        consent = get_object_or_404(
            consents_for(self.request.user).filter(group=self.group), pk=self.kwargs["pk"]
        )
        return print_response(CONSENT_FORM, [consent], request=self.request)

    def back_url(self):
        return reverse("groups:group_detail", args=[self.group.pk])
