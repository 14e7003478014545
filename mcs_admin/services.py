from collections.abc import Iterable

import tablib
from django.db import models, transaction
from django.http import HttpRequest

from mcs_admin import spreadsheets
from mcs_admin.client_ip import client_ip
from mcs_admin.models import AccessLog, User
from mcs_admin.sheet_resources import ImportReport, SheetResource
from mcs_admin.text_rules import visible


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
    targets = list(targets)
    if targets and not target_type:
        target_type = targets[0]._meta.label
    return AccessLog.objects.create(
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
