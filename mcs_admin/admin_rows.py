"""The admin's list rows, a template fewer each: Django renders every row's action checkbox
through the form widgets' templates, a tenth of a list of 50 rows' time; the same input is
written here directly (tests/mcs_admin/test_admin_rows.py holds it equal to Django's)."""

from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.translation import gettext as _


class PlainActionCheckbox:
    """A model admin whose rows' action checkboxes are written without a template."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
