from django.utils.translation import gettext as _

from mcs_admin.singleton import ScheduledCommand
from pledges.services import confirmation_round_open_if_due


class Command(ScheduledCommand):
    help = (
        "Open the yearly confirmation of participation when the association keeps one and it is "
        "due (AssociationProfile.confirmation_interval_months). Run by cron once a day."
    )

    def handle(self, *args, **options):
        opened = confirmation_round_open_if_due()
        if opened is None:
            self.stdout.write(_("No confirmation round is due."))
            return
        self.stdout.write(
            _("Opened %(round)s: %(count)d forms 2 prepared.")
            % {"round": opened.pledge_round, "count": opened.facility_pledges}
        )
