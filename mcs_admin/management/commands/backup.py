import socket
import traceback
from pathlib import Path

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management.base import CommandError
from django.utils import timezone

from mcs_admin.backup import BackupError, backup_create
from mcs_admin.singleton import ScheduledCommand


class Command(ScheduledCommand):
    help = (
        "Back up the database (with its own tools) and the uploaded files as a new generation "
        "under --out, sealed to BACKUP_RECIPIENT, with a signed manifest; the oldest generations "
        "beyond --keep are removed. A failure exits non-zero and is mailed to ADMINS."
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
        except Exception as error:
            self.tell_admins(out, error)
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(str(generation))

    def tell_admins(self, out: Path, error: Exception) -> None:
        """Nobody reads a nightly job's output: its failure is mailed to ADMINS."""
        if not settings.ADMINS:
            self.stderr.write("ADMINS is not set: nobody is told that the backup failed.")
            return
        what = str(error) if isinstance(error, BackupError) else traceback.format_exc()
        message = (
            f"manage.py backup --out {out} failed on {socket.gethostname()} at "
            f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}; no new generation was made.\n\n{what}"
        )
        try:
            mail_admins("Backup failed", message)
        except Exception as mail_error:
            self.stderr.write(f"Mailing ADMINS failed as well: {mail_error}")
