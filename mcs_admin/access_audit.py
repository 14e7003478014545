"""Views of personal data in the access log, and what the log answers after a suspected leak.

`AccessLogMiddleware` records every page that shows patients (patient groups, consents) or
staff: the self-service pages of PAGES and the admin's pages of PERSONAL_MODELS, with the
records on the page. Prints, exports and imports are recorded where they happen
(`mcs_admin.pdf`, `mcs_admin.services`). `people_seen` turns a slice of the log into the
patients and staff whose records were viewed, printed or exported (個人情報保護法: what a
report of a leak must state).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet

from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record

GROUP, STAFF = "care_groups.CareGroup", "facilities.StaffMember"


def _groups(rows: Iterable) -> list:
    return [row if row._meta.label == GROUP else row.group for row in rows]


def _staff(rows: Iterable, attribute: str | None = None) -> list:
    return [getattr(row, attribute) if attribute else row for row in rows]


def _dashboard(request, context):
    sections = context["sections"]
    return {
        GROUP: _groups([*sections["approvals"]["rows"], *sections["reviews_due"]["rows"]]),
        STAFF: [
            *_staff(sections["approvals"]["rows"], "staff_member"),
            *_staff(sections["requests"]["rows"], "staff_member"),
            *_staff(sections["without_pledge"]["rows"]),
            *_staff(sections["passwords"]["rows"], "staff_member"),
        ],
    }


def _this_group(request, context):
    # the group's page lists its members: their rows name the staff whose records were shown
    members = (context or {}).get("memberships", [])
    return {GROUP: [request.group], "care_groups.Membership": members}


def _designations(request, context):
    group = context["group"]
    physician = [group.attending_physician] if group.attending_physician_id else []
    return {GROUP: [group], STAFF: [*_staff(context["designations"], "staff_member"), *physician]}


# Self-service pages that show patients or staff: URL name → the records a page shows.
PAGES: dict[str, Callable] = {
    "groups:group_detail": _this_group,
    "groups:group_invite": _this_group,
    "groups:group_consent": _this_group,
    "groups:group_archive": _this_group,
    "groups:group_list": lambda request, context: {GROUP: _groups(context["object_list"])},
    "groups:my_groups": lambda request, context: {GROUP: _groups(context["object_list"])},
    "groups:transfers": lambda request, context: {GROUP: _groups(context["object_list"])},
    "groups:designations": _designations,
    "groups:attended_designations": _designations,
    "facility:staff_list": lambda request, context: {STAFF: _staff(context["object_list"])},
    "facility:staff_detail": lambda request, context: {
        STAFF: [context["person"]],
        GROUP: _groups(context["memberships"]),
    },
    "facility:dashboard": _dashboard,
}

# Admin pages of these models are recorded: their lists, records and histories.
PERSONAL_MODELS = [
    "care_groups.Patient",
    GROUP,
    "care_groups.Membership",
    "consents.PatientConsent",
    STAFF,
    "facilities.McsAccount",
]


def _admin_url_names() -> dict[str, tuple[str, str]]:
    names = {}
    for label in PERSONAL_MODELS:
        opts = apps.get_model(label)._meta
        for view in ("changelist", "change", "history"):
            names[f"{opts.app_label}_{opts.model_name}_{view}"] = (label, view)
    return names


def _admin_targets(request, response, label: str, view: str) -> dict:
    if view == "changelist":
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        return {label: list(changelist.result_list)} if changelist else {}
    object_id = request.resolver_match.kwargs.get("object_id", "")
    model = apps.get_model(label)
    try:
        pk = model._meta.pk.to_python(object_id)
    except Exception:  # a malformed id: the admin answers it, nothing was shown
        return {}
    return {label: [model(pk=pk)]}


class AccessLogMiddleware:
    """Records the personal data a successful GET showed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_names = None

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if request.method == "GET" and response.status_code == 200 and match is not None:
            self.record(request, response, match)
        return response

    def record(self, request, response, match):
        """After the page rendered: its context's querysets are evaluated, no query more."""
        if match.namespace == "admin":
            if self.admin_names is None:
                self.admin_names = _admin_url_names()
            found = self.admin_names.get(match.url_name)
            targets = found and _admin_targets(request, response, *found)
        else:
            extract = PAGES.get(match.view_name)
            targets = extract and extract(request, getattr(response, "context_data", None))
        for label, records in (targets or {}).items():
            unique = list({record.pk: record for record in records}.values())
            if unique:
                access_log_record(
                    user=request.user,
                    action=AccessLog.Action.VIEW,
                    targets=unique,
                    target_type=label,
                    description=request.get_full_path()[:300],
                    request=request,
                )


# --- what a slice of the log says about people --------------------------------------------

# kind of record → (path to its patient, path to its staff member), for `values_list`
PEOPLE_OF: dict[str, tuple[str | None, str | None]] = {
    "care_groups.Patient": ("pk", None),
    GROUP: ("patient", None),
    "care_groups.Membership": ("group__patient", "staff_member"),
    "consents.PatientConsent": ("group__patient", None),
    STAFF: (None, "pk"),
    "facilities.McsAccount": (None, "staff_member"),
    "pledges.StaffPledge": (None, "staff_member"),
    "devices.Device": (None, "assigned_to"),
}


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
    patient_model = apps.get_model("care_groups.Patient")
    staff_model = apps.get_model(STAFF)
    return PeopleSeen(
        entries=count,
        by_action=dict(by_action),
        patients=patient_model.objects.filter(pk__in=patients - {None}).order_by("pk"),
        staff=staff_model.objects.filter(pk__in=staff - {None}).order_by("pk"),
    )
