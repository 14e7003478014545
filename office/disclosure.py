"""A person's data under the personal-information law (個人情報保護法): everything the system
holds about one staff member or patient as one workbook (開示), and stopping its use (利用停止).
Corrections go through the normal pages (the admin's change forms), which keep history.
"""

import re

import tablib
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import StaffMember
from facilities.selectors import require_center
from groups.models import CareGroup, Patient
from groups.services import group_archive, memberships_end_for
from mcs_admin import spreadsheets
from mcs_admin.history import save_by
from mcs_admin.models import AccessLog, User
from mcs_admin.services import access_log_record
from mcs_admin.sessions import end_sessions_for

# never disclosed: secrets, not data about the person
HIDDEN_FIELDS = {"password", "session_epoch"}
SKIPPED_APPS = {"guardian", "auth", "contenttypes", "otp_totp", "otp_static"}
DEPTH = 2  # the person's records, and theirs (a patient's groups, and the groups' consents)


def _is_history(model) -> bool:
    return model.__name__.startswith("Historical")


def _related(obj, depth: int):
    """The records that point at `obj`, and at those, `depth` levels down (no history)."""
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        model = relation.related_model
        if _is_history(model) or model._meta.app_label in SKIPPED_APPS:
            continue
        for row in model._default_manager.filter(**{relation.field.name: obj}):
            yield row
            if depth > 1:
                yield from _related(row, depth - 1)


def person_records(person: StaffMember | Patient) -> list[models.Model]:
    records = [person]
    if isinstance(person, StaffMember) and person.user_id:
        records.append(person.user)
    records += list(_related(person, DEPTH))
    unique = {}
    for record in records:
        unique.setdefault((record._meta.label, record.pk), record)
    return list(unique.values())


def _cell(record, field):
    value = getattr(record, field.attname)
    if field.is_relation and value is not None:
        return str(getattr(record, field.name))
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, list | dict):
        return str(value)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def _sheet_title(text: str, taken: set) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", text)[:28]
    candidate, n = title, 2
    while candidate in taken:
        candidate, n = f"{title[:25]} {n}", n + 1
    taken.add(candidate)
    return candidate


def _dataset(model, rows, taken: set) -> tablib.Dataset:
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
    headers = [str(f.verbose_name) for f in fields]
    rows = list(rows)
    # each related record read once per kind, not once per row: a year of history is hundreds
    models.prefetch_related_objects(rows, *(f.name for f in fields if f.is_relation))
    dataset = tablib.Dataset(
        headers=headers, title=_sheet_title(str(model._meta.verbose_name), taken)
    )
    for row in rows:
        dataset.append([_cell(row, f) for f in fields])
    return dataset


def disclosure_workbook(person: StaffMember | Patient) -> bytes:
    """One sheet per kind of record, then one per kind of history (past values too)."""
    by_model: dict = {}
    for record in person_records(person):
        by_model.setdefault(type(record), []).append(record)
    taken: set = set()
    sheets = [_dataset(model, rows, taken) for model, rows in by_model.items()]
    for model, rows in by_model.items():
        history = getattr(model, "history", None)
        if history is None:
            continue
        past = history.filter(**{f"{model._meta.pk.attname}__in": [r.pk for r in rows]})
        sheets.append(_dataset(history.model, past.order_by("history_date"), taken))
    return spreadsheets.write_xlsx_book(sheets)


def disclosure_export(
    *, person: StaffMember | Patient, by: User, request: HttpRequest | None = None
) -> bytes:
    require_center(by)
    data = disclosure_workbook(person)
    access_log_record(
        user=by,
        action=AccessLog.Action.DISCLOSURE,
        targets=[person],
        description=str(person)[:300],
        request=request,
    )
    return data


@transaction.atomic
def person_use_stop(
    *, person: StaffMember | Patient, reason: str, by: User, request: HttpRequest | None = None
) -> None:
    """Stop using a person's data on their request: a staff member leaves every group and their
    login stops working; a patient's groups are archived (read-only from then on)."""
    require_center(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the use stops.")})
    if isinstance(person, StaffMember):
        memberships_end_for(staff_member=person, reason=reason, by=by)
        if person.user_id and person.user.is_active:
            user = person.user
            user.is_active = False
            save_by(user, by)
            end_sessions_for(user)
    else:
        for group in person.groups.filter(status=CareGroup.Status.ACTIVE):
            group_archive(group=group, by=by, reason=reason)
    access_log_record(
        user=by,
        action=AccessLog.Action.USE_STOPPED,
        targets=[person],
        description=reason.strip()[:300],
        request=request,
    )
