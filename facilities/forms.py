from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import IdRequest, StaffMember
from facilities.services import STAFF_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS
        widgets = {"joined_on": DateInput(), "address": forms.TextInput(attrs={"size": 60})}


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left the facility on"), widget=DateInput())


class IdRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("request"), choices=IdRequest.Kind.choices)
    details = forms.CharField(
        label=_("details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a change: what is to change (e.g. the e-mail address)."),
    )


class PasswordChangedForm(forms.Form):
    changed_on = forms.DateField(label=_("MCS password changed on"), widget=DateInput())
