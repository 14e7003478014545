from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facilities import models, services
from facilities.admin_views import FacilityWithdrawView, IdRequestHandleView, RosterRoundView
from facilities.forms import LeftOnForm, ResponseForm
from facilities.mail import invitation_mail
from facilities.pdf import APPLICATION_FORM, id_notice_pdf
from facilities.resources import FacilityResource, StaffMemberResource
from facilities.selectors import STAFF_SEARCH, overdue_consultations
from facilities.services.invitations import ROSTER_FIELDS
from mcs_admin.admin_actions import form_action, reason_action, service_action
from mcs_admin.admin_base import (
    AutocompleteFilter,
    HistoryAdmin,
    HistoryInline,
    ListedInline,
    ObjectPermissionAdmin,
    PrintableAdmin,
    Refused,
)
from mcs_admin.pdf import pdf_download
from mcs_admin.sheet_admin import SpreadsheetAdminMixin
from pledges.selectors import pledge_on_record
from pledges.services import facility_manager_change


class AppointmentInline(ListedInline):
    """Appointed and ended on the appointments' own admin, through their services."""

    model = models.AdministratorAppointment
    fields = ["staff_member", "started_on", "ended_on"]


@admin.register(models.Facility)
class FacilityAdmin(SpreadsheetAdminMixin, HistoryAdmin):
    resource_classes = [FacilityResource]

    change_form_template = "admin/facilities/facility/change_form.html"

    def get_urls(self):
        withdraw = self.admin_site.admin_view(FacilityWithdrawView.as_view(model_admin=self))
        return [
            path("<int:pk>/withdraw/", withdraw, name="facilities_facility_withdraw"),
            *super().get_urls(),
        ]

    def create(self, request, form):
        data = form.cleaned_data
        details = {name: data[name] for name in services.FACILITY_FIELDS}
        return services.facility_register(
            by=request.user, manager_name=data["manager_name"], **details
        )

    def update(self, request, obj, form):
        changes = self.changes(form)
        manager_name = changes.pop("manager_name", None)
        facility = services.facility_update(facility=obj, by=request.user, **changes)
        if manager_name is not None:  # a new manager signs a new pledge (様式2)
            facility_manager_change(facility=facility, manager_name=manager_name, by=request.user)
            facility.refresh_from_db()
        return facility

    actions = [
        reason_action(services.facility_suspend, _("Suspend the use of MCS"), field="facility"),
        service_action(
            services.facility_lift_suspension, _("Lift the suspension"), field="facility"
        ),
    ]
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
    fields = ROSTER_FIELDS  # the roster's columns, as the online application asks for them
    show_change_link = False


@admin.register(models.UsageApplication)
class UsageApplicationAdmin(PrintableAdmin):
    """Prepared, its roster written until the signed paper is back, then received, checked and
    decided by actions, through the application services."""

    printed_form = APPLICATION_FORM
    add_fields = ["facility", "note"]
    change_fields = ["note"]

    def create(self, request, form):
        return services.application_prepare(
            facility=form.cleaned_data["facility"], note=form.cleaned_data["note"], by=request.user
        )

    def update(self, request, obj, form):
        return services.application_note(
            application=obj, note=form.cleaned_data["note"], by=request.user
        )

    def save_formset(self, request, form, formset, change):
        try:
            for line in formset.save(commit=False):
                services.roster_line_record(line=line, by=request.user)
        except ValidationError as error:
            raise Refused(error) from error

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
    actions = [
        *PrintableAdmin.actions,
        service_action(services.application_check, _("Mark as checked"), field="application"),
        service_action(
            services.application_approve,
            _("Approve: activate, appoint the administrator, request the IDs"),
            field="application",
        ),
        reason_action(services.application_reject, _("Reject"), field="application"),
    ]


@admin.register(models.ApplicationInvitation)
class ApplicationInvitationAdmin(HistoryAdmin):
    """The center invites a prospective facility to apply online: the link is e-mailed to it and
    shown once, on saving; what the facility submits is in the applications' list."""

    add_fields = ["email"]
    change_fields = []

    def create(self, request, form):
        invitation, token = services.invitation_create(
            email=form.cleaned_data["email"], by=request.user
        )
        link = services.invitation_link(token)
        invitation_mail(invitation, link)
        messages.success(
            request,
            format_html(
                _("The link was sent to {email}; it is shown only now: {link}"),
                email=invitation.email,
                link=link,
            ),
        )
        return invitation

    list_display = ["email", "invited_at", "expires_at", "submitted_at", "application"]
    list_select_related = ["application__facility"]
    search_fields = ["email"]
    fields = [
        "email",
        "invited_by",
        "invited_at",
        "expires_at",
        "saved_at",
        "submitted_at",
        "application",
    ]
    readonly_fields = ["invited_by", "invited_at", "expires_at"]


