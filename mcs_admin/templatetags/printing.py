"""Filters of the printed documents' layout (templates/pdf/)."""

import re

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def whole_words(value: str) -> str:
    """A 職種 that wraps only before a bracket, never inside a word:
    介護支援専門員 / （ケアマネジャー）, each part a `.word` that base.html keeps on one line."""
    if not value:
        return ""
    parts = re.split(r"(?=[（(])", str(value))
    return format_html_join("", '<span class="word">{}</span>', ((part,) for part in parts if part))
