import time

from django.utils.translation import gettext as _

from mcs_admin.singleton import ScheduledCommand
from office import figures


class Command(ScheduledCommand):
    help = (
        "Count again what is open or overdue at every facility for the compliance dashboard. "
        "Run by cron every few minutes; a change at one facility is counted at once anyway."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counted = figures.recount()
        self.stdout.write(
            _("Counted %(count)s facilities in %(seconds).1f s.")
            % {"count": counted, "seconds": time.monotonic() - started}
        )
