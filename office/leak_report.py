"""The leak report (個人情報保護法 26条, 漏えい等報告): for a login whose use may have leaked
and/or a time window, the patients, staff and applicants on application rosters (様式1) whose
records were viewed, printed or exported, person by person, with the totals the report to the
個人情報保護委員会 asks for (本人の数, of which 要配慮個人情報, the data items, the period, the
logins and addresses). Shown in the admin, exported as CSV and printed as PDF; each of these is
itself recorded in the access log.

Records are mapped to people through `office.shown.PEOPLE_OF`, the declaration every page's
log rows follow.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import tablib
from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcs_admin.dates import shown_datetime
from mcs_admin.models import AccessLog, AssociationProfile, User
from mcs_admin.pdf import print_document
from mcs_admin.services import access_log_record_shown
from mcs_admin.spreadsheets import write_csv
from office.shown import APPLICANT, PATIENT, PEOPLE_OF, STAFF, people_held

SHOWN = [AccessLog.Action.VIEW, AccessLog.Action.PRINT, AccessLog.Action.EXPORT]
ONE_REQUEST = datetime.timedelta(seconds=1)
# people a page of the report lists; the totals, the CSV and the PDF count and list everyone
PER_PAGE = 50

# The data items (the report form's 個人データの項目), in the order the report lists them.
NAME = gettext_lazy("full name")
KANA = gettext_lazy("full name (kana)")
ADDRESS = gettext_lazy("address")
GROUP = gettext_lazy("patient group")
OWNER = gettext_lazy("owning facility")
CONSENT = gettext_lazy("patient consent (form 4)")
FACILITY = gettext_lazy("facility")
PROFESSION = gettext_lazy("profession")
GENDER = gettext_lazy("gender")
EMAIL = gettext_lazy("e-mail")
MCS_ID = gettext_lazy("MCS login id")
MCS_PASSWORD = gettext_lazy("MCS password last changed on")
MEMBERSHIP = gettext_lazy("membership")
PLEDGE = gettext_lazy("staff pledge (form 3)")
DEVICE = gettext_lazy("device")
ITEMS = [NAME, KANA, ADDRESS, GROUP, OWNER, CONSENT, FACILITY, PROFESSION, GENDER, EMAIL]
ITEMS += [MCS_ID, MCS_PASSWORD, MEMBERSHIP, PLEDGE, DEVICE]

# kind of record → kind of person → the items it shows of them. A kind of record not named
# here reads as the name and its model's name.
RECORD_ITEMS: dict[str, dict[str, tuple]] = {
    PATIENT: {PATIENT: (NAME, KANA, ADDRESS)},
    "care_groups.CareGroup": {PATIENT: (NAME, GROUP, OWNER), STAFF: (NAME, GROUP)},  # physician
    "care_groups.Membership": {PATIENT: (NAME, GROUP), STAFF: (NAME, FACILITY, MEMBERSHIP)},
    "consents.PatientConsent": {PATIENT: (NAME, GROUP, CONSENT)},
    STAFF: {STAFF: (NAME, KANA, ADDRESS, FACILITY, PROFESSION, GENDER, EMAIL)},
    "facilities.McsAccount": {STAFF: (NAME, FACILITY, PROFESSION, MCS_ID, MCS_PASSWORD)},
    "facilities.UsageApplication": {APPLICANT: (NAME, FACILITY, PROFESSION, GENDER, EMAIL)},
    APPLICANT: {APPLICANT: (NAME, KANA, FACILITY, PROFESSION, GENDER, EMAIL)},
    "pledges.StaffPledge": {STAFF: (NAME, PLEDGE)},
    "devices.Device": {STAFF: (NAME, DEVICE)},
}

KIND_NAMES = {
    PATIENT: gettext_lazy("patient (special care-required personal information)"),
    STAFF: gettext_lazy("staff member"),
    APPLICANT: gettext_lazy("applicant on an application's roster"),
}


def _items(label: str, person_kind: str) -> tuple:
    if label in RECORD_ITEMS:
        return RECORD_ITEMS[label].get(person_kind, ())
    return (NAME, apps.get_model(label)._meta.verbose_name)


def _in_order(items) -> list[str]:
    """The items once each, in the order of ITEMS, others after."""
    known = [str(item) for item in ITEMS]
    given = set(items)
    return [*dict.fromkeys(item for item in known if item in given), *sorted(given - set(known))]


@dataclass
class Tally:
    """What the log says of one person."""

    events: dict = field(default_factory=lambda: defaultdict(set))  # action → event numbers
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    logins: set = field(default_factory=set)
    items: set = field(default_factory=set)

    def add(self, event: int, action: str, at, username: str, items: tuple) -> None:
        self.events[action].add(event)
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)
        self.logins.add(username)
        self.items.update(str(item) for item in items)


@dataclass
class Line:
    """One person of the report."""

    person: object  # a Patient, a StaffMember or an ApplicationRosterLine
    person_kind: str  # its model's label: PATIENT, STAFF or APPLICANT
    facilities: list[str]
    tally: Tally

    @property
    def sensitive(self) -> bool:
        """A patient: health data, 要配慮個人情報."""
        return self.person_kind == PATIENT

    @property
    def kind(self) -> str:
        return str(KIND_NAMES[self.person_kind])

    def count(self, action: str) -> int:
        return len(self.tally.events.get(action, ()))

    @property
    def viewed(self) -> int:
        return self.count(AccessLog.Action.VIEW)

    @property
    def printed(self) -> int:
        return self.count(AccessLog.Action.PRINT)

    @property
    def exported(self) -> int:
        return self.count(AccessLog.Action.EXPORT)

    @property
    def logins(self) -> list[str]:
        return sorted(self.tally.logins)

    @property
    def items(self) -> list[str]:
        return _in_order(self.tally.items)


PERSON_KINDS = [PATIENT, STAFF, APPLICANT]  # the order of the report: 要配慮個人情報 first


@dataclass
class LeakReport:
    """The totals come from the log alone; the people's records are read for the lines asked
    for: a page of them (`page`), or all of them (`lines`, for the CSV and the PDF)."""

    username: str
    start: datetime.datetime | None
    end: datetime.datetime
    made_at: datetime.datetime
    tallies: dict  # (kind of person, id) → Tally, in the report's order
    entries_by_action: dict
    first: datetime.datetime | None
    last: datetime.datetime | None
    logins: list[str]
    ip_addresses: list[str]

    @cached_property
    def lines(self) -> list[Line]:
        return _lines(self.tallies, list(self.tallies))

    def page(self, number) -> Page:
        """A page of the lines: their people read in a fixed number of queries."""
        page = Paginator(list(self.tallies), PER_PAGE).get_page(number)
        page.object_list = _lines(self.tallies, page.object_list)
        return page

    def number_of(self, person_kind: str) -> int:
        return sum(1 for kind, _pk in self.tallies if kind == person_kind)

    @property
    def people(self) -> int:
        return len(self.tallies)

    @property
    def patient_count(self) -> int:
        return self.number_of(PATIENT)

    @property
    def staff_count(self) -> int:
        return self.number_of(STAFF)

    @property
    def applicant_count(self) -> int:
        return self.number_of(APPLICANT)

    def of(self, person_kind: str) -> list[Line]:
        return [line for line in self.lines if line.person_kind == person_kind]

    @property
    def patients(self) -> list[Line]:
        return self.of(PATIENT)

    @property
    def staff(self) -> list[Line]:
        return self.of(STAFF)

    @property
    def applicants(self) -> list[Line]:
        return self.of(APPLICANT)

    @property
    def entries(self) -> int:
        return sum(self.entries_by_action.values())

    @property
    def actions_shown(self) -> list[tuple[str, int]]:
        return [(action.label, self.entries_by_action.get(action, 0)) for action in SHOWN]

    def items_of(self, person_kind: str) -> list[str]:
        tallies = (tally for (kind, _pk), tally in self.tallies.items() if kind == person_kind)
        return _in_order(item for tally in tallies for item in tally.items)

    @property
    def patient_items(self) -> list[str]:
        return self.items_of(PATIENT)

    @property
    def staff_items(self) -> list[str]:
        return self.items_of(STAFF)

    @property
    def applicant_items(self) -> list[str]:
        return self.items_of(APPLICANT)

    @property
    def made_on(self) -> datetime.date:
        return timezone.localdate(self.made_at)

    @property
    def window(self) -> str:
        start = shown_datetime(self.start) if self.start else _("the start of the log")
        return _("%(start)s to %(end)s") % {"start": start, "end": shown_datetime(self.end)}

    @property
    def login_shown(self) -> str:
        return self.username or _("every login")


def _people_of_records(ids: dict[str, set]) -> dict[tuple[str, object], set]:
    """(kind of record, id) → its people as (kind of person, id): one query per kind of record.
    A path to many (an application's roster lines, a session's attendees) gives a row each."""
    people = defaultdict(set)
    for label, pks in ids.items():
        kinds, paths = zip(*people_held(label), strict=True)
        rows = apps.get_model(label)._default_manager.filter(pk__in=pks)
        for pk, *found in rows.values_list("pk", *paths):
            people[label, pk].update(
                (kind, person) for kind, person in zip(kinds, found, strict=True) if person
            )
    return people


def leak_report(entries: QuerySet[AccessLog], *, username: str, start, end) -> LeakReport:
    """The people the entries viewed, printed or exported, in a fixed number of queries."""
    log = list(
        entries.filter(action__in=SHOWN)
        .order_by("at", "pk")
        .values_list(
            "target_type", "target_ids", "action", "at", "username", "ip_address", "description"
        )
    )
    ids = defaultdict(set)
    for target_type, target_ids, *_rest in log:
        if target_type in PEOPLE_OF:
            ids[target_type].update(target_ids)
    people_of = _people_of_records(ids)

    tallies = defaultdict(Tally)  # (kind of person, id) → Tally
    by_action, logins, addresses, times = defaultdict(int), set(), set(), []
    event, previous, kinds = 0, (None, None), set()
    for target_type, target_ids, action, at, name, ip_address, description in log:
        # one page writes one entry per kind of record it shows, back to back: one event
        request = (action, name, ip_address, description)
        if request != previous[0] or at - previous[1] > ONE_REQUEST or target_type in kinds:
            event, kinds = event + 1, set()
        previous = (request, at)
        kinds.add(target_type)
        touched = {}  # one count per entry and person, however many of their records it holds
        for pk in target_ids:
            for person in people_of.get((target_type, pk), ()):
                touched[person] = _items(target_type, person[0])
        if not touched:
            continue
        for key, items in touched.items():
            tallies[key].add(event, action, at, name, items)
        by_action[action] += 1
        logins.add(name)
        addresses.add(ip_address or "")
        times.append(at)

    return LeakReport(
        username=username,
        start=start,
        end=end,
        made_at=timezone.now(),
        # by kind, then in the order the log first reached them
        tallies=dict(
            sorted(
                tallies.items(),
                key=lambda item: (PERSON_KINDS.index(item[0][0]), item[1].first, item[0][1]),
            )
        ),
        entries_by_action=dict(by_action),
        first=times[0] if times else None,
        last=times[-1] if times else None,
        logins=sorted(logins),
        ip_addresses=sorted(addresses - {""}),
    )


def _lines(tallies: dict, keys: list) -> list[Line]:
    """A line for each person of `keys`, in their order, with the facilities they are known at:
    one query per kind of person."""
    ids = defaultdict(list)
    for person_kind, pk in keys:
        ids[person_kind].append(pk)
    groups = Prefetch(
        "groups",
        queryset=apps.get_model("care_groups.CareGroup")
        .objects.select_related("owner")
        .order_by("pk"),
    )
    patients = apps.get_model(PATIENT).objects.prefetch_related(groups)
    staff = apps.get_model(STAFF).objects.select_related("facility")
    applicants = apps.get_model(APPLICANT).objects.select_related("application__facility")
    people = [
        *(
            (PATIENT, patient, [group.owner.name for group in patient.groups.all()])
            for patient in patients.filter(pk__in=ids[PATIENT])
        ),
        *((STAFF, member, [member.facility.name]) for member in staff.filter(pk__in=ids[STAFF])),
        *(
            (APPLICANT, line, [line.application.facility.name])
            for line in applicants.filter(pk__in=ids[APPLICANT])
        ),
    ]
    found = {
        (kind, person.pk): Line(
            person=person,
            person_kind=kind,
            facilities=list(dict.fromkeys(facilities)),
            tally=tallies[kind, person.pk],
        )
        for kind, person, facilities in people
    }
    return [found[key] for key in keys if key in found]


# --- out of the system: the page, the CSV and the PDF, each recorded ----------------------


def _description(report: LeakReport) -> str:
    return _("Leak report: %(login)s, %(window)s") % {
        "login": report.login_shown,
        "window": report.window,
    }


def _shown(lines: list[Line]) -> dict[str, list]:
    """The report shows people too: the persons of each kind it lists (the access log's own
    kind when it lists none)."""
    listed = defaultdict(list)
    for line in lines:
        listed[line.person_kind].append(line.person)
    return dict(listed) or {AccessLog._meta.label: []}


def record(
    report: LeakReport,
    *,
    action: str,
    user: User,
    request: HttpRequest | None,
    lines: list[Line] | None = None,
) -> None:
    """One access-log entry per kind of person the report lists: `lines` (a page), or all."""
    access_log_record_shown(
        user=user,
        action=action,
        shown=_shown(report.lines if lines is None else lines),
        description=_description(report),
        request=request,
    )


def columns() -> list[str]:
    return [
        _("kind"),
        _("full name"),
        _("facility"),
        _("viewed"),
        _("printed"),
        _("exported"),
        _("first seen"),
        _("last seen"),
        _("logins"),
        _("data items"),
    ]


def report_csv(report: LeakReport, *, user: User, request: HttpRequest | None = None) -> bytes:
    dataset = tablib.Dataset(headers=columns())
    for line in report.lines:
        dataset.append(
            [
                line.kind,
                line.person.full_name,
                "、".join(line.facilities),
                line.viewed,
                line.printed,
                line.exported,
                shown_datetime(line.tally.first),
                shown_datetime(line.tally.last),
                "、".join(line.logins),
                "・".join(line.items),
            ]
        )
    data = write_csv(dataset)
    record(report, action=AccessLog.Action.EXPORT, user=user, request=request)
    return data


def report_pdf(report: LeakReport, *, user: User, request: HttpRequest | None = None) -> bytes:
    return print_document(
        template_name="pdf/leak_report.html",
        context={
            "profile": AssociationProfile.objects.filter(pk=1).first(),
            "report": report,
            "columns": columns(),
            "documents": [{}],  # pdf/base.html renders its sheets once per document
        },
        shown=_shown(report.lines),
        description=_description(report),
        user=user,
        request=request,
    )
