import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from office import figures
from office.scale import ScaleBuilder


class Command(BaseCommand):
    help = "Add a prefecture-sized registry for benchmarks (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--facilities", type=int, default=5000)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_scale refuses to run with DEBUG off: it invents a registry.")
        if options["facilities"] < 1:
            raise CommandError("--facilities must be at least 1.")
        started = time.monotonic()
        counts = ScaleBuilder(options["facilities"]).build()
        figures.recount()  # the compliance dashboard's, as the scheduled job counts them
        if connection.vendor == "postgresql":
            # A year-old registry has been vacuumed and analysed by autovacuum: the visibility
            # map lets index-only scans skip the heap. VACUUM cannot run inside a transaction
            # (as in the tests), where the planner's statistics are all it gets.
            statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute(statement)
        elapsed = time.monotonic() - started
        self.stdout.write(
            ", ".join(f"{name}: {count:,}" for name, count in counts.items())
            + f" ({elapsed:.0f} s)"
        )
