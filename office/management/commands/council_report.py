import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from mcs_admin.models import User
from mcs_admin.roles import is_center
from office.council_report import council_report, council_report_pdf, council_report_xlsx


def day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Write the report to the council (在宅医療・介護連携推進協議会) for a period as PDF or "
        "XLSX; recorded in the access log as the login's print or export."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--format", choices=["pdf", "xlsx"], required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--user", required=True, help="a support-center login")

    def handle(self, *args, start, end, format, out, user, **options):
        login = User.objects.filter(username=user).first()
        if login is None or not is_center(login):
            raise CommandError(
                _("“%(user)s” is not an active support-center login: the report is the center's.")
                % {"user": user}
            )
        try:
            report = council_report(start=day(start), end=day(end))
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        write = council_report_pdf if format == "pdf" else council_report_xlsx
        try:
            with transaction.atomic():  # no access-log entry for a file that was not written
                out.write_bytes(write(report, user=login))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s.") % {"file": out, "reason": error.strerror}
            ) from None
        self.stdout.write(_("Wrote %(file)s.") % {"file": out})
