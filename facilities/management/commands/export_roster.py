from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from facilities.models import Facility
from facilities.roster import roster_csv, roster_pdf
from mcs_admin.models import User


class Command(BaseCommand):
    help = "Write the roster of MCS administrators and ID holders (独自ルール 2) as CSV or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "pdf"], required=True)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--user", help="the login recorded in the access log")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No login named {options['user']}.")
        facilities = Facility.objects.order_by("name_kana", "name")
        write = roster_csv if options["format"] == "csv" else roster_pdf
        options["out"].write_bytes(write(facilities, user=user))
        self.stdout.write(f"Wrote {options['out']}")
