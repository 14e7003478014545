"""Pages of the group workflows beyond invitations: the membership review (精査), moving a
group to another facility, reopening an archived group, withdrawing the consent, a member
leaving, and the attending physician's removal for a leak."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from consents.models import consent_on_record
from consents.selectors import consents_for
from consents.services import consent_withdraw
from facilities.models import Facility
from groups import services
from groups.designation_views import AttendedGroupPage
from groups.forms import ConsentWithdrawForm, ReasonForm, TransferForm
from groups.models import (
    OPEN_MEMBERSHIP,
    AssemblyRequest,
    Membership,
    MembershipReview,
    OwnershipTransfer,
)
from groups.selectors import (
    groups_attended_by,
    members_from_outside,
    memberships_for,
    transfers_for,
    with_consent_check,
)
from groups.views import AssemblyRequestPage, GroupPage
from mcs_admin.pages import (
    ActionPage,
    FacilityPage,
    ListPage,
    SearchFirstFormPage,
    ServiceFormPage,
    UserPage,
)


class GroupReview(GroupPage, TemplateView):
    """精査: the open review, each member to confirm or remove, and the reviews before."""

    template_name = "groups/group_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.group.reviews.select_related("reviewer")
        review = reviews.filter(status=MembershipReview.Status.OPEN).first()
        context["review"] = review
        if review is not None:
            context["pending"] = services.review_pending(review).select_related(
                "staff_member__facility"
            )
            context["decided"] = review.entries.select_related(
                "membership__staff_member__facility", "decided_by"
            )
        context["past"] = reviews.filter(status=MembershipReview.Status.COMPLETED).order_by(
            "-completed_on"
        )[:5]
        return context


class ReviewAction(GroupPage, ActionPage):
    def redirect_url(self):
        return reverse("groups:group_review", args=[self.group.pk])

    @cached_property
    def review(self):
        review = self.group.reviews.filter(status=MembershipReview.Status.OPEN).first()
        if review is None:
            raise ValidationError(_("No review of this group is open."))
        return review


class ReviewDecide(ReviewAction):
    success_message = _("Recorded.")

    def perform(self):
        membership = get_object_or_404(self.group.memberships, pk=self.kwargs["pk"])
        services.review_decide(
            review=self.review,
            membership=membership,
            outcome=self.request.POST.get("outcome", ""),
            reason=self.request.POST.get("reason", ""),
            by=self.request.user,
        )


class ReviewComplete(ReviewAction):
    success_message = _("The review was completed.")

    def perform(self):
        services.review_complete(review=self.review, by=self.request.user)


class GroupTransfer(GroupPage, SearchFirstFormPage):
    """The owner asks another facility to take the group over; search, then choose."""

    submit_label = _("Ask for the move")

    form_class = TransferForm
    template_name = "groups/group_transfer.html"
    title = _("Move the group to another facility")
    success_message = _("The request was sent to the receiving facility.")
    search_fields = ["name", "name_kana"]

    def candidates(self):
        return (
            Facility.objects.filter(status=Facility.Status.ACTIVE)
            .exclude(pk=self.group.owner_id)
            .order_by("name_kana")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = self.group.transfers.filter(
            status=OwnershipTransfer.Status.REQUESTED
        ).first()
        return context

    def perform(self, form):
        return services.transfer_request(
            group=self.group, by=self.request.user, **form.cleaned_data
        )


class TransferCancel(GroupPage, ActionPage):
    success_message = _("The request was withdrawn.")

    def perform(self):
        transfer = self.group.transfers.filter(status=OwnershipTransfer.Status.REQUESTED).first()
        if transfer is None:
            raise ValidationError(_("This group has no pending move."))
        services.transfer_cancel(transfer=transfer, by=self.request.user)


class GroupReopen(GroupPage, ServiceFormPage):
    submit_label = _("Reopen the group")
    form_class = ReasonForm
    title = _("Reopen the group")
    success_message = _("The group was reopened.")

    def perform(self, form):
        return services.group_reopen(
            group=self.group, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class ConsentWithdraw(GroupPage, ServiceFormPage):
    """The patient or family withdraws the consent; the page says what follows."""

    submit_label = _("Record the withdrawal")

    form_class = ConsentWithdrawForm
    template_name = "groups/consent_withdraw.html"
    title = _("Record the withdrawal of the consent")
    success_message = _("The withdrawal was recorded; members from other facilities left.")

    def get_initial(self):
        return {"withdrawn_on": timezone.localdate()}

    @cached_property
    def consent(self):
        return consents_for(self.request.user).filter(consent_on_record(), group=self.group).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["leaving"] = members_from_outside(self.group).select_related(
            "staff_member__facility"
        )
        return context

    def perform(self, form):
        if self.consent is None:
            raise ValidationError(_("No consent of this group is on record."))
        return consent_withdraw(consent=self.consent, by=self.request.user, **form.cleaned_data)


class Transfers(FacilityPage, ListPage):
    """Moves of groups to this facility, awaiting its decision, and from it (管理施設の変更)."""

    template_name = "groups/transfers.html"

    def rows(self):
        facility = self.facility
        return (
            with_consent_check(transfers_for(self.request.user))
            .filter(Q(to_facility=facility) | Q(from_facility=facility))
            .select_related("group__patient", "from_facility", "to_facility", "requested_by")
            .order_by("-status", "-requested_at")
        )


class TransferDecision(FacilityPage, ActionPage):
    def transfer(self):
        return get_object_or_404(
            transfers_for(self.request.user).filter(to_facility=self.facility),
            pk=self.kwargs["pk"],
        )

    def redirect_url(self):
        return reverse("groups:transfers", args=[self.facility.pk])


class TransferApprove(TransferDecision):
    success_message = _("The group now belongs to this facility.")

    def perform(self):
        services.transfer_approve(transfer=self.transfer(), by=self.request.user)


class TransferRefuse(TransferDecision):
    success_message = _("The move was refused.")

    def perform(self):
        services.transfer_refuse(
            transfer=self.transfer(),
            by=self.request.user,
            reason=self.request.POST.get("reason", ""),
        )


class MyGroupLeave(UserPage, ActionPage):
    """留意事項 (3): a user no longer in charge leaves the patient's group."""

    success_message = _("You left the group.")

    def perform(self):
        membership = get_object_or_404(
            memberships_for(self.request.user).filter(staff_member=self.person),
            pk=self.kwargs["pk"],
        )
        services.membership_remove(
            membership=membership, by=self.request.user, reason=_("Left by the member.")
        )

    def redirect_url(self):
        return reverse("groups:my_groups")


