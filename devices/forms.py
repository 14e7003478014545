from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devices.models import CarryOutNotice, Device, Incident
from devices.services import (
    ASSIGNEE_REFUSED,
    DEVICE_FIELDS,
    DEVICE_REFUSED,
    INCIDENT_ACTION_FIELDS,
)
from mcs_admin.text_rules import NoControlCharacters
from mcs_admin.widgets import DateInput


class DeviceForm(NoControlCharacters, forms.ModelForm):
    class Meta:
        model = Device
        fields = DEVICE_FIELDS
        widgets = {
            "registered_on": DateInput(),
            "personal_use_permitted_on": DateInput(),
        }

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = staff
        self.fields["assigned_to"].error_messages["invalid_choice"] = ASSIGNEE_REFUSED


class CarryOutForm(NoControlCharacters, forms.ModelForm):
    class Meta:
        model = CarryOutNotice
        fields = ["content", "medium", "purpose", "starts_on", "ends_on", "device"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
        self.fields["device"].error_messages["invalid_choice"] = DEVICE_REFUSED


class IncidentForm(NoControlCharacters, forms.ModelForm):
    occurred_at = forms.DateTimeField(
        label=_("occurred at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Incident
        fields = ["kind", "occurred_at", "device", "description", "involves_personal_data"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
        self.fields["device"].error_messages["invalid_choice"] = DEVICE_REFUSED


class IncidentActionsForm(NoControlCharacters, forms.ModelForm):
    class Meta:
        model = Incident
        fields = INCIDENT_ACTION_FIELDS
        widgets = {"actions_taken": forms.Textarea(attrs={"rows": 3})}
