from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mcs_admin.access_log_admin import AccessLogAdmin
from mcs_admin.admin_base import HistoryAdmin, ReadablePermissions
from mcs_admin.admin_dates import ShownDates
from mcs_admin.login_admin import LoginAdmin
from mcs_admin.models import AccessLog, AssociationProfile, DocumentNumber, SentReminder, User

admin.site.register(User, LoginAdmin)
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


admin.site.register(AccessLog, AccessLogAdmin)


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ShownDates, admin.ModelAdmin):
    """The numbers issued to printed forms; append-only, written by `DocumentNumber.objects`."""

    list_display = ["__str__", "form_number", "issued_at"]
    list_filter = ["form_number"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(ShownDates, admin.ModelAdmin):
    """What send_reminders mailed to whom; append-only, written by the command."""

    list_display = ["sent_at", "recipient", "kind", "key"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient", "key"]
    date_hierarchy = "sent_on"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
