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
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum would later
        elapsed = time.monotonic() - started
        self.stdout.write(
            ", ".join(f"{name}: {count:,}" for name, count in counts.items())
            + f" ({elapsed:.0f} s)"
        )
