from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import tablib
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mcs_admin import spreadsheets
from mcs_admin.access_chain import GENESIS, entry_values, link
from mcs_admin.client_ip import client_ip
from mcs_admin.models import AccessLog, AccessLogCheckpoint, AccessLogHead, User
from mcs_admin.sheet_resources import ImportReport, SheetResource
from mcs_admin.text_rules import visible


def _access_log_entry(
    *,
    user: User | None,
    action: str,
    targets: Iterable[models.Model] = (),
    target_type: str = "",
    description: str = "",
    row_count: int | None = None,
    request: HttpRequest | None = None,
    username: str = "",
) -> AccessLog:
    targets = list(targets)
    if targets and not target_type:
        target_type = targets[0]._meta.label
    return AccessLog(
        user=user if user is not None and user.is_authenticated else None,
        # evidence is kept, never refused: a control character that reached here is shown
        username=visible(str(username or (user.get_username() if user is not None else ""))),
        action=action,
        target_type=target_type,
        target_ids=[obj.pk for obj in targets],
        description=visible(str(description), multiline=True),
        row_count=row_count,
        ip_address=client_ip(request) if request is not None else None,
    )


def access_log_record(
    *,
    user: User | None,
    action: str,
    targets: Iterable[models.Model] = (),
    target_type: str = "",
    description: str = "",
    row_count: int | None = None,
    request: HttpRequest | None = None,
    username: str = "",
) -> AccessLog:
    """Add one entry to the append-only access log (prints, exports, imports, views, logins)."""
    entry = _access_log_entry(
        user=user,
        action=action,
        targets=targets,
        target_type=target_type,
        description=description,
        row_count=row_count,
        request=request,
        username=username,
    )
    entry.save()
    return entry


def access_log_record_all(*, entries: Iterable[Mapping]) -> list[AccessLog]:
    """Several entries in one INSERT, chained in their order: each mapping takes
    `access_log_record`'s arguments (a page's kinds of record, written together)."""
    return AccessLog.append([_access_log_entry(**entry) for entry in entries])


def access_log_record_shown(
    *,
    user: User | None,
    action: str,
    shown: Mapping[str, Sequence[models.Model]],
    description: str,
    request: HttpRequest | None = None,
    username: str = "",
) -> None:
    """One entry per kind of record a page or a document shows (`shown`: label → records; a
    kind with none, as a blank form's, still gets its entry), all in one INSERT."""
    access_log_record_all(
        entries=[
            {
                "user": user,
                "action": action,
                "targets": records,
                "target_type": label,
                "description": description[:300],
                "row_count": len(records),
                "request": request,
                "username": username,
            }
            for label, records in shown.items()
        ]
    )


@transaction.atomic
def spreadsheet_import(
    *,
    resource: SheetResource,
    dataset: tablib.Dataset,
    user: User,
    file_name: str,
    dry_run: bool = False,
    request: HttpRequest | None = None,
) -> ImportReport:
    """Imports a whole file or nothing: any bad row rolls every row back.

    Every change keeps its history with `user`; a real import is recorded in the access log.
    """
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
        file_name=file_name,
        request=request,
    )
    report = result.report
    if report.ok and not dry_run:
        access_log_record(
            user=user,
            action=AccessLog.Action.IMPORT,
            targets=report.saved,
            target_type=resource._meta.model._meta.label,
            description=f"{file_name}: {report.summary()}"[:300],
            row_count=len(report.outcomes),
            request=request,
        )
    return report


def spreadsheet_export(
    *,
    resource: SheetResource,
    file_format: str,
    user: User,
    queryset: models.QuerySet | None = None,
    request: HttpRequest | None = None,
) -> bytes:
    """The records as CSV (UTF-8 with BOM) or XLSX, recorded in the access log (DESIGN §6)."""
    xlsx = file_format == "xlsx"
    dataset = resource.export(queryset, force_native_type=xlsx)
    data = spreadsheets.write_xlsx(dataset) if xlsx else spreadsheets.write_csv(dataset)
    filters = request.GET.urlencode() if request is not None else ""
    access_log_record(
        user=user,
        action=AccessLog.Action.EXPORT,
        targets=resource.exported,
        target_type=resource._meta.model._meta.label,
        description=" ".join([file_format.upper(), filters])[:300].strip(),
        row_count=len(dataset),
        request=request,
    )
    return data


@dataclass(frozen=True)
class Verification:
    rows: int  # rows that followed the chain
    broken_id: int | None = None  # the first row that does not
    missing_after: int | None = None  # the last row, when the head names a later one

    @property
    def intact(self) -> bool:
        return self.broken_id is None and self.missing_after is None

    def describe(self) -> str:
        if self.broken_id is not None:
            return _(
                "Broken at entry #%(id)d: it does not follow the %(rows)d entries before it "
                "(it, or the entry before it, was changed or removed)."
            ) % {"id": self.broken_id, "rows": self.rows}
        if self.missing_after is not None:
            return _(
                "Broken after entry #%(id)d, the last one: the chain's head names a later "
                "entry (entries at the end were removed)."
            ) % {"id": self.missing_after}
        return _("Intact: all %(rows)d entries follow the chain.") % {"rows": self.rows}


def access_log_verify() -> Verification:
    """Recompute the chain (mcs_admin.access_chain) in key order, from the last checkpoint of
    retention when its oldest months were dropped: the first row whose hash does not follow
    is broken."""
    previous, last_id, rows = GENESIS, 0, 0
    checkpoint = AccessLogCheckpoint.objects.order_by("-last_id").first()
    if checkpoint is not None:
        previous, last_id = checkpoint.last_hash, checkpoint.last_id
    entries = AccessLog.objects.filter(pk__gt=last_id).order_by("pk")
    for entry in entries.iterator(chunk_size=2000):
        if entry.hash != link(previous, entry_values(entry)):
            return Verification(rows=rows, broken_id=entry.pk)
        previous, last_id, rows = entry.hash, entry.pk, rows + 1
    head = AccessLogHead.objects.filter(pk=AccessLogHead.ONE).first()
    ends_at_head = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if ends_at_head != (last_id, previous):
        return Verification(rows=rows, missing_after=last_id)
    return Verification(rows=rows)
