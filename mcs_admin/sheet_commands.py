"""What the `import_data` and `export_data` commands share: the model's resource, the login."""

from django.contrib.auth import get_permission_codename
from django.core.management.base import CommandError

from mcs_admin.models import User
from mcs_admin.sheet_resources import SheetResource, sheet_resources


def resource_class(model_name: str) -> type[SheetResource]:
    resources = sheet_resources()
    name = model_name.lower().rpartition(".")[2]
    if name not in resources:
        raise CommandError(
            f"No spreadsheet for “{model_name}”: one of {', '.join(sorted(resources))}."
        )
    return resources[name]


def acting_user(username: str, resource: type[SheetResource], *actions: str) -> User:
    """The login the command acts as: recorded in the history and the access log."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active login “{username}”.")
    opts = resource._meta.model._meta
    missing = [
        action
        for action in actions
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
    ]
    if missing:
        raise CommandError(
            f"The login “{username}” may not {' or '.join(missing)} {opts.verbose_name_plural}."
        )
    return user
