from django.core.management.base import CommandError

from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record, access_log_verify
from mcs_admin.singleton import ScheduledCommand


class Command(ScheduledCommand):
    help = (
        "Recompute the access log's hash chain in key order and name the first entry that "
        "does not follow it. The result is recorded in the log (the compliance dashboard shows "
        "the last one); a broken chain exits non-zero."
    )

    def handle(self, *args, **options):
        result = access_log_verify()
        named = result.broken_id or result.missing_after
        access_log_record(
            user=None,
            action=AccessLog.Action.VERIFICATION,
            targets=AccessLog.objects.filter(pk=named) if named else (),
            target_type=AccessLog._meta.label,
            description=result.describe(),
            row_count=result.rows,
        )
        if not result.intact:
            raise CommandError(result.describe())
        self.stdout.write(result.describe())