class AttendedGroups(UserPage, ListPage):
    """The groups whose attending physician is the login, with their members: the physician
    removes someone who leaked information (独自ルール 8)."""

    template_name = "groups/attended_groups.html"

    def rows(self):
        members = Membership.objects.filter(OPEN_MEMBERSHIP).select_related(
            "staff_member__facility"
        )
        open_requests = AssemblyRequest.objects.filter(status=AssemblyRequest.Status.OPEN)
        return (
            groups_attended_by(self.request.user)
            .select_related("owner", "patient")
            .prefetch_related(
                Prefetch("memberships", queryset=members, to_attr="open_members"),
                Prefetch("assembly_requests", queryset=open_requests, to_attr="open_assembly"),
            )
            .order_by("pk")
        )


class LeakRemove(UserPage, ActionPage):
    success_message = _("The member was removed from the group.")

    def perform(self):
        membership = get_object_or_404(
            Membership.objects.filter(group__in=groups_attended_by(self.request.user)),
            pk=self.kwargs["pk"],
        )
        services.membership_remove_for_leak(
            membership=membership,
            reason=self.request.POST.get("reason", ""),
            by=self.request.user,
        )

    def redirect_url(self):
        return reverse("groups:attended_groups")


class AttendedAssemblyRequestAdd(AttendedGroupPage, AssemblyRequestPage):
    """独自ルール 5 from the physician's own pages: an attending physician of another facility
    does not open the owner's pages of the group."""

    def get_success_url(self):
        return reverse("groups:attended_groups")
