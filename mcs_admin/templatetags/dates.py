"""Dates in the association's chosen format (mcs_admin.dates), a built-in of every template:
{{ request.requested_at|shown_date }}, {{ incident.reported_at|shown_datetime }}."""

from django import template
from django.contrib.admin.helpers import AdminReadonlyField

from mcs_admin import dates
from mcs_admin.admin_dates import is_date_field

register = template.Library()
register.filter("shown_date", dates.shown_date)
register.filter("shown_datetime", dates.shown_datetime)


@register.filter
def readonly_contents(field: AdminReadonlyField) -> str:
    """An admin read-only field's value, a date in the chosen format (the admin's own
    `contents` writes every date in Django's one format)."""
    name, instance = field.field["field"], field.form.instance
    if is_date_field(type(instance), name):
        return dates.shown(getattr(instance, name)) or field.empty_value_display
    return field.contents()
