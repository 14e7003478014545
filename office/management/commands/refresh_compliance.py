import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from office import figures


class Command(BaseCommand):
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
