"""Dates as people read them on screens, in e-mails and on the roster PDF: one format, chosen
once in the association profile (西暦 or 和暦).

The forms print their own (令和 on 様式1–3, 西暦 on 様式4, as the originals) and spreadsheet
exports keep ISO dates so that they import back.
"""

import datetime
from contextvars import ContextVar

from django.utils import timezone

from mcs_admin.models import AssociationProfile, DateStyle
from mcs_admin.wareki import ERAS, to_wareki

WESTERN, ERA = DateStyle.WESTERN, DateStyle.ERA

# The chosen style, read once per request (or once per command) rather than once per date:
# a list of a hundred dates costs one query. Forgotten when a request starts and when the
# profile is saved (mcs_admin.apps).
_style: ContextVar[str | None] = ContextVar("date_style", default=None)


def forget_style(**kwargs) -> None:
    _style.set(None)


def date_style() -> str:
    style = _style.get()
    if style is None:
        style = AssociationProfile.current().date_style
        _style.set(style)
    return style


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def shown_date(value: datetime.date | None) -> str:
    """2026年12月3日 or 令和8年12月3日 (the day of a moment, in Japan); "" for no date."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    if date_style() == ERA and value >= ERAS[-1][0]:
        return to_wareki(value)
    return f"{value.year}年{value.month}月{value.day}日"  # before 昭和: no era name kept


def shown_datetime(value: datetime.datetime | None) -> str:
    """2026年12月3日 14:05 or 令和8年12月3日 14:05, in Japan's time; "" for none."""
    if not value:
        return ""
    local = _local(value)
    return f"{shown_date(local.date())} {local:%H:%M}"


def shown(value) -> str:
    """A date or a moment, each in its own way."""
    if isinstance(value, datetime.datetime):
        return shown_datetime(value)
    return shown_date(value)
