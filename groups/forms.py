from django import forms
from django.utils.translation import gettext_lazy as _

from consents.models import PatientConsent
from consents.services import NOT_AN_OBTAINER
from devices.models import Device
from facilities.models import Facility, StaffMember
from groups.models import AssemblyRequest, CareGroup, Membership
from mcs_admin.signatures import SignatureField
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput


class GroupForm(NoControlCharacters, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=CareGroup.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("group name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("family name"), max_length=30, required=False)
    given_name = forms.CharField(label=_("given name"), max_length=30, required=False)
    family_name_kana = forms.CharField(label=_("family name (kana)"), max_length=60, required=False)
    given_name_kana = forms.CharField(label=_("given name (kana)"), max_length=60, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    attending_physician = forms.ModelChoiceField(
        label=_("attending physician"), queryset=StaffMember.objects.none(), required=False
    )

    PATIENT_FIELDS = ["family_name", "given_name", "family_name_kana", "given_name_kana", "address"]

    def __init__(self, *args, physicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attending_physician"].queryset = physicians

    def clean(self):
        data = super().clean()
        if data.get("kind") == CareGroup.Kind.FREE and not data.get("name"):
            self.add_error("name", _("A free group needs a name."))
        if data.get("kind") == CareGroup.Kind.PATIENT:
            for field in ["family_name", "given_name"]:
                if not data.get(field):
                    self.add_error(field, _("Enter the patient's name."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        patient = {field: data[field] for field in self.PATIENT_FIELDS}
        return {
            "kind": data["kind"],
            "name": data["name"],
            "patient": patient if data["kind"] == CareGroup.Kind.PATIENT else None,
            "attending_physician": data["attending_physician"],
        }


class ConsentForm(NoControlCharacters, forms.ModelForm):
    class Meta:
        model = PatientConsent
        fields = [
            "basis",
            "signed_on",
            "obtained_by",
            "family_name",
            "family_relationship",
            "family_address",
            "exemption_note",
        ]
        widgets = {
            "basis": forms.RadioSelect,
            "signed_on": DateInput(),
            "exemption_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, obtainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obtained_by"].queryset = obtainers
        self.fields["obtained_by"].error_messages["invalid_choice"] = NOT_AN_OBTAINER


class InviteForm(NoControlCharacters, forms.Form):
    staff_member = forms.ModelChoiceField(
        label=_("staff member"), queryset=StaffMember.objects.none()
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = candidates
        self.fields["staff_member"].label_from_instance = lambda person: (
            f"{person.full_name}（{person.get_profession_display()}・{person.facility}）"
        )


class ReasonForm(NoControlCharacters, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RoleForm(NoControlCharacters, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Membership.Role.choices)


class TransferForm(NoControlCharacters, forms.Form):
    to_facility = forms.ModelChoiceField(label=_("to facility"), queryset=Facility.objects.none())
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = candidates
        self.fields["to_facility"].label_from_instance = lambda facility: (
            f"{facility.name}（{facility.get_category_display()}）"
        )


class ConsentWithdrawForm(NoControlCharacters, forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DesignationForm(NoControlCharacters, forms.Form):
    staff_member = forms.ModelChoiceField(
        label=_("designated person"), queryset=StaffMember.objects.none()
    )
    instruction = forms.CharField(
        label=_("physician's instruction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("When and how the physician gave the instruction, if not recorded by them."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = candidates
        self.fields["staff_member"].label_from_instance = lambda person: (
            f"{person.full_name}（{person.get_profession_display()}・{person.facility}）"
        )


class AssemblyRequestForm(NoControlCharacters, forms.ModelForm):
    """独自ルール 5: which professions or people the physician wants in the group."""

    class Meta:
        model = AssemblyRequest
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class ConsentSignForm(NoControlCharacters, forms.Form):
    """様式4 signed on the screen (issue 23): the signers' names and addresses as they confirm
    them, their signatures, a proxy for one who cannot sign, and the registered device if the
    tablet is one. The rules are the service's (consents.services.consent_sign_on_screen)."""

    patient_name = forms.CharField(label=_("patient's name"), max_length=60)
    patient_address = forms.CharField(label=_("patient's address"), max_length=200)
    patient_signature = SignatureField(label=_("patient's signature"))
    patient_proxy_name = forms.CharField(
        label=_("signed for the patient by"),
        max_length=60,
        required=False,
        help_text=_("Only when the patient cannot sign: who signs in their place."),
    )
    patient_proxy_relationship = forms.CharField(
        label=_("their relationship to the patient"), max_length=30, required=False
    )
    family_name = forms.CharField(
        label=_("family member's name"),
        max_length=60,
        required=False,
        help_text=_("Leave the family's part empty when no family member signs."),
    )
    family_relationship = forms.CharField(label=_("relationship"), max_length=30, required=False)
    family_address = forms.CharField(
        label=_("family member's address"), max_length=200, required=False
    )
    family_signature = SignatureField(label=_("family member's signature"), required=False)
    family_proxy_name = forms.CharField(
        label=_("signed for the family member by"), max_length=60, required=False
    )
    family_proxy_relationship = forms.CharField(
        label=_("their relationship to the family member"), max_length=30, required=False
    )
    device = forms.ModelChoiceField(
        label=_("registered device"),
        queryset=Device.objects.none(),
        required=False,
        empty_label=_("not a registered device"),
        help_text=_("Choose the tablet only when it is registered as a device (第12条)."),
    )

    # the page's parts: (legend, fields, fields of its proxy, folded unless used)
    PARTS = [
        (
            _("The patient"),
            ["patient_name", "patient_address", "patient_signature"],
            ["patient_proxy_name", "patient_proxy_relationship"],
        ),
        (
            _("The family"),
            ["family_name", "family_relationship", "family_address", "family_signature"],
            ["family_proxy_name", "family_proxy_relationship"],
        ),
    ]

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices

    @property
    def parts(self) -> list[tuple]:
        return [
            (
                legend,
                [self[name] for name in fields],
                [self[name] for name in proxy],
                any(self[name].value() for name in proxy),
            )
            for legend, fields, proxy in self.PARTS
        ]


class ConsentCopyMailForm(NoControlCharacters, forms.Form):
    email = forms.EmailField(
        label=_("e-mail address the family gives"),
        help_text=_("The signed PDF is attached; the e-mail itself names no one."),
    )
