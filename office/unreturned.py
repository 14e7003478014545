"""The center's list of printed forms that never came back (様式1–4), per facility, with a
reprint of the same number. Which forms those are is `mcs_admin.documents.unreturned_forms`."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mcs_admin.documents import UnreturnedForm, numbered_document_models, unreturned_forms
from mcs_admin.models import AssociationProfile
from mcs_admin.text_rules import NoControlCharacters


class FacilityChoice(NoControlCharacters, forms.Form):
    facility = forms.IntegerField(min_value=1, max_value=2**31 - 1)


def _admin_url(row: UnreturnedForm, view: str) -> str:
    opts = row.record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[row.record.pk])


def unreturned_view(request, site: admin.AdminSite):
    """The forms of the kinds the login may view; `?facility=` keeps one facility's."""
    kinds = [
        model
        for model in numbered_document_models()
        if request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    if not kinds:
        raise PermissionDenied
    profile = AssociationProfile.current()
    chosen = FacilityChoice(request.GET)
    facility = chosen.cleaned_data["facility"] if chosen.is_valid() else None
    rows = unreturned_forms(
        today=timezone.localdate(), kinds=kinds, facility=facility, profile=profile
    )
    facilities: dict[int, tuple] = {}
    for row in rows:
        # the admin's print of the record is the reprint: a document keeps its number
        row_urls = {"print": _admin_url(row, "print"), "change": _admin_url(row, "change")}
        facilities.setdefault(row.facility.pk, (row.facility, []))[1].append((row, row_urls))
    context = {
        **site.each_context(request),
        "title": _("Forms not returned"),
        "profile": profile,
        "facilities": sorted(
            facilities.values(), key=lambda group: (group[0].name_kana, group[0].name)
        ),
        "rows": rows,
        "filtered": facility is not None,
    }
    return TemplateResponse(request, "admin/unreturned_forms.html", context)
