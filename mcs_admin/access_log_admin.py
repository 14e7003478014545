"""The support center's access log: search, export, and the report after a suspected leak."""

import datetime

import tablib
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcs_admin import spreadsheets
from mcs_admin.access_audit import people_seen
from mcs_admin.models import AccessLog, User
from mcs_admin.services import access_log_record
from mcs_admin.text_rules import NoControlCharacters

COLUMNS = [
    "at",
    "username",
    "action",
    "target_type",
    "target_ids",
    "description",
    "row_count",
    "ip_address",
]


class ReportForm(NoControlCharacters, forms.Form):
    username = forms.CharField(
        label=gettext_lazy("login name"),
        required=False,
        help_text=gettext_lazy("Leave empty for every login."),
    )
    start = forms.DateTimeField(
        label=gettext_lazy("from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError(_("The end of the window must come after its start."))
        return data

    def entries(self):
        data = self.cleaned_data
        entries = AccessLog.objects.filter(at__gte=data["start"], at__lt=data["end"])
        if data["username"]:
            entries = entries.filter(username=data["username"].strip())
        return entries


class AccessLogAdmin(admin.ModelAdmin):
    """Append-only: no one adds, changes or deletes an entry through the admin."""

    list_display = ["at", "username", "action", "target_type", "description", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["username", "description", "=ip_address"]
    date_hierarchy = "at"
    show_full_result_count = False
    change_list_template = "admin/mcs_admin/accesslog/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        kept = {"retention_years": settings.RETENTION["access_log_years"]}
        return super().changelist_view(request, {**(extra_context or {}), **kept})

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="mcs_admin_accesslog_export",
            ),
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="mcs_admin_accesslog_report",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The entries as the list shows them (search, filters, dates) as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_changelist_instance(request).get_queryset(request)
        headers = [str(AccessLog._meta.get_field(name).verbose_name) for name in COLUMNS]
        dataset = tablib.Dataset(headers=headers)
        logins = set()
        for entry in entries.iterator():
            logins.add(entry.user_id)
            dataset.append(
                [
                    timezone.localtime(entry.at).isoformat(),
                    entry.username,
                    entry.get_action_display(),
                    entry.target_type,
                    " ".join(str(pk) for pk in entry.target_ids),
                    entry.description,
                    entry.row_count,
                    entry.ip_address or "",
                ]
            )
        access_log_record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            # the people an export of the log lets out are its logins, not its million rows
            targets=[User(pk=pk) for pk in sorted(logins - {None})],
            target_type=User._meta.label,
            description=("CSV " + request.GET.urlencode())[:300],
            row_count=len(dataset),
            request=request,
        )
        response = HttpResponse(spreadsheets.write_csv(dataset), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        return response

    def report_view(self, request):
        """For a login and a time window: which patients' and staff's records were viewed,
        printed or exported, and how many people that is."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.localtime()
        form = ReportForm(
            request.GET or None,
            initial={"start": now - datetime.timedelta(days=7), "end": now},
        )
        seen = people_seen(form.entries()) if form.is_valid() else None
        if seen is not None:
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                target_type=AccessLog._meta.label,
                description=("report " + request.GET.urlencode())[:300],
                request=request,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Who saw whose records"),
            "form": form,
            "seen": seen,
        }
        return TemplateResponse(request, "admin/mcs_admin/accesslog/report.html", context)
