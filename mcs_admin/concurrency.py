"""Two people editing the same record in the admin: the second save is refused.

A record's version is the number of its latest history row: every save of a model with history
writes one (nothing bypasses it: tests/mcs_admin/test_code_rules.py), so it rises with each change,
on every model, without a column of its own. The change form carries the version it was opened
at; its validation locks the row and compares, inside the admin's transaction, so the check
and the save cannot be interleaved with another save.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mcs_admin.dates import shown_datetime

FIELD = "version"


def record_version(obj) -> int:
    latest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


class VersionCheckMixin:
    """For a ModelForm of an existing record with history (see `versioned_form`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[FIELD].initial = record_version(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk is None:
            return cleaned_data
        # hold the row until the admin's transaction commits this save
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
        if cleaned_data.get(FIELD) != record_version(instance):
            latest = instance.history.select_related("history_user").order_by("-history_id")[0]
            raise ValidationError(
                _(
                    "%(user)s saved this record at %(time)s, after you opened it. Your changes "
                    "were not saved, so as not to overwrite theirs: open the record again to see "
                    "their change, then make yours."
                )
                % {
                    "user": latest.history_user or _("someone"),
                    "time": shown_datetime(latest.history_date),
                },
                code="stale",
            )
        return cleaned_data


def versioned_form(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    attrs = {FIELD: forms.IntegerField(widget=forms.HiddenInput, required=False)}
    return type(f"Versioned{form_class.__name__}", (VersionCheckMixin, form_class), attrs)
