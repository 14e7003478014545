from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mcs_admin import policy_versions
from mcs_admin.admin_base import AppendOnlyAdmin, HistoryAdmin, ReadablePermissions
from mcs_admin.models import AssociationProfile, DocumentNumber, PolicyVersion

# Second-factor secrets stay out of the admin: the center resets them from a login's page.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadablePermissions, GroupAdmin, HistoryAdmin):
    pass


@admin.register(AssociationProfile)
class AssociationProfileAdmin(HistoryAdmin):
    list_display = ["name", "chair_name", "support_center_name"]

    def has_add_permission(self, request):
        return not AssociationProfile.objects.exists()


@admin.register(PolicyVersion)
class PolicyVersionAdmin(HistoryAdmin):
    """The policy's versions (附則): rounds of pledges and the printed forms name them."""

    list_display = ["label", "effective_on", "form2_wording", "form3_wording"]
    search_fields = ["label"]
    change_fields = policy_versions.POLICY_VERSION_FIELDS

    def create(self, request, form):
        return policy_versions.policy_version_record(by=request.user, **form.cleaned_data)

    def update(self, request, obj, form):
        return policy_versions.policy_version_update(
            version=obj, by=request.user, **self.changes(form)
        )


@admin.register(DocumentNumber)
class DocumentNumberAdmin(AppendOnlyAdmin):
    """The numbers issued to printed forms, written by `DocumentNumber.objects`."""

    list_display = ["__str__", "form_number", "issued_at"]
    list_filter = ["form_number"]
