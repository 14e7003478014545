from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from facilities import models
from facilities.pdf import APPLICATION_FORM
from mcs_admin.admin_base import (
    AutocompleteFilter,
    HistoryAdmin,
    HistoryInline,
    PrintableAdmin,
    ReadOnlyAdmin,
)

STAFF_SEARCH = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
]


class AppointmentInline(HistoryInline):
    model = models.AdministratorAppointment
    fields = ["staff_member", "started_on", "ended_on"]
    autocomplete_fields = ["staff_member"]


@admin.register(models.Facility)
class FacilityAdmin(HistoryAdmin):
    list_display = ["name", "name_kana", "category", "status", "phone", "manager_name", "joined_on"]
    list_filter = ["status", "category"]
    search_fields = ["name", "name_kana", "address", "phone", "email", "manager_name"]
    inlines = [AppointmentInline]
    fieldsets = [
        (None, {"fields": ["name", "name_kana", "category", "status"]}),
        (_("Contact"), {"fields": ["postal_code", "address", "phone", "fax", "email"]}),
        (None, {"fields": ["manager_name", "applied_on", "joined_on", "left_on"]}),
    ]


class RosterLineInline(HistoryInline):
    model = models.ApplicationRosterLine
    fields = [
        "profession",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "gender",
        "email",
        "is_administrator",
    ]
    show_change_link = False


@admin.register(models.UsageApplication)
class UsageApplicationAdmin(PrintableAdmin):
    printed_form = APPLICATION_FORM
    list_display = [
        "facility",
        "document_number",
        "status",
        "prepared_on",
        "received_on",
        "decided_on",
    ]
    list_filter = ["status", ("facility", AutocompleteFilter)]
    list_select_related = ["facility"]
    search_fields = ["document_number", "facility__name", "facility__name_kana"]
    autocomplete_fields = ["facility"]
    readonly_fields = ["decided_by"]
    inlines = [RosterLineInline]


@admin.register(models.ApplicationRosterLine)
class ApplicationRosterLineAdmin(HistoryAdmin):
    list_display = ["full_name", "profession", "gender", "email", "application"]
    list_select_related = ["application__facility"]
    list_filter = ["profession", ("application__facility", AutocompleteFilter)]
    search_fields = STAFF_SEARCH
    autocomplete_fields = ["application"]


class McsAccountInline(HistoryInline):
    model = models.McsAccount
    fields = ["login_id", "status", "issued_on", "deleted_on", "password_changed_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.StaffMember)
class StaffMemberAdmin(HistoryAdmin):
    list_display = ["full_name", "full_name_kana", "facility", "profession", "email", "left_on"]
    list_select_related = ["facility"]
    list_filter = [
        ("facility", AutocompleteFilter),
        "profession",
        ("left_on", admin.EmptyFieldListFilter),
    ]
    search_fields = [*STAFF_SEARCH, "facility__name", "facility__name_kana"]
    autocomplete_fields = ["facility", "user"]
    inlines = [McsAccountInline]
    fieldsets = [
        (None, {"fields": ["facility", "profession"]}),
        (
            _("Name"),
            {"fields": ["family_name", "given_name", "family_name_kana", "given_name_kana"]},
        ),
        (None, {"fields": ["gender", "email", "address", "joined_on", "left_on", "user"]}),
    ]


@admin.register(models.McsAccount)
class McsAccountAdmin(HistoryAdmin):
    list_display = [
        "login_id",
        "staff_member",
        "facility",
        "status",
        "issued_on",
        "password_changed_on",
    ]
    list_select_related = ["staff_member__facility"]
    list_filter = ["status", ("staff_member__facility", AutocompleteFilter)]
    search_fields = [
        "login_id",
        *(f"staff_member__{field}" for field in STAFF_SEARCH),
        "staff_member__facility__name",
    ]
    autocomplete_fields = ["staff_member"]

    @admin.display(description=_("facility"), ordering="staff_member__facility__name_kana")
    def facility(self, account):
        return account.staff_member.facility


@admin.register(models.IdRequest)
class IdRequestAdmin(HistoryAdmin):
    list_display = ["requested_at", "facility", "staff_member", "kind", "status", "handled_at"]
    list_select_related = ["facility", "staff_member"]
    list_filter = ["status", "kind", ("facility", AutocompleteFilter)]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH] + ["facility__name"]
    autocomplete_fields = ["facility", "staff_member", "account"]
    readonly_fields = ["requested_by", "handled_by"]
    date_hierarchy = "requested_at"


class RosterReviewEntryInline(HistoryInline):
    model = models.RosterReviewEntry
    fields = ["account", "outcome", "confirmed_at", "confirmed_by"]
    readonly_fields = ["confirmed_by"]
    autocomplete_fields = ["account"]
    show_change_link = False


@admin.register(models.RosterReview)
class RosterReviewAdmin(HistoryAdmin):
    list_display = ["facility", "opened_on", "due_on", "status", "completed_on"]
    list_select_related = ["facility"]
    list_filter = ["status", ("facility", AutocompleteFilter)]
    search_fields = ["facility__name", "facility__name_kana"]
    autocomplete_fields = ["facility"]
    inlines = [RosterReviewEntryInline]


@admin.register(models.RosterReviewEntry)
class RosterReviewEntryAdmin(HistoryAdmin):
    list_display = ["account", "review", "outcome", "confirmed_at"]
    list_select_related = ["account", "review__facility"]
    list_filter = ["outcome", ("review__facility", AutocompleteFilter)]
    search_fields = ["account__login_id", "review__facility__name"]
    autocomplete_fields = ["review", "account"]
    readonly_fields = ["confirmed_by"]


@admin.register(models.AdministratorAppointment)
class AdministratorAppointmentAdmin(HistoryAdmin):
    list_display = ["staff_member", "facility", "started_on", "ended_on"]
    list_select_related = ["staff_member", "facility"]
    list_filter = [("facility", AutocompleteFilter), ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH] + ["facility__name"]
    autocomplete_fields = ["facility", "staff_member"]


@admin.register(models.Consultation)
class ConsultationAdmin(HistoryAdmin):
    list_display = ["received_at", "kind", "contact_name", "facility", "referred_to", "closed_at"]
    list_select_related = ["facility"]
    list_filter = ["kind", "referred_to", ("facility", AutocompleteFilter)]
    search_fields = ["contact_name", "summary", "facility__name"]
    autocomplete_fields = ["facility"]
    readonly_fields = ["handled_by"]


@admin.register(models.FacilityUserObjectPermission)
class FacilityUserObjectPermissionAdmin(ReadOnlyAdmin):
    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission__content_type", "content_object"]
    search_fields = ["user__username", "content_object__name"]


@admin.register(models.FacilityGroupObjectPermission)
class FacilityGroupObjectPermissionAdmin(ReadOnlyAdmin):
    list_display = ["group", "permission", "content_object"]
    list_select_related = ["group", "permission__content_type", "content_object"]
    search_fields = ["group__name", "content_object__name"]
