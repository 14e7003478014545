from django.utils import timezone
from django.utils.translation import gettext as _

from mcs_admin import access_partitions
from mcs_admin.db_tools import owner_connection
from mcs_admin.singleton import ScheduledCommand


class Command(ScheduledCommand):
    help = (
        "Create the access log's monthly partitions for this month and the next "
        f"{access_partitions.AHEAD} (PostgreSQL, as DATABASE_OWNER_URL; daily, from cron)."
    )

    def handle(self, *args, **options):
        with owner_connection() as owner:
            if owner.vendor != "postgresql":
                self.stdout.write(_("SQLite keeps the access log in one table: nothing to do."))
                return
            owner.set_autocommit(False)  # a partition and its privileges, or neither
            with owner.cursor() as cursor:
                created = access_partitions.create_ahead(cursor, timezone.now().date())
            owner.commit()
        self.stdout.write(
            _("Created: %(partitions)s") % {"partitions": ", ".join(created)}
            if created
            else _("Every partition ahead exists.")
        )
