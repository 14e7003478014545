from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mcs_admin.documents import document_get
from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record
from mcs_admin.signing import verify_signed


class Command(BaseCommand):
    help = (
        "Check a form signed on the screen: the stored PDF's SHA-256 against its record and "
        "the association's seal on it; say who obtained the signatures and when. Exits "
        "non-zero on a mismatch, a broken or foreign seal, an unknown number or a form not "
        "signed on the screen."
    )

    def add_arguments(self, parser):
        parser.add_argument("document_number", help="e.g. F4-2026-00012")

    def handle(self, *args, document_number, **options):
        document = document_get(number=document_number)
        if document is None:
            raise CommandError(
                _("No form has the document number %(number)s.") % {"number": document_number}
            )
        result = verify_signed(document)
        # the check reads a person's signed form: the log keeps who looked at it
        access_log_record(
            user=None,
            action=AccessLog.Action.VIEW,
            targets=[document],
            description=f"verify_signed: {result.describe()}"[:300],
        )
        if not result.ok:
            raise CommandError(result.describe())
        self.stdout.write(result.describe())
