from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import (
    ApplicationRosterLine,
    Consultation,
    Facility,
    IdRequest,
    Leave,
    McsAccount,
    StaffMember,
)
from facilities.services import STAFF_FIELDS
from facilities.services.invitations import ONLINE_FACILITY_FIELDS, ONLINE_REQUIRED, ROSTER_FIELDS
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


class OnlineFacilityForm(NoControlCharacters, forms.ModelForm):
    """様式1's facility and 様式2's manager, as the applicant types them through the link."""

    class Meta:
        model = Facility
        fields = ONLINE_FACILITY_FIELDS
        widgets = {
            "name": forms.TextInput(attrs={"size": 40}),
            "name_kana": forms.TextInput(attrs={"size": 40}),
            "address": forms.TextInput(attrs={"size": 60}),
            "email": forms.EmailInput(attrs={"size": 40}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ONLINE_REQUIRED:
            self.fields[name].required = True


class RosterLineForm(NoControlCharacters, forms.ModelForm):
    """A line of 様式1's roster: 職種, 氏名 (with kana), 性別, メールアドレス."""

    class Meta:
        model = ApplicationRosterLine
        fields = ROSTER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a table's cells: the column's heading names them
            field.widget.attrs["aria-label"] = field.label


class BaseRosterFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("delete the line")
        form.fields["DELETE"].widget.attrs["aria-label"] = _("delete the line")

    def clean(self):
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            email = (form.cleaned_data or {}).get("email", "").lower()
            if email and email in seen:
                form.add_error("email", _("This e-mail address is already on the roster."))
            seen.add(email)

    def rows(self) -> list[dict]:
        """The filled lines, as the service takes them."""
        return [
            {name: form.cleaned_data[name] for name in ROSTER_FIELDS}
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]


RosterFormSet = forms.formset_factory(
    RosterLineForm, formset=BaseRosterFormSet, extra=3, can_delete=True
)


class ConsultationForm(NoControlCharacters, forms.ModelForm):
    """独自ルール 4: a consultation for the support center, or a complaint about personal
    information, which the center passes on to the attending physician."""

    class Meta:
        model = Consultation
        fields = ["kind", "contact_name", "summary"]
        widgets = {"kind": forms.RadioSelect(), "summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Consultation.Kind.choices  # one of the two, no blank


class ResponseForm(NoControlCharacters, forms.Form):
    """The center's answer to a consultation (an admin action asks for it)."""

    response = forms.CharField(
        label=_("response"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a complaint about personal information: that it was passed on to the attending "
            "physician, to whom and when (独自ルール 4)."
        ),
    )