@admin.register(models.ApplicationRosterLine)
class ApplicationRosterLineAdmin(HistoryAdmin):
    def create(self, request, form):
        return services.roster_line_record(line=form.instance, by=request.user)

    def update(self, request, obj, form):
        return services.roster_line_record(line=obj, by=request.user)

    list_display = ["full_name", "profession", "gender", "email", "application"]
    list_select_related = ["application__facility"]
    list_filter = ["profession", ("application__facility", AutocompleteFilter)]
    search_fields = STAFF_SEARCH
    autocomplete_fields = ["application"]


class McsAccountInline(ListedInline):
    model = models.McsAccount
    fields = ["login_id", "status", "issued_on", "deleted_on", "password_changed_on"]


@admin.register(models.StaffMember)
class StaffMemberAdmin(SpreadsheetAdminMixin, HistoryAdmin):
    resource_classes = [StaffMemberResource]

    change_fields = [*services.STAFF_FIELDS, "user"]

    def create(self, request, form):
        fields = {name: form.cleaned_data[name] for name in services.STAFF_FIELDS}
        person = services.staff_create(
            facility=form.cleaned_data["facility"], by=request.user, **fields
        )
        if form.cleaned_data["user"] is None:
            return person
        return services.staff_link_login(
            staff_member=person, user=form.cleaned_data["user"], by=request.user
        )

    def update(self, request, obj, form):
        changes = self.changes(form)
        login = {"user": changes.pop("user")} if "user" in changes else None
        person = services.staff_update(staff_member=obj, by=request.user, **changes)
        if login is None:
            return person
        return services.staff_link_login(staff_member=person, by=request.user, **login)

    actions = [
        form_action(
            services.staff_mark_left,
            _("Mark as left: opens the leaver's checklist"),
            LeftOnForm,
            field="staff_member",
        ),
    ]
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
    fields = [
        "staff_member",
        "login_id",
        "status",
        "status_reason",
        "requested_on",
        "issued_on",
        "deleted_on",
        "password_changed_on",
    ]
    # adding issues the ID today: who, and the login id registered in MCS
    add_fields = ["staff_member", "login_id"]
    change_fields = ["login_id", "password_changed_on"]

    def create(self, request, form):
        """Issued as an ID request's issue is: a pledge on record, an address MCS accepts."""
        return services.account_issue(
            staff_member=form.cleaned_data["staff_member"],
            login_id=form.cleaned_data["login_id"],
            by=request.user,
        )

    def update(self, request, obj, form):
        return services.account_update(account=obj, by=request.user, **self.changes(form))

    actions = [
        reason_action(
            services.account_restrict, _("Restrict use"), field="account", status="restricted"
        ),
        reason_action(
            services.account_restrict,
            _("Ban (removes from every group)"),
            field="account",
            status="banned",
        ),
        service_action(services.account_reinstate, _("Lift the restriction"), field="account"),
    ]

    @admin.display(description=_("facility"), ordering="staff_member__facility__name_kana")
    def facility(self, account):
        return account.staff_member.facility


