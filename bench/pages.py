"""Benchmark of the pages: latency, throughput, size and SQL queries, small registry vs full.

Not a test: run it by hand on the machine to be measured, from the checkout, against a
PostgreSQL server (the full registry is built once with `seed_scale --facilities 5000`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcs_scale .venv/bin/python bench/pages.py

The benchmark profile: production settings (DEBUG off, secure cookies, SSL redirect) behind
gunicorn on loopback in plain HTTP, the clients sending `X-Forwarded-Proto: https` as the
nginx in front of gunicorn does. Each registry (a throwaway one of `--small` facilities, and
the full one named by DATABASE_URL) gets three bench logins (support center, a facility's
MCS administrator, a staff member) enrolled with the demo TOTP secrets; each logs in through
the login page and the second factor. Both registries are served at once, and `--clients`
threads request each page for `--seconds` on each, in turns (small, full, full, small), so
that a change of the machine's load falls on both sizes alike; the SQL queries of each page
are counted once in-process. The baseline reads one
row by primary key and renders a tiny template: the floor of this stack on this machine.
"""

import argparse
import contextlib
import itertools
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcs_admin.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# the address the TLS proxy passes on: each applicant's request comes from an address of its own
os.environ.setdefault("CLIENT_IP_HEADER", "HTTP_X_REAL_IP")

from bench.client import Client, log_in  # noqa: E402

PASSWORD = secrets.token_urlsafe(12)
# (login, label, path[, fields]): fields are POSTed with the page's CSRF token instead of a GET;
# {facility} is the bench administrator's facility; "applicant" is no login (an application link)
PAGES = [
    ("center", "baseline", "/bench/baseline/"),
    ("center", "admin: staff", "/admin/facilities/staffmember/"),
    ("center", "admin: staff search", "/admin/facilities/staffmember/?" + urlencode({"q": "佐藤"})),
    (  # one person by family and given name, {person} (bench/logins.py)
        "center",
        "admin: staff search, full name",
        "/admin/facilities/staffmember/?q={person}",
    ),
    (  # a term in every staff member's name: Django's search alone reads the table
        "center",
        "admin: staff search, common term",
        "/admin/facilities/staffmember/?" + urlencode({"q": "試験"}),
    ),
    ("center", "admin: MCS IDs", "/admin/facilities/mcsaccount/"),
    ("center", "admin: ID requests", "/admin/facilities/idrequest/"),
    ("center", "admin: groups", "/admin/care_groups/caregroup/"),
    ("center", "admin: memberships", "/admin/care_groups/membership/"),
    (
        "center",
        "admin: membership search",
        "/admin/care_groups/membership/?" + urlencode({"q": "佐藤"}),
    ),
    ("center", "admin: devices", "/admin/devices/device/"),
    ("center", "admin: access log", "/admin/mcs_admin/accesslog/"),
    ("center", "admin: access log, one month", "/admin/mcs_admin/accesslog/?period={month}"),
    ("center", "admin: access log, one login", "/admin/mcs_admin/accesslog/?q={log_login}"),
    (
        "center",
        "admin: access log, one kind",
        "/admin/mcs_admin/accesslog/?target_type=facilities.StaffMember",
    ),
    (
        "center",
        "admin: access log, one record's viewers",
        "/admin/mcs_admin/accesslog/?target_type=facilities.StaffMember&record={record}",
    ),
    (
        "center",
        "leak report, one login over a year",
        "/admin/mcs_admin/accesslog/report/?username={log_login}&start={year_ago}&end={now}",
    ),
    (  # 個人情報保護法 33条: one staff member's data as a spreadsheet
        "center",
        "disclosure export, one staff member",
        "/admin/disclosure/?staff_member={record}",
        {"export": "1"},
    ),
    ("center", "compliance dashboard", "/compliance/"),
    ("center", "roster (独自ルール 2)", "/roster/"),
    ("center", "forms not returned", "/admin/unreturned/"),
    # the page opens on the last 年度 that has ended (office.council_report.last_fiscal_year)
    ("center", "council's report, one fiscal year", "/admin/council-report/"),
    ("applicant", "online application form", "/apply/{token}/"),
    ("admin", "facility dashboard", "/f/{facility}/"),
    ("admin", "facility staff", "/f/{facility}/staff/"),
    ("admin", "facility ID requests", "/f/{facility}/id-requests/"),
    ("user", "my record", "/me/"),
]


# 10.0.0.0/8, one address a request: never the same twice in a run
APPLICANTS = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))


