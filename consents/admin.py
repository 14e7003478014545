from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consents import models, services
from consents.pdf import CONSENT_FORM
from facilities.selectors import STAFF_SEARCH
from mcs_admin.admin_actions import reason_action, service_action
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin, PrintableAdmin, ReadOnlyAdmin


@admin.register(models.PatientConsent)
class PatientConsentAdmin(PrintableAdmin):
    """Prepared to print and received by its number, or an exemption recorded at once, through
    the consent services (独自ルール 1: who obtains it; signed on a day not in the future)."""

    printed_form = CONSENT_FORM
    add_fields = ["group", "basis", *services.CONSENT_FIELDS]
    change_fields = services.CONSENT_FIELDS

    def create(self, request, form):
        data = {name: form.cleaned_data[name] for name in self.add_fields}
        return services.consent_prepare(by=request.user, **data)

    def update(self, request, obj, form):
        return services.consent_update(consent=obj, by=request.user, **self.changes(form))

    list_display = [
        "group",
        "document_number",
        "basis",
        "status",
        "signed_on",
        "received_on",
        "withdrawn_on",
    ]
    list_select_related = ["group__patient"]
    list_filter = ["basis", "status", ("group__owner", AutocompleteFilter)]
    search_fields = [
        "=group__id",
        "document_number",
        "group__patient__family_name",
        "group__patient__given_name",
        "group__patient__family_name_kana",
        "group__patient__given_name_kana",
        "family_name",
    ]
    autocomplete_fields = ["group", "obtained_by"]
    actions = [
        *PrintableAdmin.actions,
        reason_action(
            services.consent_withdraw,
            _("Withdraw: members from other facilities leave the group"),
            field="consent",
        ),
    ]


@admin.register(models.ConsentDesignation)
class ConsentDesignationAdmin(HistoryAdmin):
    """独自ルール 1: recorded on the physician's instruction, ended by an action."""

    add_fields = ["group", "staff_member", "instruction"]
    change_fields = []

    def create(self, request, form):
        data = {name: form.cleaned_data[name] for name in self.add_fields}
        return services.designation_add(by=request.user, **data)

    list_display = ["staff_member", "group", "designated_on", "designated_by", "ended_on"]
    list_select_related = ["staff_member__facility", "group__patient", "designated_by"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter), ("group__owner", AutocompleteFilter)]
    search_fields = ["=group__id", *(f"staff_member__{field}" for field in STAFF_SEARCH)]
    autocomplete_fields = ["group", "staff_member"]
    readonly_fields = ["designated_by"]
    actions = [
        service_action(services.designation_end, _("End the designation"), field="designation")
    ]


@admin.register(models.ConsentSignature)
class ConsentSignatureAdmin(ReadOnlyAdmin):
    """Consents signed on the screen, as their service recorded them; the sealed PDF is the
    consent's scanned copy, checked with 署名を検証 on the consent's page."""

    fields = [
        "consent",
        "obtained_by",
        "obtained_at",
        "patient_name",
        "patient_address",
        "patient_proxy_name",
        "patient_proxy_relationship",
        "family_proxy_name",
        "family_proxy_relationship",
        "device",
        "user_agent",
        "ip_address",
        "policy_version",
        "pdf_sha256",
    ]
    list_display = ["consent", "obtained_by", "obtained_at", "device"]
    list_select_related = ["consent__group__patient", "obtained_by", "device"]
    search_fields = ["=consent__group__id", "consent__document_number"]
