from django import template

from mcs_admin.wareki import to_wareki

register = template.Library()


@register.filter
def wareki(value):
    """{{ date|wareki }} → 令和8年4月1日."""
    return to_wareki(value) if value else ""