def database_url(name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", os.environ["DATABASE_URL"])


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def in_registry(env: dict, function: str, *args):
    """A function of bench/logins.py run in a Django process on the registry of `env`."""
    code = (
        "import json, sys; from bench import logins; "
        f"print(json.dumps(logins.{function}(*json.loads(sys.argv[1]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def drive(port, cookies, path, seconds, clients, fields=None, addresses=None):
    """The times (s) and sizes of the requests `clients` threads make for `seconds`.
    `addresses`: an iterator of client addresses, one a request (an application link's
    applicants, each below the link's limit of requests per address)."""
    times, sizes, errors = [], [], []
    deadline = time.perf_counter() + seconds

    def run():
        client = Client(port, cookies)
        form = fields and {**fields, "csrfmiddlewaretoken": client.csrf_token(path)}
        while time.perf_counter() < deadline:
            headers = {"X-Real-IP": next(addresses)} if addresses else None
            start = time.perf_counter()
            status, _, body = client.request("POST" if form else "GET", path, form, headers=headers)
            times.append(time.perf_counter() - start)
            sizes.append(len(body))
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"{path}: HTTP {sorted(set(errors))}"
    return times, sizes


def figures(times: list, sizes: list, seconds: float) -> dict:
    ordered = sorted(times)
    return {
        "median": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "rps": len(ordered) / seconds,
        "size": statistics.median(sizes) / 1024,
    }


@contextlib.contextmanager
def serving(env: dict, args, port: int):
    """The registry of `env` served by gunicorn on `port`, its bench logins logged in and each
    page's queries counted: (the pages with their paths, the logins' cookies, the counts)."""
    info = in_registry(env, "ensure", PASSWORD)
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "bench.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                Client(port).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        logins = {role: log_in(port, name, PASSWORD) for role, name in info["logins"].items()}
        logins["applicant"] = {}
        pages = [(role, label, path.format(**info), *more) for role, label, path, *more in PAGES]
        queries = in_registry(
            env,
            "count_queries",
            pages,
            {role: cookies["sessionid"] for role, cookies in logins.items() if cookies},
        )
        yield {"port": port, "pages": pages, "logins": logins, "queries": queries}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def measure(registries: list[dict], args) -> list[dict]:
    """Each page on both registries in turn, small, full, full, small, `--seconds` each in all:
    a drift of the machine's load during a page weighs on both sizes alike."""
    results = [{} for _ in registries]
    for index, (role, label, *_rest) in enumerate(PAGES):
        pooled = [([], []) for _ in registries]
        for which in [0, 1, 1, 0]:
            registry = registries[which]
            _role, _label, path, *fields = registry["pages"][index]
            fields = fields[0] if fields else None
            addresses = APPLICANTS if role == "applicant" else None
            cookies = registry["logins"][role]
            if not pooled[which][0]:  # warm-up
                drive(registry["port"], cookies, path, 1, 1, fields, addresses)
            times, sizes = drive(
                registry["port"], cookies, path, args.seconds / 2, args.clients, fields, addresses
            )
            pooled[which][0].extend(times)
            pooled[which][1].extend(sizes)
        for which, registry in enumerate(registries):
            results[which][label] = {
                **figures(*pooled[which], args.seconds),
                "queries": registry["queries"][label],
            }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per page and registry")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--small", type=int, default=20, help="facilities of the small registry")
    parser.add_argument("--port", type=int, default=8731, help="the small registry's; full: +1")
    parser.add_argument("--only", nargs="*", help="the pages whose label contains one of these")
    args = parser.parse_args()
    if args.only:
        PAGES[:] = [page for page in PAGES if any(word in page[1] for word in args.only)]

    # named after the full registry, so that benchmarks of two checkouts may run side by side
    small_name = os.environ["DATABASE_URL"].rsplit("/", 1)[1] + "_bench_small"
    small = {**os.environ, "DATABASE_URL": database_url(small_name)}
    for sql in (f"DROP DATABASE IF EXISTS {small_name}", f"CREATE DATABASE {small_name}"):
        subprocess.run(["psql", "-q", database_url("postgres"), "-c", sql], check=True)
    manage("migrate", "-v0", env=small)
    manage("seed_scale", "--facilities", str(args.small), env={**small, "DEBUG": "1"})  # it asks
    manage("migrate", "-v0", env=os.environ)
    with (
        serving(small, args, args.port) as small_registry,
        serving(dict(os.environ), args, args.port + 1) as full_registry,
    ):
        by_size = measure([small_registry, full_registry], args)
    print_table(dict(zip([f"{args.small}", "full"], by_size, strict=True)), args)


def print_table(by_size, args):
    small, full = by_size.values()
    print(f"\n{args.clients} clients, {args.seconds:g} s per page; times in ms, size in KiB\n")
    print(
        "| page | median small | median full | ratio | p95 full | req/s full | KiB "
        "| queries small/full |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, s in small.items():
        f = full[label]
        print(
            f"| {label} | {s['median']:.1f} | {f['median']:.1f} | {f['median'] / s['median']:.2f} "
            f"| {f['p95']:.1f} | {f['rps']:.1f} | {f['size']:.1f} | {s['queries']}/{f['queries']} |"
        )


if __name__ == "__main__":
    main()
