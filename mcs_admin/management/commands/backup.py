from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mcs_admin.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (with its own tools) and the uploaded files as a new generation "
        "under --out, sealed to BACKUP_RECIPIENT, with a signed manifest; the oldest generations "
        "beyond --keep are removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="the backups' directory")
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_GENERATIONS,
            help="generations to keep (BACKUP_GENERATIONS, default %(default)s)",
        )

    def handle(self, *args, out, keep, **options):
        try:
            generation = backup_create(out=out, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(generation))
