"""The support center's compliance dashboard: per facility, what is open or overdue, with a
link to the facility's page for each; and three charts — open items by facility category, IDs
issued and deleted per month, how far the current reviews have come.

A fixed number of queries whatever the size of the association: one grouped count per kind
of duty (the owning apps' selectors), two for the months, two for the reviews, one for the page's
facilities, one for the access log's last verification. Those counts read the whole
prefecture (600 ms at 5,000 facilities), so the figures are kept in the shared cache for
FIGURES_SECONDS and the page says when they were counted; its refresh link counts again.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from consents.selectors import groups_without_consent
from devices.selectors import (
    incidents_awaiting_reports,
    insecure_devices,
    unacknowledged_carry_outs,
)
from facilities.models import Category, Facility, McsAccount, RosterReviewEntry
from facilities.selectors import (
    facilities_for,
    open_leaves,
    open_roster_reviews,
    pending_id_requests,
    stale_passwords,
)
from groups.models import CareGroup, MembershipReview
from groups.selectors import accepted_invitations, open_reviews, pending_transfers
from mcs_admin.models import AccessLog, AssociationProfile
from office import charts
from pledges.selectors import holders_without_pledge, untrained_holders

DAY = datetime.timedelta(days=1)
FIGURES_SECONDS = 10 * 60


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    rows: Callable[[datetime.date, AssociationProfile], QuerySet]
    facility: str  # the path from a row to its facility
    page: str  # the facility's self-service page that lists them


COLUMNS = [
    Column(
        "approvals",
        _("invitations to approve"),
        lambda today, profile: accepted_invitations(),
        "staff_member__facility",
        "groups:staff_invitations",
    ),
    Column(
        "transfers",
        _("group moves to decide"),
        lambda today, profile: pending_transfers(),
        "to_facility",
        "groups:transfers",
    ),
    Column(
        "id_requests",
        _("ID requests at the center"),
        lambda today, profile: pending_id_requests(),
        "facility",
        "facility:id_requests",
    ),
    Column(
        "reviews",
        _("membership reviews overdue"),
        lambda today, profile: open_reviews(due_by=today - DAY),
        "group__owner",
        "facility:dashboard",
    ),
    Column(
        "roster_reviews",
        _("roster reviews overdue"),
        lambda today, profile: open_roster_reviews(due_by=today - DAY),
        "facility",
        "facility:roster_review",
    ),
    Column(
        "passwords",
        _("MCS passwords overdue"),
        lambda today, profile: stale_passwords(profile.password_overdue_before(today)),
        "staff_member__facility",
        "facility:dashboard",
    ),
    Column(
        "training",
        _("training overdue"),
        lambda today, profile: untrained_holders(profile.training_due_since(today)),
        "facility",
        "pledges:training",
    ),
    Column(
        "pledges",
        _("ID holders without a pledge"),
        lambda today, profile: holders_without_pledge(),
        "facility",
        "pledges:pledges",
    ),
    Column(
        "devices",
        _("devices missing measures (1)–(4)"),
        lambda today, profile: insecure_devices(),
        "facility",
        "devices:device_list",
    ),
    Column(
        "consents",
        _("patient groups without consent"),
        lambda today, profile: groups_without_consent(),
        "owner",
        "groups:group_list",
    ),
    Column(
        "leaves",
        _("leavers' checklists open"),
        lambda today, profile: open_leaves(),
        "staff_member__facility",
        "facility:leaves",
    ),
    Column(
        "carry_outs",
        _("carry-out notices to acknowledge"),
        lambda today, profile: unacknowledged_carry_outs(),
        "facility",
        "devices:carry_out_list",
    ),
    Column(
        "incidents",
        _("incidents awaiting reports"),
        lambda today, profile: incidents_awaiting_reports(),
        "facility",
        "devices:incident_list",
    ),
]
MONTHS = 12


def open_counts(facilities: QuerySet[Facility], today: datetime.date):
    """{facility id: {column key: count}} and {category: count of every open item}."""
    profile = AssociationProfile.current()
    per_facility = defaultdict(dict)
    per_category = defaultdict(int)
    for column in COLUMNS:
        path = column.facility
        rows = (
            column.rows(today, profile)
            .filter(**{f"{path}__in": facilities})
            .values(path, f"{path}__category")
            .annotate(count=Count("pk", distinct=True))
            .order_by()
        )
        for row in rows:
            per_facility[row[path]][column.key] = row["count"]
            per_category[row[f"{path}__category"]] += row["count"]
    return per_facility, per_category


def ids_per_month(facilities: QuerySet[Facility], today: datetime.date) -> dict:
    first = today.replace(day=1) - relativedelta(months=MONTHS - 1)
    months = [first + relativedelta(months=n) for n in range(MONTHS)]
    accounts = McsAccount.objects.filter(staff_member__facility__in=facilities)
    series = []
    for field, name, css in [
        ("issued_on", _("issued"), "issued"),
        ("deleted_on", _("deleted"), "deleted"),
    ]:
        counts = dict(
            accounts.filter(**{f"{field}__gte": first})
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(count=Count("pk"))
            .values_list("month", "count")
            .order_by()
        )
        series.append((str(name), [counts.get(month, 0) for month in months], css))
    return charts.grouped_columns([f"{month:%y/%m}" for month in months], series)


def review_progress(facilities: QuerySet[Facility], today: datetime.date) -> dict:
    soon = today + datetime.timedelta(days=AssociationProfile.REVIEW_NOTICE_DAYS)
    reviews = MembershipReview.objects.filter(
        status=MembershipReview.Status.OPEN,
        group__status=CareGroup.Status.ACTIVE,
        group__owner__in=facilities,
    ).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        later=Count("pk", filter=Q(due_on__gt=soon)),
    )
    entries = RosterReviewEntry.objects.filter(
        review__status="open", review__facility__in=facilities
    ).aggregate(
        confirmed=Count("pk", filter=~Q(outcome=RosterReviewEntry.Outcome.PENDING)),
        pending=Count("pk", filter=Q(outcome=RosterReviewEntry.Outcome.PENDING)),
    )
    return charts.stacked_bars(
        [
            (
                str(_("group reviews (精査)")),
                [
                    (str(_("overdue")), reviews["overdue"], "overdue"),
                    (str(_("due within 14 days")), reviews["soon"], "soon"),
                    (str(_("due later")), reviews["later"], "later"),
                ],
            ),
            (
                str(_("IDs in roster reviews (ID棚卸)")),
                [
                    (str(_("confirmed")), entries["confirmed"], "later"),
                    (str(_("not yet confirmed")), entries["pending"], "soon"),
                ],
            ),
        ]
    )


def figures(user, today: datetime.date, *, refresh: bool = False) -> dict:
    """The dashboard's counts over the facilities `user` sees, from the cache unless stale:
    each facility with anything open as (id, counts in COLUMNS' order), most open first."""
    key = f"compliance:{user.pk}:{today.isoformat()}"
    counted = None if refresh else cache.get(key)
    if counted is None:
        facilities = facilities_for(user)
        per_facility, per_category = open_counts(facilities, today)
        ranked = sorted(
            [
                (pk, tuple(counts.get(column.key, 0) for column in COLUMNS))
                for pk, counts in per_facility.items()
            ],
            key=lambda row: -sum(row[1]),
        )
        counted = {
            "ranked": ranked,
            "totals": [sum(counts[i] for _, counts in ranked) for i in range(len(COLUMNS))],
            "by_category": charts.horizontal_bars(
                [(str(label), per_category.get(value, 0)) for value, label in Category.choices]
            ),
            "ids_per_month": ids_per_month(facilities, today),
            "review_progress": review_progress(facilities, today),
            "counted_at": timezone.now(),
        }
        cache.set(key, counted, FIGURES_SECONDS)
    return counted


class ComplianceDashboard(TemplateView):
    """What is open or overdue, facility by facility, for the support center (Access.CENTER)."""

    template_name = "portal/compliance.html"
    per_page = 50

    def get(self, request, *args, **kwargs):
        if "refresh" in request.GET:  # count again, then show the list without the flag
            figures(request.user, timezone.localdate(), refresh=True)
            return redirect(request.path)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        counted = figures(self.request.user, today)
        page = Paginator(counted["ranked"], self.per_page).get_page(self.request.GET.get("page"))
        shown = [pk for pk, _ in page.object_list]
        names = facilities_for(self.request.user).filter(pk__in=shown).in_bulk()
        context["columns"] = COLUMNS
        context["page_obj"] = page
        context["is_paginated"] = page.has_other_pages()
        context["rows"] = [
            {
                "facility": names[pk],
                "total": sum(counts),
                "cells": list(zip(COLUMNS, counts, strict=True)),
            }
            for pk, counts in page.object_list
        ]
        context["totals"] = list(zip(COLUMNS, counted["totals"], strict=True))
        context["grand_total"] = sum(counted["totals"])
        context["by_category"] = counted["by_category"]
        context["ids_per_month"] = counted["ids_per_month"]
        context["review_progress"] = counted["review_progress"]
        context["counted_at"] = counted["counted_at"]
        context["today"] = today
        context["verification"] = (
            AccessLog.objects.filter(action=AccessLog.Action.VERIFICATION).order_by("-pk").first()
        )
        return context
