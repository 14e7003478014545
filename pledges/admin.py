from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.selectors import STAFF_SEARCH
from mcs_admin.admin_actions import service_action
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin, PrintableAdmin
from pledges import models, selectors, services
from pledges.pdf import FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM


@admin.register(models.FacilityPledge)
class FacilityPledgeAdmin(PrintableAdmin):
    printed_form = FACILITY_PLEDGE_FORM
    list_display = [
        "facility",
        "manager_name",
        "document_number",
        "status",
        "prepared_on",
        "signed_on",
        "received_on",
    ]
    list_select_related = ["facility"]
    list_filter = ["status", "policy_version", ("facility", AutocompleteFilter)]
    search_fields = ["document_number", "facility__name", "facility__name_kana", "manager_name"]
    autocomplete_fields = ["facility"]
    change_fields = services.FACILITY_PLEDGE_FIELDS

    def get_fields(self, request, obj=None):
        # adding prepares the pledge of the facility's manager on record, to print
        return super().get_fields(request, obj) if obj else ["facility", "signed_on"]

    def create(self, request, form):
        return services.facility_pledge_prepare(by=request.user, **form.cleaned_data)

    def update(self, request, obj, form):
        return services.facility_pledge_update(pledge=obj, by=request.user, **self.changes(form))


@admin.register(models.StaffPledge)
class StaffPledgeAdmin(PrintableAdmin):
    printed_form = STAFF_PLEDGE_FORM
    list_display = [
        "staff_member",
        "facility",
        "document_number",
        "basis",
        "status",
        "signed_on",
        "received_on",
    ]
    list_select_related = ["staff_member__facility"]
    list_filter = [
        "basis",
        "status",
        "policy_version",
        ("staff_member__facility", AutocompleteFilter),
    ]
    search_fields = ["document_number", *(f"staff_member__{field}" for field in STAFF_SEARCH)]
    autocomplete_fields = ["staff_member"]
    change_fields = services.STAFF_PLEDGE_FIELDS

    def get_fields(self, request, obj=None):
        # adding prepares a form 3 to print, or records an exemption (an earlier pledge)
        if obj:
            return super().get_fields(request, obj)
        return ["staff_member", "basis", "signed_on", "exemption_note"]

    def create(self, request, form):
        data = dict(form.cleaned_data)
        if data.pop("basis") == models.StaffPledge.Basis.EXEMPTION:
            return services.staff_pledge_exempt(by=request.user, **data)
        data.pop("exemption_note")  # empty: only an exemption has one (StaffPledge.clean)
        return services.staff_pledge_prepare(by=request.user, **data)

    def update(self, request, obj, form):
        return services.staff_pledge_update(pledge=obj, by=request.user, **self.changes(form))

    @admin.display(description=models.Facility._meta.verbose_name)
    def facility(self, pledge):
        return pledge.staff_member.facility


@admin.register(models.TrainingSession)
class TrainingSessionAdmin(HistoryAdmin):
    list_display = ["title", "held_on", "facility", "attendee_count"]
    list_select_related = ["facility"]
    list_filter = [("facility", AutocompleteFilter)]
    search_fields = ["title", "facility__name"]
    autocomplete_fields = ["facility", "attendees"]
    date_hierarchy = "held_on"
    change_fields = services.TRAINING_FIELDS

    def create(self, request, form):
        return services.training_session_record(by=request.user, **form.cleaned_data)

    def update(self, request, obj, form):
        return services.training_session_update(session=obj, by=request.user, **self.changes(form))

    def save_related(self, request, form, formsets, change):
        # the attendees were written by the service with the session (no form.save_m2m())
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendee_count=Count("attendees"))

    @admin.display(description=models.TrainingSession._meta.get_field("attendees").verbose_name)
    def attendee_count(self, session):
        return session.attendee_count


@admin.register(models.PledgeRound)
class PledgeRoundAdmin(HistoryAdmin):
    """Rounds of pledges (附則): opened here, which prepares the forms; closed by an action."""

    list_display = ["__str__", "kind", "policy_version", "opened_on", "due_on", "status"]
    list_select_related = ["policy_version"]
    list_filter = ["kind", "status"]
    add_fields = ["kind", "policy_version", "staff_sign_again", "due_on", "notes"]
    change_fields = []
    readonly_fields = ["progress"]
    actions = [
        service_action(
            services.pledge_round_close,
            gettext_lazy("Close the selected rounds"),
            field="pledge_round",
        )
    ]

    def create(self, request, form):
        opened = services.pledge_round_open(by=request.user, **form.cleaned_data)
        self.message_user(
            request,
            _(
                "Prepared %(forms2)d forms 2 and %(forms3)d forms 3 to print and sign. "
                "The compliance dashboard counts them at its next count."
            )
            % {"forms2": opened.facility_pledges, "forms3": opened.staff_pledges},
            messages.SUCCESS,
        )
        if opened.without_manager:
            self.message_user(
                request,
                _("No manager on record, so no form 2 prepared: %(names)s.")
                % {"names": "、".join(opened.without_manager)},
                messages.WARNING,
            )
        return opened.pledge_round

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, pledge_round):
        if pledge_round.pk is None:
            return "—"
        rows = selectors.round_progress(pledge_round).values()
        text = _("Form 2 received: %(signed)d of %(required)d facilities.") % {
            "signed": sum(row.facility_signed for row in rows),
            "required": sum(row.facility_required for row in rows),
        }
        if pledge_round.staff_sign_again:
            text += " " + _("Form 3 on record: %(signed)d of %(required)d ID holders.") % {
                "signed": sum(row.staff_signed for row in rows),
                "required": sum(row.staff_required for row in rows),
            }
        return text


@admin.register(models.StaffPledgeSignature)
class StaffPledgeSignatureAdmin(HistoryAdmin):
    """Who had a form 3 signed on the screen, when and where from; written only by
    `services.staff_pledge_sign_on_screen`, checked with the pledge's 署名を検証 button."""

    list_display = ["pledge", "obtained_by", "witness", "obtained_at"]
    list_select_related = ["pledge__staff_member", "obtained_by", "witness"]
    search_fields = [
        "pledge__document_number",
        *(f"pledge__staff_member__{field}" for field in STAFF_SEARCH),
    ]
    change_fields = []

    def has_add_permission(self, request):
        return False  # signed on the signing pages only

    def has_delete_permission(self, request, obj=None):
        return False  # the evidence of a signed pledge
