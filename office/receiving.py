"""Views for paper coming back: the admin's receiving page and the scanned copies' download."""

from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from mcs_admin.documents import (
    document_get,
    document_receive,
    document_with_scan,
    may_view_scanned_copy,
    numbered_document_models,
)
from mcs_admin.models import AccessLog, PaperStatus
from mcs_admin.services import access_log_record
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.uploads import validate_scanned_copy
from office.notices import notices_for


class LookupForm(NoControlCharacters, forms.Form):
    number = forms.CharField(
        label=gettext_lazy("document number"),
        max_length=40,
        help_text=gettext_lazy("Type the number printed on the form, or scan its QR code."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "size": 20}),
    )


class ReceiveForm(NoControlCharacters, forms.Form):
    number = forms.CharField(widget=forms.HiddenInput)
    received_on = forms.DateField(
        label=gettext_lazy("received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    scanned_copy = forms.FileField(
        label=gettext_lazy("scanned copy"),
        required=False,
        validators=[validate_scanned_copy],
        help_text=gettext_lazy("Optional: a PDF, JPEG or PNG file of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _can(user, record, action: str) -> bool:
    opts = record._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def receive_view(request, site: admin.AdminSite):
    """Type or scan a document number, see its record, mark the paper received."""
    if not any(
        request.user.has_perm(f"{m._meta.app_label}.change_{m._meta.model_name}")
        for m in numbered_document_models()
    ):
        raise PermissionDenied
    record, receive_form = None, None
    if request.method == "POST":
        receive_form = ReceiveForm(request.POST, request.FILES)
        lookup_form = LookupForm(initial={"number": request.POST.get("number", "")})
        record = document_get(number=request.POST.get("number", ""))
        if record is None or not _can(request.user, record, "change"):
            raise Http404
        if receive_form.is_valid():
            try:
                record = document_receive(
                    document_number=receive_form.cleaned_data["number"],
                    received_on=receive_form.cleaned_data["received_on"],
                    scanned_copy=receive_form.cleaned_data["scanned_copy"] or None,
                    by=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    receive_form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(number)s received: %(record)s.")
                    % {"number": record.document_number, "record": record},
                )
                return redirect("admin:receive_documents")
    else:
        lookup_form = LookupForm(request.GET or None)
        if lookup_form.is_valid():
            number = lookup_form.cleaned_data["number"]
            record = document_get(number=number)
            if record is None or not _can(request.user, record, "view"):
                record = None
                lookup_form.add_error(
                    "number", _("No form has the document number %(number)s.") % {"number": number}
                )
            elif (
                record.status == PaperStatus.PREPARED
                and record.paper_expected()
                and _can(request.user, record, "change")
            ):
                receive_form = ReceiveForm(initial={"number": record.document_number})
    if receive_form is not None:
        del lookup_form.fields["number"].widget.attrs["autofocus"]  # Enter now receives
    context = {
        **site.each_context(request),
        "record_kind": record and record._meta.verbose_name,
        "title": _("Receive returned forms"),
        "lookup_form": lookup_form,
        "record": record,
        "receive_form": receive_form,
        "change_url": record
        and reverse(
            f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
        ),
    }
    return TemplateResponse(request, "admin/receive_documents.html", context)


@require_GET
@login_required
def scanned_copy(request, name: str):
    """A scanned copy as an attachment, for who may see it; for anyone else it does not exist.
    A notice's attachment, for who may see the notice, comes the same way."""
    record = document_with_scan(name)
    if record is None:
        return _notice_attachment(request, name)
    if not may_view_scanned_copy(request.user, record):
        raise Http404
    try:
        file = record.scanned_copy.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"{record.document_number}{PurePath(name).suffix}"
    return FileResponse(file, as_attachment=True, filename=filename)


def _notice_attachment(request, name: str):
    notice = notices_for(request.user).filter(attachment=name).first()
    if notice is None:
        raise Http404
    try:
        file = notice.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # no one's personal data, but a file let out: the log says who took it, as for a scan
    access_log_record(
        user=request.user,
        action=AccessLog.Action.VIEW,
        targets=[notice],
        description=request.path[:300],
        request=request,
    )
    filename = f"{notice.title[:80]}{PurePath(name).suffix}"
    return FileResponse(file, as_attachment=True, filename=filename)
