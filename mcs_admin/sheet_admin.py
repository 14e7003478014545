"""Import and export buttons for the admin's lists (django-import-export's admin mixin).

The library's two steps are kept: the upload runs a dry run whose preview says, row by row,
what would be created, changed or left unchanged, and lists every bad row; confirming runs the
import for real, all or nothing, through `mcs_admin.services.spreadsheet_import`. What differs:
one upload field for CSV and XLSX (the content decides), a signed name of the stored upload,
the preview and error pages in Japanese, exports through `spreadsheet_export` (formula-safe,
recorded in the access log).
"""

import contextlib
import os

from django import forms
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from mcs_admin import services, spreadsheets
from mcs_admin.text_rules import NoControlCharacters

_SIGNING_SALT = "mcs_admin.sheet_admin.upload"


class UploadForm(NoControlCharacters, ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = gettext_lazy("CSV or Excel file")

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > spreadsheets.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into smaller files.")
                % {"size": spreadsheets.MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class FileFormatForm(NoControlCharacters, ExportForm):
    """The export's choice of file, in words a clerk knows; CSV unless told otherwise."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        names = {"csv": _("CSV (UTF-8, which Excel opens)"), "xlsx": _("Excel workbook (.xlsx)")}
        field = self.fields["format"]
        field.label = _("File format")
        field.choices = [(str(i), names[f().get_extension()]) for i, f in enumerate(formats)]
        field.widget = forms.RadioSelect(choices=field.choices)
        field.initial = "0"


class SignedConfirmForm(NoControlCharacters, ConfirmImportForm):
    """The stored upload's name travels signed: a confirm step reads only what it stored."""

    def clean_import_file_name(self):
        try:
            name = signing.loads(self.cleaned_data["import_file_name"], salt=_SIGNING_SALT)
        except signing.BadSignature:
            raise forms.ValidationError(_("Upload the file again.")) from None
        return os.path.basename(name)


class SpreadsheetAdminMixin(ImportExportMixin):
    import_template_name = "admin/spreadsheets/import.html"
    export_template_name = "admin/spreadsheets/export.html"
    import_form_class = UploadForm
    confirm_form_class = SignedConfirmForm
    export_form_class = FileFormatForm

    def get_import_formats(self):
        return [spreadsheets.SpreadsheetFile]

    def get_export_formats(self):
        return [CSV, XLSX]

    def _has_perms(self, request, *actions) -> bool:
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in actions
        )

    def has_import_permission(self, request):
        return self._has_perms(request, "add", "change")

    def has_export_permission(self, request):
        return self._has_perms(request, "view")

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["import_file_name"] = signing.dumps(
                initial["import_file_name"], salt=_SIGNING_SALT
            )
        return initial

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, spreadsheets.SpreadsheetError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None:
            context["report"] = result.report
        form = context.get("form")
        if form is not None and form.is_bound and "confirm_form" not in context:
            self._discard_upload(form)
        if form is not None:
            context["column_guide"] = self._resource(request).column_guide()
            context["title"] = self._title(_("Import %(records)s"))
        return response

    def _title(self, text: str) -> str:
        return text % {"records": self.opts.verbose_name_plural}

    def _resource(self, request):
        return self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )

    def _discard_upload(self, form):
        """A refused upload is not kept in the temporary folder for a confirm that never comes."""
        upload = getattr(form, "cleaned_data", {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name)
            with contextlib.suppress(FileNotFoundError):
                storage.remove()

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if self.create_confirm_form(request).is_valid():
            try:
                return super().process_import(request, **kwargs)
            except FileNotFoundError:  # the stored upload is gone (a second confirm, a reboot)
                pass
        messages.error(request, _("The preview has expired: upload the file again."))
        return HttpResponseRedirect(self._url("import"))

    def _url(self, view: str) -> str:
        return reverse(
            "admin:{}_{}_{}".format(*self.get_model_info(), view),
            current_app=self.admin_site.name,
        )

    def process_dataset(self, dataset, form, request, **kwargs):
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form)
        )
        return services.spreadsheet_import(
            resource=resource,
            dataset=dataset,
            user=request.user,
            file_name=form.cleaned_data.get("original_file_name", ""),
            request=request,
        )

    def process_result(self, report, request):
        if not report.ok:
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            context = {
                **self.admin_site.each_context(request),
                "title": self._title(_("Import %(records)s")),
                "opts": self.model._meta,
                "report": report,
                "form": form,
                "column_guide": self._resource(request).column_guide(),
            }
            return TemplateResponse(request, [self.import_template_name], context)
        messages.success(request, _("Imported. %(summary)s") % {"summary": report.summary()})
        return HttpResponseRedirect(self._url("changelist"))

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = self._title(_("Export %(records)s"))
        context["export_count"] = self.get_export_queryset(request).count()
        return context

    def get_export_data(self, file_format, request, queryset, **kwargs):
        resource = self.choose_export_resource_class(kwargs.get("export_form"), request)(
            **self.get_export_resource_kwargs(request)
        )
        return services.spreadsheet_export(
            resource=resource,
            queryset=queryset,
            file_format=file_format.get_extension(),
            user=request.user,
            request=request,
        )
