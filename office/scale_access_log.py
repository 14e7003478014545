"""A year of the access log for the benchmark registry (`seed_scale`): 2,000 entries per
facility (10,000,000 at 5,000 facilities), in time order, naming the registry's own records.

The support center's clerks write a third of it (lists of records), each facility's MCS
administrator and two of its staff the rest (one record at a time, prints, exports, logins).
The chain (mcs_admin.access_chain) is computed here as the insert trigger computes it, and the
rows go in by COPY on PostgreSQL (the trigger set aside for that one transaction, their month's
partitions created first) and by bulk inserts on SQLite.
"""

import datetime
import random

from django.db import connection
from django.utils import timezone

from consents.models import PatientConsent
from devices.models import Device
from facilities.models import Facility, McsAccount, StaffMember
from groups.models import CareGroup, Membership, Patient
from mcs_admin import access_chain, access_partitions
from mcs_admin.db_tools import owner_is_another_role
from mcs_admin.models import AccessLog, AccessLogHead

PER_FACILITY = 2000
CLERKS = 12
KINDS = [  # (model, share of the entries naming it)
    (StaffMember, 30),
    (Patient, 15),
    (CareGroup, 15),
    (Membership, 15),
    (McsAccount, 10),
    (Device, 8),
    (PatientConsent, 7),
]
FACILITY_ACTIONS = ["view"] * 80 + ["print"] * 6 + ["export"] * 2 + ["login"] * 7 + ["logout"] * 5
COLUMNS = [AccessLog._meta.get_field(name).column for name in access_chain.COLUMNS]
COLUMNS += ["hash"]


def _ranges() -> list[tuple[str, int, int, int]]:
    """(label, smallest key, largest key, weight) of each kind with records."""
    found = []
    for model, weight in KINDS:
        keys = model.objects.order_by("pk").values_list("pk", flat=True)
        first, last = keys.first(), keys.last()
        if first is not None:
            found.append((model._meta.label, first, last, weight))
    return found


def _entries(count: int, facilities: list[int], kinds: list, rng: random.Random, first_id: int):
    """The entries' column values, oldest first, with consecutive keys from `first_id`."""
    labels = [kind[0] for kind in kinds]
    weights = [kind[3] for kind in kinds]
    bounds = {label: (low, high) for label, low, high, _ in kinds}
    now = timezone.now()
    start = now - datetime.timedelta(days=365)
    step = (now - start) / count
    for n in range(count):
        at = start + step * n
        clerk = rng.random() < 0.33
        label = rng.choices(labels, weights)[0]
        low, high = bounds[label]
        if clerk:
            username, action = f"center{rng.randrange(CLERKS) + 1:02d}", "view"
            ids = sorted(rng.sample(range(low, high + 1), min(20, high - low + 1)))
            ip = f"10.0.0.{rng.randrange(CLERKS) + 1}"
        else:
            facility = rng.choice(facilities)
            username = f"f{facility:05d}-{rng.randrange(3)}"
            action = rng.choice(FACILITY_ACTIONS)
            ids = [] if action in ("login", "logout") else [rng.randint(low, high)]
            ip = f"192.0.2.{facility % 250 + 1}"
        if not ids:
            label = ""
        yield {
            "id": first_id + n,
            "at": at,
            "user_id": None,
            "username": username,
            "action": action,
            "target_type": label,
            "target_ids": ids,
            "description": "",
            "row_count": len(ids) if ids else None,
            "ip_address": ip,
        }


def _chained(entries, previous: str):
    for values in entries:
        previous = access_chain.link(previous, values)
        yield values, previous


def _copy_line(values: dict, hash_: str) -> str:
    """One row of COPY's text format (no value here holds a tab, a newline or a backslash)."""
    cells = [values[name] for name in access_chain.COLUMNS] + [hash_]
    cells[1] = values["at"].isoformat()
    cells[6] = _json(values["target_ids"])
    return "\t".join(r"\N" if cell is None else str(cell) for cell in cells) + "\n"


def _json(ids: list[int]) -> str:
    return "[" + ", ".join(map(str, ids)) + "]"


def build_access_log(facilities: int, rng: random.Random) -> int:
    """Add a year of entries in proportion to `facilities`; their number."""
    count = facilities * PER_FACILITY
    numbers = list(Facility.objects.order_by("pk").values_list("pk", flat=True))
    if not count or not numbers:
        return 0
    if connection.vendor == "postgresql" and owner_is_another_role():
        # back-dated rows, partitions made and the chain's trigger switched off: the log's
        # owner only (seed_scale runs as the owner, docs/performance.md), never the app's role
        return 0
    head, _ = AccessLogHead.objects.get_or_create(pk=AccessLogHead.ONE)
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_id = max(last, head.last_id) + 1
    # read before the rows are made: no query can run on the connection while COPY does
    kinds = _ranges()
    rows = _chained(_entries(count, numbers, kinds, rng, first_id), head.last_hash)
    previous = _copy(rows) if connection.vendor == "postgresql" else _bulk(rows)
    head.last_id, head.last_hash = first_id + count - 1, previous
    head.save()
    return count


def _copy(rows) -> str:
    from psycopg import sql

    log = AccessLog._meta.db_table
    trigger = f"ALTER TABLE {log} {{}} TRIGGER mcs_admin_accesslog_chain"
    previous = ""
    with connection.cursor() as cursor:
        today = timezone.now().date()
        access_partitions.create(cursor, today - datetime.timedelta(days=366), today)
        cursor.execute(trigger.format("DISABLE"))
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(log), sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
        )
        with cursor.cursor.copy(statement) as copy:
            block = []
            for values, previous in rows:
                block.append(_copy_line(values, previous))
                if len(block) == 10_000:
                    copy.write("".join(block))
                    block = []
            copy.write("".join(block))
        cursor.execute(trigger.format("ENABLE"))
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{log}', 'id'), max(id)) FROM {log}")
    return previous


def _bulk(rows) -> str:
    previous, batch = "", []
    for values, previous in rows:
        batch.append(AccessLog(**values, hash=previous))
        if len(batch) == 2000:
            AccessLog.objects.bulk_create(batch)
            batch = []
    AccessLog.objects.bulk_create(batch)
    return previous
