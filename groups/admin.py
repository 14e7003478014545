from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facilities.selectors import STAFF_SEARCH
from groups import models, services
from groups.selectors import with_consent_check
from groups.services.lifecycle import GROUP_FIELDS
from mcs_admin.admin_actions import reason_action, service_action
from mcs_admin.admin_base import (
    AutocompleteFilter,
    HistoryAdmin,
    ListedInline,
    ObjectPermissionAdmin,
)

PATIENT_SEARCH = ["family_name", "given_name", "family_name_kana", "given_name_kana"]


@admin.register(models.Patient)
class PatientAdmin(HistoryAdmin):
    list_display = ["full_name", "full_name_kana", "address"]
    search_fields = PATIENT_SEARCH

    def create(self, request, form):
        return services.patient_register(by=request.user, **self.changes(form))

    def update(self, request, obj, form):
        return services.patient_update(patient=obj, by=request.user, **self.changes(form))


class MembershipInline(ListedInline):
    """The group's members; invited, approved and removed on the memberships' own page."""

    model = models.Membership
    fields = ["staff_member", "role", "status", "invited_at", "approved_at", "ended_at"]


@admin.register(models.CareGroup)
class CareGroupAdmin(HistoryAdmin):
    # registered as the owner registers it, with its first review
    add_fields = ["owner", "kind", "name", "patient", "attending_physician"]
    change_fields = GROUP_FIELDS

    def create(self, request, form):
        data = form.cleaned_data
        return services.group_create(
            owner=data["owner"],
            kind=data["kind"],
            name=data["name"],
            patient=data["patient"],
            attending_physician=data["attending_physician"],
            by=request.user,
        )

    def update(self, request, obj, form):
        return services.group_update(group=obj, by=request.user, **self.changes(form))

    list_display = ["__str__", "kind", "owner", "attending_physician", "status", "created_on"]
    list_select_related = ["owner", "patient", "attending_physician"]
    list_filter = ["kind", "status", ("owner", AutocompleteFilter)]
    search_fields = [
        "=id",
        "name",
        *(f"patient__{field}" for field in PATIENT_SEARCH),
        "owner__name",
        "owner__name_kana",
    ]
    autocomplete_fields = ["owner", "patient", "attending_physician"]
    inlines = [MembershipInline]
    actions = [
        reason_action(services.group_archive, _("Archive (保管)"), field="group"),
        reason_action(services.group_reopen, _("Reopen from the archive"), field="group"),
    ]


@admin.register(models.Membership)
class MembershipAdmin(HistoryAdmin):
    """Invited, approved, cancelled and removed through the same services as the pages."""

    add_fields = ["group", "staff_member"]
    change_fields = []  # the role is named by an action, as on the group's page

    def create(self, request, form):
        return services.membership_invite(
            group=form.cleaned_data["group"],
            staff_member=form.cleaned_data["staff_member"],
            by=request.user,
        )

    list_display = ["staff_member", "staff_facility", "group", "role", "status", "invited_at"]
    list_select_related = ["staff_member__facility", "group__patient"]
    list_filter = ["status", "role", ("group__owner", AutocompleteFilter)]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH] + ["=group__id"]
    autocomplete_fields = ["group", "staff_member"]
    readonly_fields = ["invited_by", "approved_by", "ended_by"]
    actions = [
        service_action(services.membership_approve, _("Approve"), field="membership"),
        service_action(services.membership_cancel, _("Cancel the invitation"), field="membership"),
        service_action(
            services.membership_set_role,
            _("Name group manager"),
            field="membership",
            role=models.Membership.Role.MANAGER,
        ),
        service_action(
            services.membership_set_role,
            _("Make a plain member"),
            field="membership",
            role=models.Membership.Role.MEMBER,
        ),
        reason_action(services.membership_remove, _("Remove from the group"), field="membership"),
        reason_action(
            services.membership_remove_for_leak,
            _("Remove for a leak of information (独自ルール 8)"),
            field="membership",
        ),
    ]

    @admin.display(description=models.Facility._meta.verbose_name)
    def staff_facility(self, membership):
        return membership.staff_member.facility


class MembershipReviewEntryInline(ListedInline):
    model = models.MembershipReviewEntry
    fields = ["membership", "outcome", "reason", "decided_at", "decided_by"]
    show_change_link = False


