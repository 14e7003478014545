from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consents import models, services
from consents.pdf import CONSENT_FORM
from mcs_admin.admin_actions import reason_action
from mcs_admin.admin_base import AutocompleteFilter, PrintableAdmin


@admin.register(models.PatientConsent)
class PatientConsentAdmin(PrintableAdmin):
    printed_form = CONSENT_FORM
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
