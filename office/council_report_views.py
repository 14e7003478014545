"""The admin's page of the council's report: a period chooser, the figures with their charts,
and the same report as PDF or XLSX (office.council_report)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcs_admin.pdf import pdf_download
from mcs_admin.roles import is_center
from mcs_admin.text_rules import NoControlCharacters
from office.council_report import (
    council_report,
    council_report_context,
    council_report_pdf,
    council_report_xlsx,
    last_fiscal_year,
    period_check,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(NoControlCharacters, forms.Form):
    start = forms.DateField(label=gettext_lazy("from"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("to"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            period_check(data["start"], data["end"])
        return data


def council_report_view(request, site: admin.AdminSite):
    """The report for the period chosen (the last 年度 at first); `?download=pdf|xlsx` gives
    the same report as a file."""
    if not is_center(request.user):
        raise PermissionDenied
    start, end = last_fiscal_year(timezone.localdate())
    form = PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    report = council_report(start=start, end=end) if not form.errors else None
    download = request.GET.get("download")
    if report is not None and download == "pdf":
        pdf = council_report_pdf(report, user=request.user, request=request)
        return pdf_download(pdf, f"council-report-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
    if report is not None and download == "xlsx":
        response = HttpResponse(
            council_report_xlsx(report, user=request.user, request=request), content_type=XLSX
        )
        name = f"council-report-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        **site.each_context(request),
        "title": _("Report to the council"),
        "form": form,
        "query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        **(council_report_context(report) if report is not None else {}),
    }
    return TemplateResponse(request, "admin/council_report.html", context)
