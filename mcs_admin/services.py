from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

from mcs_admin.models import AccessLog, User


def access_log_record(
    *,
    user: User | None,
    action: str,
    targets: Iterable[models.Model] = (),
    target_type: str = "",
    description: str = "",
    row_count: int | None = None,
    request: HttpRequest | None = None,
    username: str = "",
) -> AccessLog:
    """Add one entry to the append-only access log (prints, exports, imports, views, logins)."""
    targets = list(targets)
    if targets and not target_type:
        target_type = targets[0]._meta.label
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        action=action,
        target_type=target_type,
        target_ids=[obj.pk for obj in targets],
        description=description,
        row_count=row_count,
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