@admin.register(models.IdRequest)
class IdRequestAdmin(HistoryAdmin):
    """The center's queue of ID requests, oldest first, each handled on its own page."""

    list_display = [  # the action first, where the eye starts (and never under the filters)
        "requested_at",
        "handle",
        "age",
        "facility",
        "staff_member",
        "kind",
        "pledge",
        "status",
    ]
    list_select_related = ["facility", "staff_member"]
    list_filter = ["status", "kind", ("facility", AutocompleteFilter)]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH] + ["facility__name"]
    autocomplete_fields = ["facility", "staff_member", "account"]
    readonly_fields = [
        "requested_by",
        "handled_by",
        "released_at",
        "released_by",
        "holder_deleted_at",
        "holder_deleted_by",
    ]
    ordering = ["requested_at"]
    actions = ["print_id_notices"]
    fields = [
        "facility",
        "staff_member",
        "account",
        "kind",
        "details",
        "status",
        "requested_at",
        "requested_by",
        "handled_at",
        "handled_by",
        "rejection_reason",
        "released_at",
        "released_by",
        "holder_deleted_at",
        "holder_deleted_by",
    ]
    change_fields = []  # handled on its own page (処理する), through the services

    def get_changelist_instance(self, request):
        """Whose pledge counts, for the page's rows only: as an annotation of every request
        (an EXISTS a row), PostgreSQL hashes every pledge of the prefecture first (33 ms at
        50,000) however few rows the page shows."""
        changelist = super().get_changelist_instance(request)
        page = list(changelist.result_list)  # the page's rows, kept for the template
        pledged = set(
            models.StaffMember.objects.filter(
                pledge_on_record("pk"), pk__in={row.staff_member_id for row in page}
            ).values_list("pk", flat=True)
        )
        for row in page:
            row.pledge_on_record = row.staff_member_id in pledged
        return changelist

    @admin.display(description=_("pledge (form 3)"))
    def pledge(self, id_request):
        """An issue waits for it (第9条): the center sees it before opening the request, in the
        words of the handling page; the other kinds do not ask for it (the admin's empty value)."""
        if id_request.kind != models.IdRequest.Kind.ISSUE:
            return None
        return _("on record") if id_request.pledge_on_record else _("not on record")

    def get_readonly_fields(self, request, obj=None):
        # the request's facility and ID follow from the staff member
        added = ["facility", "account", "requested_at"] if obj is None else []
        return [*super().get_readonly_fields(request, obj), *added]

    def create(self, request, form):
        """The center records a request a facility made by telephone or on paper."""
        return services.id_request_create(
            staff_member=form.cleaned_data["staff_member"],
            kind=form.cleaned_data["kind"],
            details=form.cleaned_data["details"],
            by=request.user,
        )

    @admin.action(description=_("Print the ID notices (ID発行通知)"))
    def print_id_notices(self, request, queryset):
        requests = list(queryset.select_related("facility", "staff_member", "account"))
        try:
            pdf = id_notice_pdf(requests, user=request.user, request=request)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        return pdf_download(pdf, "id-notices.pdf")

    def get_urls(self):
        handle = self.admin_site.admin_view(IdRequestHandleView.as_view(model_admin=self))
        return [
            path("<int:pk>/handle/", handle, name="facilities_idrequest_handle"),
            *super().get_urls(),
        ]

    @admin.display(description=_("age (days)"), ordering="requested_at")
    def age(self, request):
        end = request.handled_at or timezone.now()
        return (end - request.requested_at).days

    @admin.display(description=_("handle"))
    def handle(self, request):
        if request.status != models.IdRequest.Status.PENDING:
            return "—"
        url = reverse("admin:facilities_idrequest_handle", args=[request.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Handle"))


class RosterReviewEntryInline(ListedInline):
    model = models.RosterReviewEntry
    fields = ["account", "outcome", "confirmed_at", "confirmed_by"]
    show_change_link = False


@admin.register(models.RosterReview)
class RosterReviewAdmin(HistoryAdmin):
    """Each facility's progress in the ID棚卸; opening a round is one page."""

    change_list_template = "admin/facilities/rosterreview/change_list.html"
    list_display = ["facility", "opened_on", "due_on", "status", "progress", "completed_on"]
    change_fields = ["due_on"]

    def has_add_permission(self, request):
        return False  # opened for one facility or a round on the round page

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                entry_count=Count("entries"),
                confirmed_count=Count("entries", filter=~Q(entries__outcome="pending")),
            )
        )

    def get_urls(self):
        round_view = self.admin_site.admin_view(RosterRoundView.as_view(model_admin=self))
        return [
            path("open-round/", round_view, name="facilities_rosterreview_open_round"),
            *super().get_urls(),
        ]

    @admin.display(description=_("confirmed"))
    def progress(self, review):
        return f"{review.confirmed_count} / {review.entry_count}"

    list_select_related = ["facility"]
    list_filter = ["status", ("facility", AutocompleteFilter)]
    search_fields = ["facility__name", "facility__name_kana"]
    autocomplete_fields = ["facility"]
    inlines = [RosterReviewEntryInline]


@admin.register(models.RosterReviewEntry)
class RosterReviewEntryAdmin(HistoryAdmin):
    list_display = ["account", "review", "outcome", "confirmed_at"]
    actions = [
        service_action(
            services.roster_entry_confirm,
            format_lazy(_("Confirm: {}"), label),
            field="entry",
            outcome=value,
        )
        for value, label in models.RosterReviewEntry.Outcome.choices
        if value != "pending"
    ]
    list_select_related = ["account", "review__facility"]
    list_filter = ["outcome", ("review__facility", AutocompleteFilter)]
    search_fields = ["account__login_id", "review__facility__name"]
    autocomplete_fields = ["review", "account"]
    readonly_fields = ["confirmed_by"]
    change_fields = []

    def has_add_permission(self, request):
        return False  # each open review lists its facility's ID holders


