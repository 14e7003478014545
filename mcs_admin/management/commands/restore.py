from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mcs_admin.backup import BackupError, backup_restore, latest, verify


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup generation (or the newest "
        "under DIR), opened with the private key at --key, after verifying its signed manifest "
        "and every file. Replaces everything but the access log's newer rows, records the restore "
        "by --user in the access log, and ends every session."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="a generation, or the backups' directory")
        parser.add_argument(
            "--key", required=True, type=Path, help="the private key file that opens the backups"
        )
        parser.add_argument("--user", required=True, help="the login recorded as who restores")
        parser.add_argument(
            "--signer",
            type=Path,
            help="the public half of the backups' signing key (default: BACKUP_SIGNING_KEY's)",
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, dir, key, user, signer, interactive, **options):
        try:
            generation = latest(dir)
            manifest = verify(generation, signer=signer)
            self.stdout.write(
                f"{generation}: signature and files verified (made {manifest['started']})"
            )
            if interactive:
                answer = input("Replace ALL data and uploaded files with this backup? [yes/no] ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            backup_restore(generation=generation, key=key, login=user, signer=signer)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Restored."))
