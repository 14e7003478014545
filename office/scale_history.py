"""A year of the registry's model history for the benchmark registry (`seed_scale`).

The records' steps as the services would have left them over a year, each entry dated when
it happened and naming the login that did it: people registered and edited, MCS IDs
requested, issued, their passwords changed and some deleted, ID requests made and handled,
memberships invited, answered, approved and ended, consents and pledges prepared and
received, devices registered and changed. The rows go in by `bulk_create` into the
historical tables, `BATCH` at a time, so memory stays bounded whatever the registry's size.
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

BATCH = 2000
CLERKS = 12  # the support center's logins, as the access log names them (scale_access_log)


def at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment of office hours on `day`."""
    moment = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(
        minutes=rng.randrange(8 * 60)
    )
    return timezone.make_aware(moment)


class HistoryWriter:
    """History entries, written by model in batches as they are added."""

    def __init__(self):
        self.pending = defaultdict(list)
        self.written = 0

    def add(self, obj, when, user_id, kind="~", **was) -> None:
        """An entry of `obj` at `when` by `user_id`: its values now, but for those in `was`."""
        history = type(obj).history.model
        values = {field.attname: getattr(obj, field.attname) for field in history.tracked_fields}
        values.update(was)
        self.pending[history].append(
            history(history_date=when, history_type=kind, history_user_id=user_id, **values)
        )
        if len(self.pending[history]) >= BATCH:
            self._write(history)

    def _write(self, history) -> None:
        rows = self.pending.pop(history, [])
        history.objects.bulk_create(rows, batch_size=BATCH)
        self.written += len(rows)

    def flush(self) -> int:
        for history in list(self.pending):
            self._write(history)
        return self.written
