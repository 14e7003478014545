import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mcs_admin import access_retention
from mcs_admin.backup import BackupError
from mcs_admin.db_tools import owner_connection


class Command(BaseCommand):
    help = (
        "List the access log's months past RETENTION_ACCESS_LOG_YEARS; with --drop --out DIR, "
        "export each (sealed to BACKUP_RECIPIENT) and drop it, recording the chain's checkpoint. "
        "Run by a person, as DATABASE_OWNER_URL (PostgreSQL); refused while an incident is open."
    )

    def add_arguments(self, parser):
        parser.add_argument("--drop", action="store_true", help="export and drop them")
        parser.add_argument("--out", type=Path, help="the directory of the sealed exports")

    def handle(self, *args, drop, out, **options):
        if drop and (out is None or not out.is_dir()):
            raise CommandError("--drop needs --out, an existing directory for the exports.")
        with owner_connection() as owner:
            if owner.vendor != "postgresql":
                self.stdout.write("SQLite keeps the access log in one table: nothing to drop.")
                return
            with owner.cursor() as cursor:
                past = access_retention.past(cursor, timezone.localdate())
            if not past:
                self.stdout.write("No month of the access log is past retention.")
                return
            self.stdout.write("Past retention: " + ", ".join(p.name for p in past))
            if not drop:
                return
            if reasons := access_retention.stops():
                raise CommandError("Refused: " + " ".join(reasons))
            for partition in past:
                try:
                    path = access_retention.drop_oldest(
                        owner, partition, out=out, username=getpass.getuser()
                    )
                except (access_retention.RetentionRefused, BackupError) as error:
                    raise CommandError(f"Refused: {error}") from error
                self.stdout.write(f"Exported {path} and dropped {partition.name}.")
