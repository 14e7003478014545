from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from facilities.services import invitation_create, invitation_link
from mcs_admin.models import User


class Command(BaseCommand):
    help = "Invite a prospective facility to apply online; prints the link to send (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the facility's e-mail address")
        parser.add_argument("--user", required=True, help="the support-center login inviting")

    def handle(self, *args, **options):
        by = User.objects.filter(username=options["user"]).first()
        if by is None:
            raise CommandError(f"No login named {options['user']}.")
        try:
            _invitation, token = invitation_create(email=options["email"], by=by)
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError(" ".join(messages)) from error
        self.stdout.write(invitation_link(token))
