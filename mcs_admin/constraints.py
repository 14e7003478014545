from django.db import models


def dates_in_order(earlier: str, later: str, *, name: str, message) -> models.CheckConstraint:
    """`later` is empty or not before `earlier` (an empty `earlier` leaves it unchecked)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{later}__isnull": True})
        | models.Q(**{f"{earlier}__isnull": True})
        | models.Q(**{f"{later}__gte": models.F(earlier)}),
        name=name,
        violation_error_message=message,
    )
