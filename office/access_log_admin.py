"""The support center's access log: search, export, and the report after a suspected leak."""

import datetime
import ipaddress
import re

import tablib
from dateutil.relativedelta import relativedelta
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Max, Min, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcs_admin import spreadsheets
from mcs_admin.admin_base import AppendOnlyAdmin
from mcs_admin.models import AccessLog, User
from mcs_admin.paginators import EstimatedCountPaginator, planned_rows
from mcs_admin.roles import CENTER_APPS, model_name
from mcs_admin.services import access_log_record
from mcs_admin.text_rules import NoControlCharacters
from office.leak_report import (
    LeakReport,
    columns,
    leak_report,
    record,
    report_csv,
    report_pdf,
)

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


DOWNLOADS = {"csv": (report_csv, "text/csv"), "pdf": (report_pdf, "application/pdf")}


class ReportForm(NoControlCharacters, forms.Form):
    """A login (whose use may have leaked), a window, or both; a login alone reads its whole log."""

    username = forms.CharField(
        label=gettext_lazy("login name"),
        required=False,
        help_text=gettext_lazy("Leave empty for every login."),
    )
    start = forms.DateTimeField(
        label=gettext_lazy("from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("username") and not (data.get("start") and data.get("end")):
            raise forms.ValidationError(_("Enter a login name, a window, or both."))
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError(_("The end of the window must come after its start."))
        return data

    def report(self) -> LeakReport:
        data = self.cleaned_data
        username, start = data["username"].strip(), data["start"]
        end = data["end"] or timezone.now()
        entries = AccessLog.objects.filter(at__lt=end)
        if start:
            entries = entries.filter(at__gte=start)
        if username:
            entries = entries.filter(username=username)
        return leak_report(entries, username=username, start=start, end=end)


def kind_name(label: str) -> str:
    """A kind of record by its name, as the rest of the admin calls it."""
    try:
        return model_name(apps.get_model(label), plural=True)
    except (LookupError, ValueError):
        return "—"


class KindOfRecordFilter(admin.SimpleListFilter):
    """The kinds by name; offered from the models, not from a DISTINCT over the whole log."""

    title = gettext_lazy("kind of record")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        kinds = [
            (model._meta.label, kind_name(model._meta.label))
            for model in apps.get_models()
            if model._meta.app_label in CENTER_APPS and not model.__name__.startswith("Historical")
        ]
        return sorted(kinds, key=lambda kind: kind[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


class MonthFilter(admin.SimpleListFilter):
    """A year, or a month of it: the years from the first and last entries (MIN and MAX read
    the time index), not from a DISTINCT over the whole log as the date hierarchy's."""

    title = gettext_lazy("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        span = AccessLog.objects.aggregate(first=Min("at"), last=Max("at"))
        if span["first"] is None:
            return []
        first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
        chosen = self._chosen()
        periods = []
        for year in range(last, first - 1, -1):
            periods.append((str(year), _("year %(year)d") % {"year": year}))
            if chosen and chosen[0] == year:
                month_name = _("%(month)d/%(year)d")
                periods += [
                    (f"{year}-{month:02d}", month_name % {"year": year, "month": month})
                    for month in range(1, 13)
                ]
        return periods

    def _chosen(self) -> tuple[int, int | None] | None:
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", self.value() or "")
        if not match:
            return None
        month = int(match[2]) if match[2] else None
        if month is not None and not 1 <= month <= 12:
            return None
        return int(match[1]), month

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        chosen = self._chosen()
        if chosen is None:
            raise IncorrectLookupParameters(self.value())
        year, month = chosen
        start = datetime.date(year, month or 1, 1)
        end = start + relativedelta(months=1 if month else 12)
        zone = timezone.get_current_timezone()
        return queryset.filter(
            at__gte=datetime.datetime.combine(start, datetime.time(), zone),
            at__lt=datetime.datetime.combine(end, datetime.time(), zone),
        )


class RecordFilter(admin.SimpleListFilter):
    """One record's viewers: the entries naming its key (with the kind filter, its kind), read
    through the GIN index of the records named."""

    title = gettext_lazy("record")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, f"#{value}")] if value and value.isdigit() else []

    def has_output(self):
        return self.value() is not None

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters(self.value())
        return queryset.naming(int(self.value()))


class AccessLogPaginator(EstimatedCountPaginator):
    """Above 10,000 entries the planner's estimate, filtered or not: an exact count of a month
    or a kind reads a million index entries."""

    @cached_property
    def count(self):
        queryset = self.object_list
        if connections[queryset.db].vendor == "postgresql" and queryset.query.where:
            estimate = planned_rows(queryset)
            if estimate >= self.exact_below:
                return estimate
        return super().count


class AccessLogAdmin(AppendOnlyAdmin):
    list_display = ["at", "username", "action", "kind_of_record", "description", "ip_address"]
    list_filter = [MonthFilter, "action", KindOfRecordFilter, RecordFilter]
    search_help_text = gettext_lazy("A login name, or an IP address, exactly.")
    paginator = AccessLogPaginator
    show_full_result_count = False  # "of N in all" would count the whole log
    change_list_template = "admin/mcs_admin/accesslog/change_list.html"
    search_fields = ["username"]  # shows the box; the search is get_search_results'

    def get_search_results(self, request, queryset, search_term):
        """A login name or an address, equal (the indexes), never a LIKE over the log."""
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            ipaddress.ip_address(term)
        except ValueError:
            return queryset.filter(username=term), False
        return queryset.filter(Q(username=term) | Q(ip_address=term)), False

    @admin.display(description=gettext_lazy("kind of record"), ordering="target_type")
    def kind_of_record(self, entry):
        return kind_name(entry.target_type)

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
                    kind_name(entry.target_type) if entry.target_type else "",
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
        """The leak report: shown, or downloaded as CSV or PDF; each recorded in the log."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.localtime()
        form = ReportForm(
            request.GET or None,
            initial={"start": now - datetime.timedelta(days=7), "end": now},
        )
        report = form.report() if form.is_valid() else None
        download = request.GET.get("download")
        if report is not None and download in DOWNLOADS:
            write, content_type = DOWNLOADS[download]
            response = HttpResponse(
                write(report, user=request.user, request=request), content_type=content_type
            )
            stamp = timezone.localtime(report.made_at).strftime("%Y%m%d-%H%M")
            name = f"leak-report-{stamp}.{download}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        page = None
        if report is not None:  # the page lists a page of the people: it records those
            page = report.page(request.GET.get("page"))
            record(
                report,
                action=AccessLog.Action.VIEW,
                user=request.user,
                request=request,
                lines=page.object_list,
            )
        query = request.GET.copy()
        query.pop("download", None)
        query.pop("page", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Who saw whose records"),
            "form": form,
            "report": report,
            "page": page,
            "page_range": page and page.paginator.get_elided_page_range(page.number),
            "columns": columns(),
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/mcs_admin/accesslog/report.html", context)
