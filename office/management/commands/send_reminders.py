from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from devices.services import carry_outs_close_ended
from groups.services import reviews_schedule_missing
from mcs_admin.mail import support_center
from mcs_admin.singleton import ScheduledCommand
from office import reminders


class Command(ScheduledCommand):
    help = (
        "E-mail each responsible person what is due or overdue (reviews, MCS passwords, "
        "training, pledges, approvals, leaves, carry-out notices, incident reports). Each item "
        "goes once a day, so cron may run it often. First brings the registry up to date: "
        "schedules missing membership reviews, closes carry-out notices whose period ended."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the e-mails instead of sending them; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        with translation.override(settings.LANGUAGE_CODE):
            with transaction.atomic():
                scheduled = reviews_schedule_missing()
                closed = carry_outs_close_ended(today=today)
                reminders.plan_cursors_for_every_row()
                deliveries = reminders.prepare(reminders.collect(today), today)
                if dry_run:
                    transaction.set_rollback(True)
            if support_center() is None:
                self.stderr.write(
                    _(
                        "The association profile has no e-mail address: the support center's "
                        "reminders are not sent."
                    )
                )
            for delivery in deliveries:
                if dry_run:
                    self.stdout.write(f"To: {delivery.recipient.email}")
                    self.stdout.write(f"Subject: {delivery.subject}\n\n{delivery.body}")
                else:
                    self.stdout.write(
                        _("%(email)s: %(count)d item(s)")
                        % {"email": delivery.recipient.email, "count": len(delivery.items)}
                    )
            if not dry_run:
                reminders.deliver(deliveries, today)
            summary = _(
                "%(mails)d e-mail(s) with %(items)d item(s); %(scheduled)d membership review(s) "
                "scheduled, %(closed)d carry-out notice(s) closed."
            ) % {
                "mails": len(deliveries),
                "items": sum(len(delivery.items) for delivery in deliveries),
                "scheduled": scheduled,
                "closed": closed,
            }
            if dry_run:
                summary = _("Dry run, nothing sent or changed: %(summary)s") % {"summary": summary}
            self.stdout.write(self.style.SUCCESS(summary))
