from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from office.demo import build_demo


class Command(BaseCommand):
    help = "Create the demo registry and the five demo logins (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: it creates known logins.")
        try:
            logins = build_demo()
        except ValidationError as error:
            raise CommandError(f"Demo data is invalid: {error}") from error
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins:"))
        for user in logins:
            self.stdout.write(f"  {user.username:8} {user}")
        self.stdout.write(f"Password of each: {settings.DEMO_PASSWORD} (DEMO_PASSWORD)")
        self.stdout.write(
            "Second factor: `python manage.py demo_code LOGIN` prints a login's current code."
        )
