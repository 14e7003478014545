"""The device register's spreadsheet (第12条): a facility's devices with their measures."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devices.models import MEASURES, Device
from devices.services import device_check_assignee
from facilities.sheet_fields import StaffMemberWidget
from mcs_admin import normalize
from mcs_admin.sheet_fields import SheetField, cell_text
from mcs_admin.sheet_resources import SheetResource


class DeviceResource(SheetResource):
    """A row names a device by 事業所名 and its label; 使用者 is a staff member of that facility."""

    key_fields = ["label", "facility"]
    required_fields = ["kind", "ownership"]

    facility = SheetField(gettext_lazy("facility name"))
    assigned_to = SheetField(widget=StaffMemberWidget(facility))

    class Meta:
        model = Device
        fields = [
            "facility",
            "label",
            "kind",
            "ownership",
            "assigned_to",
            "status",
            "registered_on",
            "retired_on",
            "personal_use_permitted_on",
            *MEASURES,
        ]

    def filter_export(self, queryset, **kwargs):
        # by name, not by key: the same registry exports in the same order after a round trip
        return queryset.select_related("facility", "assigned_to").order_by(
            "facility__name_kana", "facility__name", "label"
        )

    def get_instance(self, instance_loader, row):
        device = super().get_instance(instance_loader, row)
        if device is not None:  # before the row's values are set
            device._assigned_before = device.assigned_to_id
        return device

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The register's rule of who a device is assigned to, as the services check it."""
        errors = dict(import_validation_errors or {})
        if "assigned_to" not in errors:
            try:
                device_check_assignee(
                    instance, assigned_before=getattr(instance, "_assigned_before", None)
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        super().validate_instance(instance, errors, validate_unique)

    def lookup(self, row):
        found = self.fields["facility"].widget.find(row[self.fields["facility"].column_name])
        label = normalize.text(cell_text(row[self.fields["label"].column_name]))
        if len(found) != 1 or not label:
            return None
        return Device.objects.filter(facility=found[0], label=label)

    def describe(self, instance):
        return _("%(name)s (%(facility)s)") % {
            "name": instance.label,
            "facility": instance.facility.name,
        }
