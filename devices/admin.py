from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devices import models, services
from devices.resources import DeviceResource
from facilities.selectors import STAFF_SEARCH
from mcs_admin.admin_actions import service_action
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin
from mcs_admin.sheet_admin import SpreadsheetAdminMixin


@admin.register(models.Device)
class DeviceAdmin(SpreadsheetAdminMixin, HistoryAdmin):
    resource_classes = [DeviceResource]
    list_display = ["label", "kind", "facility", "ownership", "assigned_to", "status", "secured"]
    list_select_related = ["facility", "assigned_to"]
    list_filter = ["kind", "ownership", "status", ("facility", AutocompleteFilter)]
    search_fields = ["label", "facility__name", *(f"assigned_to__{f}" for f in STAFF_SEARCH)]
    autocomplete_fields = ["facility", "assigned_to"]
    fieldsets = [
        (None, {"fields": ["facility", "kind", "label", "ownership", "assigned_to", "status"]}),
        (None, {"fields": ["registered_on", "retired_on", "personal_use_permitted_on"]}),
        (
            _("Security measures (article 12)"),
            {"fields": models.MEASURES},
        ),
    ]

    # a device stays in the register of the facility that registered it (its notices and
    # incidents are that facility's); its state moves by its workflow: a loss is reported,
    # the actions below retire it or bring it back
    change_fields = services.DEVICE_FIELDS
    actions = [
        service_action(services.device_retire, _("Retired today"), field="device"),
        service_action(services.device_recover, _("Found again: back in use"), field="device"),
    ]

    def create(self, request, form):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.DEVICE_FIELDS if name in data}
        return services.device_register(facility=data["facility"], by=request.user, **fields)

    def update(self, request, obj, form):
        return services.device_update(device=obj, by=request.user, **self.changes(form))

    @admin.display(description=_("measures (1)–(4)"), boolean=True)
    def secured(self, device):
        return not device.missing_measures


@admin.register(models.CarryOutNotice)
class CarryOutNoticeAdmin(HistoryAdmin):
    list_display = [
        "staff_member",
        "facility",
        "medium",
        "starts_on",
        "ends_on",
        "status",
        "filed_late",
    ]
    list_select_related = ["staff_member", "facility"]
    list_filter = ["status", "filed_late", ("facility", AutocompleteFilter)]
    search_fields = ["medium", "content", *(f"staff_member__{f}" for f in STAFF_SEARCH)]
    autocomplete_fields = ["facility", "staff_member", "device"]
    readonly_fields = ["acknowledged_by"]
    actions = [
        service_action(services.carry_out_acknowledge, _("Acknowledge"), field="notice"),
        service_action(services.carry_out_return, _("Returned today: close"), field="notice"),
    ]
    # The notice is the user's own report to their MCS administrator (第12条(9)), as they filed
    # it; the center acknowledges and closes it with the actions.
    change_fields = []

    def has_add_permission(self, request):
        # filed by the user on their page (`carry_out_file` records who filed it from their
        # login and facility), never by the center in their name
        return False


@admin.register(models.Incident)
class IncidentAdmin(HistoryAdmin):
    list_display = [
        "reported_at",
        "kind",
        "facility",
        "involves_personal_data",
        "preliminary_due_on",
        "preliminary_report_on",
        "final_due_on",
        "final_report_on",
        "status",
    ]
    list_select_related = ["facility"]
    list_filter = ["kind", "status", "involves_personal_data", ("facility", AutocompleteFilter)]
    search_fields = ["description", "facility__name"]
    autocomplete_fields = ["facility", "reported_by", "device"]
    readonly_fields = ["preliminary_due_on", "final_due_on"]
    # what the report says stays as reported; the center records what was done, as the MCS
    # administrator does on the incident's page
    change_fields = services.INCIDENT_ACTION_FIELDS

    def has_add_permission(self, request):
        # reported by the person concerned on their page (`incident_report`), which tells the
        # facility's administrators and the center at once; the center has no staff record
        return False

    def update(self, request, obj, form):
        return services.incident_record_actions(incident=obj, by=request.user, **self.changes(form))

    actions = [
        service_action(
            services.incident_record_report,
            _("Preliminary report made today (personal-information law)"),
            field="incident",
            stage="preliminary",
        ),
        service_action(
            services.incident_record_report,
            _("Final report made today (personal-information law)"),
            field="incident",
            stage="final",
        ),
        service_action(services.incident_close, pgettext_lazy("action", "Close"), field="incident"),
    ]

    @admin.display(description=_("preliminary report due"))
    def preliminary_due_on(self, incident):
        return incident.preliminary_due_on

    @admin.display(description=_("final report due"))
    def final_due_on(self, incident):
        return incident.final_due_on
