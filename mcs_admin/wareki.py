"""Dates in the Japanese era calendar (和暦), as forms 1–3 print them."""

import datetime

from django.utils import timezone

# (first day, name), newest first
ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
]


def to_wareki(date: datetime.date) -> str:
    """令和8年4月1日; the first year of an era is 元年 (令和元年5月1日)."""
    for start, name in ERAS:
        if date >= start:
            year = date.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
    raise ValueError(f"{date} is before the Shōwa era")


def current_era() -> str:
    """The name of the era of today, for the blank date line of a form (令和　　年　　月　　日)."""
    today = timezone.localdate()
    return next(name for start, name in ERAS if today >= start)