@admin.register(models.MembershipReview)
class MembershipReviewAdmin(HistoryAdmin):
    """Scheduled by the services and decided by the group's owner on the group's review page."""

    change_fields = []

    def has_add_permission(self, request):
        return False

    list_display = ["group", "owner", "due_on", "status", "completed_on", "reviewer"]
    list_select_related = ["group__patient", "group__owner", "reviewer"]
    list_filter = ["status", ("group__owner", AutocompleteFilter)]
    search_fields = ["=group__id", "group__name"]
    autocomplete_fields = ["group"]
    readonly_fields = ["reviewer"]
    inlines = [MembershipReviewEntryInline]

    @admin.display(description=_("owning facility"), ordering="group__owner__name_kana")
    def owner(self, review):
        return review.group.owner


@admin.register(models.MembershipReviewEntry)
class MembershipReviewEntryAdmin(HistoryAdmin):
    change_fields = []

    def has_add_permission(self, request):
        return False

    list_display = ["membership", "review", "outcome", "decided_at", "decided_by"]
    list_select_related = [
        "membership__staff_member",
        "membership__group__patient",
        "review__group__patient",
        "decided_by",
    ]
    list_filter = ["outcome", ("review__group__owner", AutocompleteFilter)]
    search_fields = [
        "=review__group__id",
        *(f"membership__staff_member__{f}" for f in STAFF_SEARCH),
    ]
    autocomplete_fields = ["review", "membership"]
    readonly_fields = ["decided_by"]


@admin.register(models.OwnershipTransfer)
class OwnershipTransferAdmin(HistoryAdmin):
    add_fields = ["group", "to_facility", "reason"]
    change_fields = []

    def create(self, request, form):
        data = form.cleaned_data
        return services.transfer_request(
            group=data["group"],
            to_facility=data["to_facility"],
            reason=data["reason"],
            by=request.user,
        )

    list_display = [
        "group",
        "from_facility",
        "to_facility",
        "status",
        "consent_check",  # before the date: what the decision turns on stays in view
        "requested_at",
    ]
    list_select_related = ["group__patient", "from_facility", "to_facility"]
    list_filter = ["status", ("to_facility", AutocompleteFilter)]
    search_fields = ["=group__id", "from_facility__name", "to_facility__name"]
    autocomplete_fields = ["group", "from_facility", "to_facility"]
    readonly_fields = ["requested_by", "decided_by"]
    actions = [
        service_action(services.transfer_approve, _("Approve the move"), field="transfer"),
        reason_action(services.transfer_refuse, _("Refuse the move"), field="transfer"),
        service_action(services.transfer_cancel, _("Cancel the request"), field="transfer"),
    ]

    def get_queryset(self, request):
        return with_consent_check(super().get_queryset(request))

    @admin.display(description=_("patient's consent (第6条)"))
    def consent_check(self, transfer):
        if transfer.consents_on_record:
            return _("on record")
        return _("none: %(count)s members would wait for approval again") % {
            "count": transfer.members_to_wait
        }


@admin.register(models.AssemblyRequest)
class AssemblyRequestAdmin(HistoryAdmin):
    """The center's queue of 独自ルール 5, oldest first: it invites the members wanted (on the
    memberships' page, for the physician), then marks the request done, or declines it."""

    list_display = ["requested_at", "group", "requested_by", "status", "decided_at"]
    list_select_related = ["group__patient", "requested_by"]
    list_filter = ["status"]
    search_fields = ["=group__id", *(f"group__patient__{field}" for field in PATIENT_SEARCH)]
    autocomplete_fields = ["group", "requested_by"]
    readonly_fields = ["decided_by"]
    ordering = ["requested_at"]
    change_fields = []
    actions = [
        service_action(services.assembly_done, _("Members assembled: done"), field="request"),
        reason_action(
            services.assembly_decline, pgettext_lazy("request", "Decline"), field="request"
        ),
    ]

    def has_add_permission(self, request):
        return False  # a physician's instruction, given on the group's page


@admin.register(models.CareGroupUserObjectPermission)
class CareGroupUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_select_related = ["user", "permission__content_type", "content_object__patient"]
    search_fields = ["user__username", "=content_object__id"]


@admin.register(models.CareGroupGroupObjectPermission)
class CareGroupGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_select_related = ["group", "permission__content_type", "content_object__patient"]
    search_fields = ["group__name", "=content_object__id"]
