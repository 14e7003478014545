from django.contrib import admin
from django.db.models import Count

from facilities.selectors import STAFF_SEARCH
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin, PrintableAdmin
from pledges import models, services
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
    list_filter = ["status", ("facility", AutocompleteFilter)]
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
    list_filter = ["basis", "status", ("staff_member__facility", AutocompleteFilter)]
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
