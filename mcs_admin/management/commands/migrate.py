from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

from mcs_admin.db_roles import grant_app_role
from mcs_admin.db_tools import LOGIN, owner_database


class Command(migrate.Command):
    """Django's migrate, as the database's owner when DATABASE_OWNER_URL names another role,
    then granting the application's role (DATABASE_URL's) what it may do on the tables."""

    def handle(self, *args, **options):
        database = connections[options["database"]]
        app = {key: database.settings_dict.get(key) for key in LOGIN}
        owner = owner_database()
        if settings.DATABASE_OWNER is None or owner["USER"] == app["USER"]:
            return super().handle(*args, **options)
        database.close()
        database.settings_dict.update({key: owner.get(key) for key in LOGIN})
        try:
            super().handle(*args, **options)
            with database.cursor() as cursor:
                grant_app_role(cursor, app["USER"])
        finally:
            database.close()
            database.settings_dict.update(app)
