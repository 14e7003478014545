from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mcs_admin import services, spreadsheets
from mcs_admin.sheet_commands import acting_user, resource_class


class Command(BaseCommand):
    help = (
        "Export facilities, staff or devices as CSV (UTF-8 with BOM, which Excel opens) or XLSX; "
        "recorded in the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="facility, staffmember or device")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--user", required=True, help="the login recorded as the exporter")

    def handle(self, *args, model, format, out, user, **options):
        resource = resource_class(model)
        exporter = acting_user(user, resource, "view")
        try:
            with transaction.atomic():  # no access log entry for a file that was not written
                data = services.spreadsheet_export(
                    resource=resource(), file_format=format, user=exporter
                )
                out.write_bytes(data)
        except spreadsheets.SpreadsheetError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Exported to {out}."))
