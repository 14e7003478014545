"""Views of personal data in the access log, and what the log answers after a suspected leak.

`AccessLogMiddleware` records every successful GET of a page that declares it shows patients
or staff (`mcs_admin.policy`), with the ids of the records its declaration finds on the
page. Prints, exports and imports are recorded by the services that make them
(`mcs_admin.pdf`, `mcs_admin.services`, `facilities.roster`). `people_seen` turns a slice of the
log into the patients and staff whose records were viewed, printed or exported (個人情報保護法:
what a report of a leak must state).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet

from mcs_admin.models import AccessLog
from mcs_admin.policy import declaration
from mcs_admin.services import access_log_record
from mcs_admin.shown import PATIENT, PEOPLE_OF, STAFF


class AccessLogMiddleware:
    """Records the personal data a successful GET showed, as its URL declares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if request.method == "GET" and response.status_code == 200 and match is not None:
            page = declaration(match)
            if page is not None and page.records is not None:
                self.record(request, page.records(request, response))
        return response

    def record(self, request, records):
        """After the page rendered: the records come from what it loaded."""
        by_kind: dict[str, dict] = defaultdict(dict)
        for record in records:
            label = record._meta.label
            if label in PEOPLE_OF:
                by_kind[label].setdefault(record.pk, record)
        for label, unique in by_kind.items():
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW,
                targets=unique.values(),
                target_type=label,
                description=request.get_full_path()[:300],
                request=request,
            )


# --- what a slice of the log says about people --------------------------------------------


@dataclass
class PeopleSeen:
    entries: int = 0
    by_action: dict = field(default_factory=dict)
    patients: QuerySet | None = None
    staff: QuerySet | None = None

    @property
    def actions_shown(self) -> list[tuple[str, int]]:
        return [(AccessLog.Action(action).label, n) for action, n in self.by_action.items()]

    @property
    def people(self) -> int:
        return self.patients.count() + self.staff.count()


def people_seen(entries: QuerySet[AccessLog]) -> PeopleSeen:
    """The patients and staff whose records the given log entries viewed, printed or exported."""
    ids = defaultdict(set)
    by_action = defaultdict(int)
    count = 0
    relevant = entries.filter(
        action__in=[AccessLog.Action.VIEW, AccessLog.Action.PRINT, AccessLog.Action.EXPORT]
    )
    for target_type, target_ids, action in relevant.values_list(
        "target_type", "target_ids", "action"
    ).iterator():
        count += 1
        by_action[action] += 1
        if target_type in PEOPLE_OF:
            ids[target_type] |= set(target_ids)
    patients, staff = set(), set()
    for label, pks in ids.items():
        patient_path, staff_path = PEOPLE_OF[label]
        rows = apps.get_model(label)._default_manager.filter(pk__in=pks)
        if patient_path:
            patients |= set(rows.values_list(patient_path, flat=True))
        if staff_path:
            staff |= set(rows.values_list(staff_path, flat=True))
    patient_model = apps.get_model(PATIENT)
    staff_model = apps.get_model(STAFF)
    return PeopleSeen(
        entries=count,
        by_action=dict(by_action),
        patients=patient_model.objects.filter(pk__in=patients - {None}).order_by("pk"),
        staff=staff_model.objects.filter(pk__in=staff - {None}).order_by("pk"),
    )
