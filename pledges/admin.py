from django.contrib import admin
from django.db.models import Count

from facilities.admin import STAFF_SEARCH
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin, PrintableAdmin
from pledges import models
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendee_count=Count("attendees"))

    @admin.display(description=models.TrainingSession._meta.get_field("attendees").verbose_name)
    def attendee_count(self, session):
        return session.attendee_count
