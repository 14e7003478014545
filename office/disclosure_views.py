"""The admin's page for a person's request under the personal-information law: find the staff
member or patient, download everything about them, correct it on its change page, or stop its
use. Writes go through `office.disclosure`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.models import McsAccount, StaffMember
from groups.models import CareGroup, Patient
from mcs_admin.pages import show_validation_error
from mcs_admin.roles import is_center
from mcs_admin.text_rules import NoControlCharacters
from office.disclosure import disclosure_export, person_use_stop

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PersonForm(NoControlCharacters, forms.Form):
    def __init__(self, *args, site: admin.AdminSite, **kwargs):
        super().__init__(*args, **kwargs)
        # the admin's search: any field pointing to the model names the autocomplete
        self.fields["staff_member"] = forms.ModelChoiceField(
            label=gettext_lazy("staff member"),
            queryset=StaffMember.objects.all(),
            required=False,
            widget=AutocompleteSelect(McsAccount._meta.get_field("staff_member"), site),
        )
        self.fields["patient"] = forms.ModelChoiceField(
            label=gettext_lazy("patient"),
            queryset=Patient.objects.all(),
            required=False,
            widget=AutocompleteSelect(CareGroup._meta.get_field("patient"), site),
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("staff_member")) == bool(data.get("patient")):
            raise ValidationError(_("Choose either a staff member or a patient."))
        return data

    def person(self):
        return self.cleaned_data.get("staff_member") or self.cleaned_data.get("patient")


class StopForm(NoControlCharacters, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for stopping the use"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def disclosure_view(request, site: admin.AdminSite):
    if not is_center(request.user):
        raise PermissionDenied
    form = PersonForm(request.GET or None, site=site)
    person = form.person() if form.is_valid() else None
    stop_form = StopForm(request.POST if "stop" in request.POST else None)
    if person is not None and request.method == "POST":
        try:
            if "export" in request.POST:
                data = disclosure_export(person=person, by=request.user, request=request)
                response = HttpResponse(data, content_type=XLSX)
                stamp = timezone.localtime().strftime("%Y%m%d")
                name = f"disclosure-{person._meta.model_name}-{person.pk}-{stamp}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            if stop_form.is_valid():
                person_use_stop(
                    person=person,
                    reason=stop_form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
                messages.success(
                    request, _("The use of %(person)s's data was stopped.") % {"person": person}
                )
                return redirect(request.get_full_path())
        except ValidationError as error:
            show_validation_error(stop_form, error)
    opts = person._meta if person is not None else None
    context = {
        **site.each_context(request),
        "title": _("A person's data (disclosure, correction, stopping use)"),
        "form": form,
        "person": person,
        "stop_form": stop_form,
        "change_url": person
        and reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[person.pk]),
        "history_url": person
        and reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[person.pk]),
        "media": form.media,
    }
    return TemplateResponse(request, "admin/disclosure.html", context)
