"""The one lock order of the services: a parent row first, then its children in primary-key
order (a group, then its memberships; a facility, then its staff).

Two transactions that lock rows of one family in this order wait for each other; in any other
order they can each hold what the other needs, and PostgreSQL ends one as a deadlock.
"""

from typing import TypeVar

from django.db.models import Model, QuerySet

P = TypeVar("P", bound=Model)
C = TypeVar("C", bound=Model)


def locked_family(parent: P, children: QuerySet[C]) -> tuple[P, list[C]]:
    """`parent` and `children` (rows belonging to it), read again and locked in that order."""
    locked = type(parent)._default_manager.select_for_update().get(pk=parent.pk)
    return locked, list(children.select_for_update().order_by("pk"))
