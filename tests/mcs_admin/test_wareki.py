import datetime

import pytest
from django.template import Context, Template

from mcs_admin.wareki import to_wareki


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2026, 4, 1), "令和8年4月1日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2016, 8, 1), "平成28年8月1日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_to_wareki(date, expected):
    assert to_wareki(date) == expected


def test_before_showa_is_refused():
    with pytest.raises(ValueError):
        to_wareki(datetime.date(1926, 12, 24))


def test_template_filter():
    template = Template("{% load wareki %}[{{ day|wareki }}][{{ none|wareki }}]")
    assert template.render(Context({"day": datetime.date(2026, 11, 24), "none": None})) == (
        "[令和8年11月24日][]"
    )