@admin.register(models.AdministratorAppointment)
class AdministratorAppointmentAdmin(HistoryAdmin):
    change_fields = []

    def create(self, request, form):
        return services.appointment_start(
            facility=form.cleaned_data["facility"],
            staff_member=form.cleaned_data["staff_member"],
            started_on=form.cleaned_data["started_on"],
            by=request.user,
        )

    actions = [
        service_action(
            services.appointment_end, _("End the appointment today"), field="appointment"
        )
    ]

    list_display = ["staff_member", "facility", "started_on", "ended_on"]
    list_select_related = ["staff_member", "facility"]
    list_filter = [("facility", AutocompleteFilter), ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH] + ["facility__name"]
    autocomplete_fields = ["facility", "staff_member"]


class OverdueFilter(admin.SimpleListFilter):
    """Consultations not answered by their due date (独自ルール 4)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=overdue_consultations(timezone.localdate()).values("pk"))
        return queryset


@admin.register(models.Consultation)
class ConsultationAdmin(HistoryAdmin):
    """The center's desk (独自ルール 4): received, answered (a complaint: passed on to the
    attending physician), closed, each step an action."""

    list_display = [
        "received_at",
        "kind",
        "contact_name",
        "facility",
        "referred_to",
        "status",
        "due_on",
        "is_overdue",
    ]
    list_select_related = ["facility"]
    list_filter = ["status", OverdueFilter, "kind", "referred_to", ("facility", AutocompleteFilter)]
    search_fields = ["contact_name", "summary", "facility__name"]
    autocomplete_fields = ["facility"]
    readonly_fields = ["referred_to", "handled_by"]
    add_fields = ["kind", "facility", "contact_name", "summary", "received_at"]
    change_fields = services.CONSULTATION_FIELDS
    actions = [
        form_action(services.consultation_answer, _("Answer"), ResponseForm, field="consultation"),
        service_action(
            services.consultation_close, pgettext_lazy("action", "Close"), field="consultation"
        ),
    ]

    def create(self, request, form):
        data = {name: form.cleaned_data[name] for name in self.add_fields}
        return services.consultation_submit(by=request.user, **data)

    def update(self, request, obj, form):
        return services.consultation_update(consultation=obj, by=request.user, **self.changes(form))

    @admin.display(description=_("overdue"))
    def is_overdue(self, consultation):
        # a word, not the boolean's green tick: being overdue is nothing to tick off
        return _("overdue") if consultation.overdue else ""


@admin.register(models.ProfessionSynonym)
class ProfessionSynonymAdmin(HistoryAdmin):
    """職種 as old rosters write it, read by the spreadsheet imports of staff."""

    list_display = ["term", "profession"]
    list_filter = ["profession"]
    search_fields = ["term"]


@admin.register(models.FacilityUserObjectPermission)
class FacilityUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_select_related = ["user", "permission__content_type", "content_object"]
    search_fields = ["user__username", "content_object__name"]


@admin.register(models.FacilityGroupObjectPermission)
class FacilityGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_select_related = ["group", "permission__content_type", "content_object"]
    search_fields = ["group__name", "content_object__name"]


class LeaveItemInline(ListedInline):
    model = models.LeaveItem
    fields = ["kind", "status", "note", "closed_at", "closed_by"]


@admin.register(models.Leave)
class LeaveAdmin(HistoryAdmin):
    """Every leave of every facility; the center watches the incomplete ones."""

    list_display = ["staff_member", "facility", "reason", "opened_on", "open_items", "completed_on"]
    list_select_related = ["staff_member__facility"]
    list_filter = [
        ("completed_on", admin.EmptyFieldListFilter),
        "reason",
        ("staff_member__facility", AutocompleteFilter),
    ]
    search_fields = [f"staff_member__{field}" for field in STAFF_SEARCH]
    autocomplete_fields = ["staff_member"]
    inlines = [LeaveItemInline]
    change_fields = []

    def has_add_permission(self, request):
        return False  # opened by marking someone as left, or by a roster review

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_item_count=Count("items", filter=Q(items__status="open")))
        )

    @admin.display(description=_("facility"), ordering="staff_member__facility__name_kana")
    def facility(self, leave):
        return leave.staff_member.facility

    @admin.display(description=_("open items"), ordering="open_item_count")
    def open_items(self, leave):
        return leave.open_item_count


@admin.register(models.LeaveItem)
class LeaveItemAdmin(HistoryAdmin):
    list_display = ["leave", "kind", "status", "closed_at", "closed_by"]
    list_select_related = ["leave__staff_member", "closed_by"]
    list_filter = ["status", "kind"]
    search_fields = [f"leave__staff_member__{field}" for field in STAFF_SEARCH]
    autocomplete_fields = ["leave"]
    readonly_fields = ["closed_by"]
    change_fields = []

    def has_add_permission(self, request):
        return False  # every leave opens with its checklist

    actions = [
        service_action(services.leave_item_close, _("Mark as done"), field="item"),
        reason_action(
            services.leave_item_close, _("Waive"), reason_argument="waive_reason", field="item"
        ),
    ]
