"""The one rendering path of the printed forms 様式1–4: HTML template → WeasyPrint → PDF.

Each app describes its forms with a `PrintedForm` in its own `pdf.py` (`facilities.pdf`,
`pledges.pdf`, `consents.pdf`), loaded at start-up as admin modules are; everything that
prints — the admin's actions, the self-service pages, `manage.py print_form`, an online
application's forms — goes through `print_form`, `print_response` or `print_forms` here, so
that every print is recorded in the access log.
"""

import base64
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import segno
import weasyprint
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mcs_admin.models import (
    AccessLog,
    AssociationProfile,
    NumberedDocument,
    PolicyVersion,
    PolicyVersioned,
    User,
)
from mcs_admin.services import access_log_record_shown
from mcs_admin.wareki import current_era

# IPAex明朝 of Debian's fonts-ipaexfont-mincho (`fc-list | grep ipaexm`), embedded in every PDF
MINCHO_FONT = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")


# 様式1–4 by number, each added by its app's `pdf` module (loaded at start-up, as admin modules are)
PRINTED_FORMS: dict[int, "PrintedForm"] = {}


def printed_form_of(model: type[models.Model]) -> "PrintedForm":
    return next(form for form in PRINTED_FORMS.values() if form.model is model)


@dataclass(frozen=True)
class PrintedForm:
    """One of the policy's forms: its record, its template and what it fills in.

    `document(record)` returns the values one filled form prints and raises ValidationError
    saying what to fill in when the record lacks any; `blank()` returns the same keys empty.
    """

    number: int
    model: type[NumberedDocument]
    template_name: str
    document: Callable[[NumberedDocument], dict]
    blank: Callable[[], dict]
    # who may see the records (and their scanned copies) besides the center: the app's selector
    visible_to: Callable[[User], models.QuerySet]
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str] = ()
    # A later wording of the form (附則) ships as its own template: wording number → template;
    # `template_name` is the original wording, 1. A policy version names the wording it prints.
    wordings: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self):
        PRINTED_FORMS[self.number] = self

    def templates(self) -> dict[int, str]:
        return {1: self.template_name, **self.wordings}

    def template_for(self, records: Sequence[NumberedDocument] | None) -> str:
        """The template of the wording the records were signed under; a blank form prints the
        wording of the version in force."""
        if not issubclass(self.model, PolicyVersioned):
            return self.template_name
        if records is None:
            versions = [PolicyVersion.current()]
        else:
            versions = [record.policy_version for record in records]
        wordings = {version.wording(self.number) if version else 1 for version in versions}
        if len(wordings) > 1:
            raise ValidationError(
                _(
                    "These forms were signed under versions of the policy that word them "
                    "differently: print them separately."
                )
            )
        return self.templates()[wordings.pop()] if wordings else self.template_name

    def queryset(self) -> models.QuerySet:
        """The records with what printing them reads, in a fixed number of queries."""
        return (
            self.model._default_manager.select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by("pk")
        )


def missing_fields(record: models.Model, *fields: str) -> list[str]:
    """What to fill in: a message for each of `fields` that `record` leaves empty."""
    owner = _("%(model)s “%(name)s”") % {
        "model": record._meta.verbose_name,
        "name": str(record) or f"#{record.pk}",
    }
    return [
        _("%(owner)s: enter the %(field)s.")
        % {"owner": owner, "field": record._meta.get_field(field).verbose_name}
        for field in fields
        if not getattr(record, field)
    ]


def printed_name(name: str) -> str:
    """氏名 as the forms print it: 姓, a full-width space, 名 (DESIGN §6)."""
    return name.replace(" ", "　")


def qr_code(text: str) -> str:
    """A QR code of `text` as an SVG data URI; WeasyPrint draws it as vector graphics."""
    return segno.make(text, error="m", micro=False).svg_data_uri(border=0, dark="#000")


def _profile() -> AssociationProfile:
    try:
        return AssociationProfile.load()
    except AssociationProfile.DoesNotExist:
        raise ValidationError(
            _("Enter the association profile (name and chair) before printing a form.")
        ) from None


def _version(record: NumberedDocument | None) -> dict:
    """The policy version a form prints in its corner (a blank form: the one in force)."""
    if record is None:
        version = PolicyVersion.current()
    elif isinstance(record, PolicyVersioned):
        version = record.policy_version
    else:
        return {}
    return {"policy_version": version.label if version else ""}


def _documents(form: PrintedForm, records: Sequence[NumberedDocument] | None) -> list[dict]:
    if records is None:
        blank = {**form.blank(), "number": "", "qr_code": ""}
        return [{**blank, **_version(None)} if issubclass(form.model, PolicyVersioned) else blank]
    if not records:
        raise ValidationError(_("Select at least one record to print."))
    documents, errors = [], []
    for record in records:
        if not record.paper_expected():
            errors.append(
                _("%(record)s is an exemption: it has no form to print.") % {"record": record}
            )
            continue
        try:
            document = form.document(record)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        number = record.document_number
        documents.append(
            {**document, "number": number, "qr_code": qr_code(number), **_version(record)}
        )
    if errors:
        raise ValidationError(errors)
    return documents


