from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mcs_admin.models import User
from mcs_admin.second_factor import current_code, demo_key, totp_device


class Command(BaseCommand):
    help = (
        "Print a demo login's current second-factor code, as its authenticator app would show "
        "it (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("login", help="a demo login: center, admin-a, admin-b, user-a, user-b")

    def handle(self, *args, login, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code refuses to run with DEBUG off.")
        user = User.objects.filter(username=login).first()
        device = user and totp_device(user)
        # only the secrets seed_demo set: never a real login's
        if device is None or device.key != demo_key(login):
            raise CommandError(f"{login} is not a demo login enrolled by seed_demo.")
        code, seconds, used = current_code(device)
        self.stdout.write(code)
        note = "used already: wait for the next code" if used else "valid"
        self.stderr.write(f"{note}; the next code comes in {seconds} s")
