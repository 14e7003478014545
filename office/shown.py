"""What a page showed: the records the access log notes for it, and the people they hold.

Each URL's entry in the access policy (`office.policy`) names a `Records` function, built
here, that finds the records on the rendered page: in its template context, in the URL's
object, in its form's choices, in the admin's list and inlines. They read what the page
already loaded: a foreign key gives its id without a query.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse

Records = Callable[[HttpRequest, HttpResponse], Iterable[Model]]

PATIENT, GROUP, STAFF = "care_groups.Patient", "care_groups.CareGroup", "facilities.StaffMember"
# a line of a usage application's roster (様式1): a person's name, gender and e-mail, before
# (and whether or not) they become staff
APPLICANT = "facilities.ApplicationRosterLine"


class People(NamedTuple):
    """The paths, for `values_list`, from a record to the people it shows, of each kind: its
    patients, its staff members, its applicants on an application's roster. A path to many (an
    application's roster lines, a session's attendees) names each of them."""

    patient: str | None = None
    staff: str | None = None
    applicant: str | None = None


PERSON_KINDS = People(PATIENT, STAFF, APPLICANT)  # the kind of record each kind of person is

# kind of record → the people a record of that kind shows. A kind missing here holds none.
PEOPLE_OF: dict[str, People] = {
    PATIENT: People(patient="pk"),
    GROUP: People(patient="patient", staff="attending_physician"),
    "care_groups.Membership": People(patient="group__patient", staff="staff_member"),
    "care_groups.MembershipReview": People(patient="group__patient"),
    "care_groups.MembershipReviewEntry": People(
        patient="review__group__patient", staff="membership__staff_member"
    ),
    "care_groups.OwnershipTransfer": People(patient="group__patient"),
    "care_groups.AssemblyRequest": People(patient="group__patient", staff="requested_by"),
    "consents.PatientConsent": People(patient="group__patient", staff="obtained_by"),
    "consents.ConsentDesignation": People(patient="group__patient", staff="staff_member"),
    "consents.ConsentSignature": People(
        patient="consent__group__patient", staff="consent__obtained_by"
    ),
    STAFF: People(staff="pk"),
    "facilities.McsAccount": People(staff="staff_member"),
    "facilities.IdRequest": People(staff="staff_member"),
    "facilities.RosterReviewEntry": People(staff="account__staff_member"),
    "facilities.AdministratorAppointment": People(staff="staff_member"),
    "facilities.Leave": People(staff="staff_member"),
    "facilities.LeaveItem": People(staff="leave__staff_member"),
    "facilities.UsageApplication": People(applicant="roster_lines"),  # every line of it
    APPLICANT: People(applicant="pk"),
    "pledges.StaffPledge": People(staff="staff_member"),
    "pledges.StaffPledgeSignature": People(staff="pledge__staff_member"),
    "pledges.TrainingSession": People(staff="attendees"),
    "devices.Device": People(staff="assigned_to"),
    "devices.CarryOutNotice": People(staff="staff_member"),
    "devices.Incident": People(staff="reported_by"),
    "mcs_admin.User": People(staff="staff_member"),
    "mcs_admin.AccessLog": People(staff="user__staff_member"),
    "office.NoticeReceipt": People(staff="read_by__staff_member"),
    "facilities.FacilityUserObjectPermission": People(staff="user__staff_member"),
    "care_groups.CareGroupUserObjectPermission": People(
        patient="content_object__patient", staff="user__staff_member"
    ),
}


def people_held(label: str) -> list[tuple[str, str]]:
    """(kind of person, path) for each kind of person a record of this kind shows."""
    paths = PEOPLE_OF.get(label, People())
    return [(kind, path) for kind, path in zip(PERSON_KINDS, paths, strict=True) if path]


def _foreign_key(record: Model, name: str) -> ForeignKey | None:
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:  # a property or a prefetched list: read it as an attribute
        return None
    return field if isinstance(field, ForeignKey) else None


def _follow(value, path: list[str]) -> Iterable[Model]:
    """The records at `path` below `value`: dictionary keys (`*` for every value), attributes,
    foreign keys, and every item of a list, query set or page on the way."""
    if value is None:
        return
    if isinstance(value, Mapping):
        if path:
            values = value.values() if path[0] == "*" else [value.get(path[0])]
            for item in values:
                yield from _follow(item, path[1:])
    elif isinstance(value, Model):
        if not path:
            yield value
            return
        field = _foreign_key(value, path[0])
        if field is not None and len(path) == 1:
            pk = getattr(value, field.attname)
            if pk is not None:
                yield field.related_model(pk=pk)
            return
        yield from _follow(getattr(value, path[0], None), path[1:])
    elif isinstance(value, QuerySet | list | tuple | Page):
        for item in value:
            yield from _follow(item, path)
    elif path:
        yield from _follow(getattr(value, path[0], None), path[1:])


def in_context(*paths: str) -> Records:
    """The records under these template-context paths, such as `object_list` or
    `memberships.staff_member` (each membership's staff member)."""

    def records(request, response):
        context = getattr(response, "context_data", None) or {}
        for path in paths:
            yield from _follow(context, path.split("."))

    return records


def form_choices(*names: str) -> Records:
    """The records a page's form offers in these fields (the names in a select or a list of
    checkboxes are shown as surely as a list's)."""

    def records(request, response):
        form = (getattr(response, "context_data", None) or {}).get("form")
        for name in names:
            field = form.fields.get(name) if form is not None else None
            if isinstance(field, ModelChoiceField):
                yield from field.queryset

    return records


def joined(*parts: Records) -> Records:
    def records(request, response):
        for part in parts:
            yield from part(request, response)

    return records


def printed(request, response) -> Iterable[Model]:
    """A print or an export: the one print path records the ids it lets out
    (`mcs_admin.pdf.print_document`; the exports, `facilities.roster.roster_csv`), for every
    path that prints, the admin's actions too."""
    return ()


def admin_records(model: type[Model], key: str = "object_id") -> Records:
    """An admin page of `model`: the rows of its list, or the record in its URL (a change,
    history or deletion page) and the rows of its inlines."""

    def records(request, response):
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None:
            yield from changelist.result_list
        object_id = request.resolver_match.kwargs.get(key)
        if object_id is not None:
            yield model(pk=model._meta.pk.to_python(object_id))
        for inline in context.get("inline_admin_formsets", ()):
            yield from (form.instance for form in inline.formset.forms if form.instance.pk)

    return records


def autocomplete_results(request, response) -> Iterable[Model]:
    """The admin's search-as-you-type answers: the names of the field's related records."""
    source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
    related = source._meta.get_field(request.GET["field_name"]).related_model
    for row in json.loads(response.content)["results"]:
        yield related(pk=related._meta.pk.to_python(row["id"]))
