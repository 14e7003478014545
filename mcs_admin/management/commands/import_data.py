from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mcs_admin import services, spreadsheets
from mcs_admin.sheet_commands import acting_user, resource_class


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX spreadsheet of facilities, staff or devices, all rows or none; "
        "prints what each row does (or every bad row)."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="facility, staffmember or device")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the login recorded as the importer")
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")

    def handle(self, *args, model, file, user, dry_run, **options):
        resource = resource_class(model)
        importer = acting_user(user, resource, "add", "change")
        try:
            if file.stat().st_size > spreadsheets.MAX_FILE_BYTES:
                raise spreadsheets.SpreadsheetError(
                    f"{file} is larger than {spreadsheets.MAX_FILE_BYTES // 2**20} MB."
                )
            dataset = spreadsheets.read_dataset(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except spreadsheets.SpreadsheetError as error:
            raise CommandError(str(error)) from None
        report = services.spreadsheet_import(
            resource=resource(),
            dataset=dataset,
            user=importer,
            file_name=file.name,
            dry_run=dry_run,
        )
        for problem in report.problems:
            where = f"row {problem.row}" if problem.row else "file"
            column = f", {problem.column}" if problem.column else ""
            self.stderr.write(f"{where}{column}: {problem.message}")
        if not report.ok:
            raise CommandError(f"{file} was not imported: nothing has been written.")
        for outcome in report.outcomes:
            changes = "; ".join(f"{c}: {before} → {after}" for c, before, after in outcome.changes)
            self.stdout.write(f"row {outcome.row}\t{outcome.action}\t{outcome.record}\t{changes}")
        for column in report.ignored_columns:
            self.stdout.write(f"column not imported: {column}")
        verdict = "Dry run, nothing written" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verdict}: {report.summary()}"))
