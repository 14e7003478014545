"""The support center's own pages in the admin: logins, the access log and its reports, sent
reminders, receiving returned forms and those that never came back, the notices to the
facilities and their receipts, the council's report."""

from django.contrib import admin

from mcs_admin.admin_base import AppendOnlyAdmin
from mcs_admin.models import AccessLog, User
from office.access_log_admin import AccessLogAdmin
from office.council_report_views import council_report_view
from office.disclosure_views import disclosure_view
from office.login_admin import LoginAdmin
from office.models import Notice, NoticeReceipt, SentReminder
from office.notice_admin import NoticeAdmin, NoticeReceiptAdmin
from office.receiving import receive_view
from office.unreturned import unreturned_view

admin.site.register(User, LoginAdmin)
admin.site.register(AccessLog, AccessLogAdmin)
admin.site.register(Notice, NoticeAdmin)
admin.site.register(NoticeReceipt, NoticeReceiptAdmin)
admin.site.add_page("receive/", receive_view, name="receive_documents")
admin.site.add_page("disclosure/", disclosure_view, name="disclosure")
admin.site.add_page("unreturned/", unreturned_view, name="unreturned_forms")
admin.site.add_page("council-report/", council_report_view, name="council_report")


@admin.register(SentReminder)
class SentReminderAdmin(AppendOnlyAdmin):
    """What send_reminders mailed to whom, written by the command."""

    list_display = ["sent_at", "recipient", "kind", "key"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient", "key"]
    date_hierarchy = "sent_on"
