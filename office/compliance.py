"""The support center's compliance dashboard: per facility, what is open or overdue, with a
link to the facility's page for each; and three charts — open items by facility category, IDs
issued and deleted per month, how far the current reviews have come.

It reads only the figures counted off the request (office.figures), shared by every center
login: a fixed number of queries over their sums by category and a page of one row per
facility, none over the prefecture's records, and it says when they were counted.
"""

from dateutil.relativedelta import relativedelta
from django.core.paginator import Paginator
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from facilities.models import Category
from mcs_admin.models import AccessLog
from office import category_figures, charts
from office.figures import COLUMNS, ENTRIES, MONTHS, PROGRESS, ROUND, behind_in_round, first_month
from office.models import CurrentCategoryFigures, FacilityFigures, MonthlyIdFigures
from pledges.selectors import open_round

# facilities listed under the open round of pledges, those furthest behind first: a page of
# the list below, so a city's dashboard and a prefecture's show as many rows
ROUND_ROWS = 20


def ids_per_month(today) -> dict:
    first = first_month(today)
    months = [first + relativedelta(months=n) for n in range(MONTHS)]
    counted = {
        row["month"]: row
        for row in MonthlyIdFigures.objects.filter(month__gte=first)
        .values("month")
        .annotate(issued=Sum("issued"), deleted=Sum("deleted"))
        .order_by()
    }
    series = [
        (str(name), [counted.get(month, {}).get(key) or 0 for month in months], key)
        for key, name in [("issued", _("issued")), ("deleted", _("deleted"))]
    ]
    return charts.grouped_columns([f"{month:%y/%m}" for month in months], series)


def review_progress(sums: dict) -> dict:
    overdue, soon, later = (sums[key] for key in PROGRESS)
    confirmed, pending = (sums[key] for key in ENTRIES)
    return charts.stacked_bars(
        [
            (
                str(_("group reviews (精査)")),
                [
                    (str(_("overdue")), overdue, "overdue"),
                    (str(_("due within 14 days")), soon, "soon"),
                    (str(_("due later")), later, "later"),
                ],
            ),
            (
                str(_("IDs in roster reviews (ID棚卸)")),
                [
                    (str(_("confirmed")), confirmed, "later"),
                    (str(_("not yet confirmed")), pending, "soon"),
                ],
            ),
        ]
    )


class ComplianceDashboard(TemplateView):
    """What is open or overdue, facility by facility, for the support center (Access.CENTER),
    which sees every facility: the figures are the whole association's."""

    template_name = "portal/compliance.html"
    # a clerk's unit of work: the twenty facilities with the most open, a page at a time (a
    # page costs the same for a city's 20 facilities as for a prefecture's 5,000)
    per_page = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        keys = [column.key for column in COLUMNS]
        # the facilities' figures summed by category (office.category_figures): 18 rows
        categories = list(CurrentCategoryFigures.objects.all())
        sums = {
            key: sum(getattr(row, key) for row in categories)
            for key in [*keys, *PROGRESS, *ENTRIES, *ROUND]
        }
        per_category = {row.category: row.total for row in categories}
        ranked = (
            FacilityFigures.objects.filter(total__gt=0)
            .select_related("facility")
            .order_by("-total", "facility")
        )
        page = Paginator(ranked, self.per_page).get_page(self.request.GET.get("page"))
        totals = [sums[key] for key in keys]
        context["columns"] = COLUMNS
        context["page_obj"] = page
        context["is_paginated"] = page.has_other_pages()
        context["rows"] = [
            {
                "facility": figures.facility,
                "total": figures.total,
                "cells": [(column, getattr(figures, column.key)) for column in COLUMNS],
            }
            for figures in page.object_list
        ]
        context["totals"] = list(zip(COLUMNS, totals, strict=True))
        context["grand_total"] = sum(totals)
        context["by_category"] = charts.horizontal_bars(
            [(str(label), per_category.get(value) or 0) for value, label in Category.choices]
        )
        context["pledge_round"] = pledge_round = open_round()
        if pledge_round is not None:
            context["round_totals"] = {key: sums[key] for key in ROUND}
            behind = behind_in_round()
            context["round_behind"] = behind.count()
            context["round_rows"] = (
                behind.select_related("facility")
                .annotate(
                    missing=F("round_facility_required")
                    - F("round_facility_signed")
                    + F("round_staff_required")
                    - F("round_staff_signed")
                )
                .order_by("-missing", "facility")[:ROUND_ROWS]
            )
        context["ids_per_month"] = ids_per_month(today)
        context["review_progress"] = review_progress(sums)
        context["counted_at"] = category_figures.counted_at(categories)
        context["today"] = today
        context["verification"] = (
            AccessLog.objects.filter(action=AccessLog.Action.VERIFICATION).order_by("-pk").first()
        )
        return context
