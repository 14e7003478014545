"""Benchmark of the batch commands: wall time and peak memory on the full registry.

Not a test: run it by hand on the machine to be measured, against the registry built by
`seed_scale --facilities 5000` on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcs_scale .venv/bin/python bench/commands.py

Each command runs in its own process with production settings on a throwaway copy of the
registry (CREATE DATABASE ... TEMPLATE), so the registry stays as it was; its peak memory is
the process's maximum resident set (wait4). The floor is `manage.py check --database default`:
starting Django and reaching the database. Targets (issue 20; issue 10 asked for 60 s and
500 MB): the import of a roster of 10,000 new staff with MCS IDs under 30 s; `send_reminders`
over the registry under 30 s and 300 MB, dry or sending. Exits non-zero when a target is
missed.
"""

import argparse
import csv
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "mcs_admin.settings",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECRET_KEY": secrets.token_urlsafe(50),
}
IMPORTER = "bench-importer"


def database_url(name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", os.environ["DATABASE_URL"])


def psql(sql: str) -> None:
    subprocess.run(["psql", "-q", database_url("postgres"), "-c", sql], check=True)


def run(*args: str, env: dict) -> dict:
    """A manage.py command in its own process: seconds, its CPU seconds (which other work on
    a shared machine changes less than the wall time), peak MiB, its last output line."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)  # the child's own peak, not the bench's
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"manage.py {' '.join(args)} failed:\n{err.read()[-2000:]}")
        said = (out.read().strip().splitlines() or [""])[-1]
    cpu = usage.ru_utime + usage.ru_stime  # the command's own, not PostgreSQL's
    return {"seconds": seconds, "cpu": cpu, "mib": usage.ru_maxrss / 1024, "said": said}


def roster(env: dict, rows: int, path: Path) -> None:
    """A CSV roster of `rows` new staff with issued MCS IDs, spread over the registry's
    facilities, in the columns and words of the staff export (one exported row as template)."""
    code = """
import json, django
django.setup()
from facilities.models import Facility, StaffMember
from facilities.resources import StaffMemberResource
resource = StaffMemberResource()
people = StaffMember.objects.filter(mcs_accounts__status="issued", appointments=None)
sample = resource.export(people.order_by("pk")[:1])  # an ID holder, not an administrator
print(json.dumps({
    "headers": sample.headers,
    "row": list(sample[0]),
    "columns": {name: sample.headers.index(field.column_name)
                for name, field in resource.fields.items() if field.column_name in sample.headers},
    "facilities": list(Facility.objects.filter(status="active").values_list("name", flat=True)),
}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    column, facilities = found["columns"], found["facilities"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(found["headers"])
        for n in range(rows):
            row = list(found["row"])
            row[column["facility"]] = facilities[n % len(facilities)]
            row[column["full_name"]] = f"新規{n}　取込"
            row[column["full_name_kana"]] = "シンキ　トリコミ"
            row[column["email"]] = row[column["mcs_login_id"]] = f"bench{n}@import.example"
            writer.writerow(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the roster import")
    args = parser.parse_args()

    registry = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    copy = f"{registry}_bench_copy"
    work = Path(tempfile.mkdtemp(prefix="mcs-bench-"))
    env = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": database_url(copy),
        # the reminders sent land in files; environ reads an absolute path after four slashes
        "EMAIL_URL": f"filemail:///{work / 'mail'}",
    }
    results = {}

    def fresh_copy():
        psql(f"DROP DATABASE IF EXISTS {copy}")
        psql(f"CREATE DATABASE {copy} TEMPLATE {registry}")

    fresh_copy()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    grant = (
        "import django; django.setup(); from mcs_admin.models import User; "
        f"User.objects.update_or_create(username='{IMPORTER}', "
        "defaults={'is_staff': True, 'is_superuser': True})"
    )
    subprocess.run([sys.executable, "-c", grant], cwd=ROOT, env=env, check=True)
    results["floor: manage.py check"] = run("check", "--database", "default", env=env)
    file = work / "roster.csv"
    roster(env, args.rows, file)
    importing = ("import_data", "staffmember", str(file), "--user", IMPORTER)
    results[f"import {args.rows:,} staff, dry run"] = run(*importing, "--dry-run", env=env)
    results[f"import {args.rows:,} staff"] = run(*importing, env=env)
    fresh_copy()
    results["send_reminders --dry-run"] = run("send_reminders", "--dry-run", env=env)
    results["send_reminders (to files)"] = run("send_reminders", env=env)
    psql(f"DROP DATABASE IF EXISTS {copy}")

    targets = {
        f"import {args.rows:,} staff": (30, None),
        "send_reminders --dry-run": (30, 300),
        "send_reminders (to files)": (30, 300),
    }
    print("\n| command | time (s) | CPU (s) | peak memory (MiB) | target | result |")
    print("|---|---:|---:|---:|---|---|")
    missed = False
    for label, result in results.items():
        seconds_max, mib_max = targets.get(label, (None, None))
        ok = (seconds_max is None or result["seconds"] < seconds_max) and (
            mib_max is None or result["mib"] < mib_max
        )
        missed |= not ok
        target = " and ".join(
            text
            for text in (
                seconds_max and f"< {seconds_max} s",
                mib_max and f"< {mib_max} MB",
            )
            if text
        )
        said = result["said"][:70].replace("|", "/")
        print(
            f"| {label} | {result['seconds']:.1f} | {result['cpu']:.1f} | {result['mib']:.0f} "
            f"| {target} | {said} |"
        )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
