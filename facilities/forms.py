from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import IdRequest, Leave, McsAccount, StaffMember
from facilities.services import STAFF_FIELDS
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput


class StaffForm(NoControlCharacters, forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS
        widgets = {"joined_on": DateInput(), "address": forms.TextInput(attrs={"size": 60})}


class LeftOnForm(NoControlCharacters, forms.Form):
    """The center marks someone as left (the admin's action)."""

    left_on = forms.DateField(label=_("left the facility on"), widget=DateInput())


class LeaveForm(NoControlCharacters, forms.Form):
    reason = forms.ChoiceField(
        label=_("reason"), choices=Leave.Reason.choices, widget=forms.RadioSelect
    )
    left_on = forms.DateField(
        label=_("left the facility on"),
        widget=DateInput(),
        required=False,
        initial=timezone.localdate,
        help_text=_("For a person who left the facility."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Leave.Reason.LEFT and not data.get("left_on"):
            # the day is the person's, not the day someone got round to recording it
            self.add_error("left_on", _("Enter the day the person left."))
        return data


class RestrictForm(NoControlCharacters, forms.Form):
    status = forms.ChoiceField(
        label=_("measure"),
        choices=[
            (McsAccount.Status.RESTRICTED, McsAccount.Status.RESTRICTED.label),
            (McsAccount.Status.BANNED, McsAccount.Status.BANNED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class IdRequestForm(NoControlCharacters, forms.Form):
    kind = forms.ChoiceField(label=_("request"), choices=IdRequest.Kind.choices)
    details = forms.CharField(
        label=_("details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a change: what is to change (e.g. the e-mail address)."),
    )