def layout(template_name: str, context: dict) -> weasyprint.Document:
    """A template of `templates/pdf/` laid out in pages: the boxes a test measures."""
    html = render_to_string(template_name, {**context, "font_url": MINCHO_FONT.as_uri()})
    return weasyprint.HTML(string=html).render()


def render_pdf(template_name: str, context: dict) -> bytes:
    """A template of `templates/pdf/` as PDF, with IPAex明朝 embedded."""
    return layout(template_name, context).write_pdf()


def form_context(form: PrintedForm, records: Sequence[NumberedDocument] | None) -> dict:
    """What the filled forms of `records` print, or one blank form when `records` is None.

    Raises ValidationError listing everything to fill in when any record lacks data.
    """
    return {"profile": _profile(), "documents": _documents(form, records), "era": current_era()}


def signed_form_pdf(form: PrintedForm, record: NumberedDocument, values: Mapping) -> bytes:
    """The form of `record` as its signers confirmed it on the screen: the printed form's own
    template, wording, number, QR code and policy version, filled with `values` (the names and
    addresses as signed, the signatures as PNG data URIs in place of the seal)."""
    number = record.document_number
    document = {
        **form.blank(),
        **values,
        "number": number,
        "qr_code": qr_code(number),
        **_version(record),
    }
    context = {"profile": _profile(), "documents": [document], "era": current_era()}
    return render_pdf(form.template_for([record]), context)


def png_data_uri(png: bytes) -> str:
    """A PNG as a data URI that WeasyPrint draws (a signature drawn on the screen)."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def render_form(form: PrintedForm, records: Sequence[NumberedDocument] | None) -> bytes:
    return render_pdf(form.template_for(records), form_context(form, records))


def print_document(
    *,
    template_name: str,
    context: dict,
    shown: Mapping[str, Sequence[models.Model]],
    description: str,
    user: User | None,
    request: HttpRequest | None = None,
    username: str = "",
) -> bytes:
    """The one path of every printed document (様式1–4, the ID notice, the roster, the leak
    report): render it, then record the print with the records it shows, one access-log entry
    per kind of record (`shown`: label → records; a blank form shows none of its kind)."""
    pdf = render_pdf(template_name, context)
    access_log_record_shown(
        user=user,
        action=AccessLog.Action.PRINT,
        shown=shown,
        description=description,
        request=request,
        username=username,
    )
    return pdf


def pdf_download(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def print_form(
    *,
    form: PrintedForm,
    records: Iterable[NumberedDocument] | None,
    user: User | None,
    request: HttpRequest | None = None,
    username: str = "",
) -> bytes:
    """Render the form (filled for `records`, blank for None) and record the print."""
    records = None if records is None else list(records)
    if records is None:
        description = _("Form %(number)s, blank") % {"number": form.number}
    else:
        description = _("Form %(number)s: %(documents)s") % {
            "number": form.number,
            "documents": ", ".join(record.document_number for record in records),
        }
    return print_document(
        template_name=form.template_for(records),
        context=form_context(form, records),
        shown={form.model._meta.label: records or []},
        description=description,
        user=user,
        request=request,
        username=username,
    )


def print_forms(
    *,
    parts: Sequence[tuple[PrintedForm, Sequence[NumberedDocument]]],
    description: str,
    user: User | None,
    request: HttpRequest | None = None,
) -> bytes:
    """Several filled forms in one PDF, one after the other (an online application's 様式1 and
    様式2, printed together to sign and seal), recorded as `print_document` records one."""
    documents = [
        layout(form.template_for(records), form_context(form, records)) for form, records in parts
    ]
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    access_log_record_shown(
        user=user,
        action=AccessLog.Action.PRINT,
        shown={form.model._meta.label: list(records) for form, records in parts},
        description=description,
        request=request,
    )
    return pdf


def pdf_filename(form: PrintedForm, records: Sequence[NumberedDocument] | None) -> str:
    if records is None:
        return f"form{form.number}-blank.pdf"
    if len(records) == 1:
        return f"form{form.number}-{records[0].document_number}.pdf"
    return f"form{form.number}-{len(records)}.pdf"


def print_response(
    form: PrintedForm, records: Iterable[NumberedDocument] | None, *, request: HttpRequest
) -> HttpResponse:
    """The PDF as a download for the logged-in user, recorded in the access log.

    The caller has checked that the user may see `records`; a ValidationError (what to fill
    in) is the caller's to show as a message.
    """
    records = None if records is None else list(records)
    pdf = print_form(form=form, records=records, user=request.user, request=request)
    return pdf_download(pdf, pdf_filename(form, records))
