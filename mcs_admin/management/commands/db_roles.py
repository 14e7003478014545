from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mcs_admin.db_roles import create_app_role, grant_app_role
from mcs_admin.db_tools import owner_connection


class Command(BaseCommand):
    help = (
        "PostgreSQL: as the database's owner (DATABASE_OWNER_URL), grant the application's role "
        "(DATABASE_URL's user, or APP) what it may do: read and write the tables, only SELECT "
        "and INSERT on the access log. --create creates that login role first (the owner needs "
        "CREATEROLE). `migrate` grants by itself when DATABASE_OWNER_URL is another role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "app", nargs="?", help="the application's role (default: DATABASE_URL's)"
        )
        parser.add_argument("--create", action="store_true", help="create the role if missing")

    def handle(self, *args, app, create, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Roles exist on PostgreSQL only.")
        app = app or connection.settings_dict["USER"]
        with owner_connection() as owner, owner.cursor() as cursor:
            if create and create_app_role(cursor, app):
                self.stdout.write(f"Created the login role {app}; set its password with psql.")
            grant_app_role(cursor, app)
        self.stdout.write(f"Granted {app} the application's privileges.")
