from django import forms
from django.utils.translation import gettext_lazy as _

from mcs_admin.signatures import SignatureField
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput
from pledges.models import StaffPledge, TrainingSession
from pledges.services import NOT_OF_THE_FACILITY


class ManagerForm(NoControlCharacters, forms.Form):
    manager_name = forms.CharField(label=_("name of the new manager"), max_length=60)


class ExemptionForm(NoControlCharacters, forms.Form):
    """第9条 なお書き: the earlier pledge that makes form 3 unnecessary."""

    exemption_note = StaffPledge._meta.get_field("exemption_note").formfield(
        widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_on = forms.DateField(
        label=_("signed on"),
        required=False,
        widget=DateInput(),
        help_text=_("The day the earlier pledge was signed, if it is known."),
    )


class TrainingSessionForm(NoControlCharacters, forms.ModelForm):
    """A session the facility held, and which of its staff attended."""

    class Meta:
        model = TrainingSession
        fields = ["title", "held_on", "description", "attendees"]
        widgets = {
            "held_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "attendees": forms.CheckboxSelectMultiple(),
        }
        # the facility's staff are the only choices; anyone else breaks the service's rule
        error_messages = {"attendees": {"invalid_choice": NOT_OF_THE_FACILITY}}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff


class SignPledgeForm(NoControlCharacters, forms.Form):
    """The one signature box of 様式3 signed on the screen."""

    signature = SignatureField(label=_("signature"))
