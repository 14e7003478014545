from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mcs_admin.backup import BackupError, backup_restore, latest, verify


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup generation (or the newest "
        "under DIR), after verifying its checksums. Replaces everything; ends every session."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="a generation, or the backups' directory")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, dir, interactive, **options):
        try:
            generation = latest(dir)
            manifest = verify(generation)
            self.stdout.write(f"{generation}: checksums verified (made {manifest['created']})")
            if interactive:
                answer = input("Replace ALL data and uploaded files with this backup? [yes/no] ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            backup_restore(generation=generation)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Restored."))
