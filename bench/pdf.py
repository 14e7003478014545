"""Benchmark of the printed forms: median render time of each form and of a batch of 100.

Not a test: run it by hand on the machine to be measured, from the checkout,

    .venv/bin/python bench/pdf.py [--runs 15]

It builds its records in a throwaway test database and prints, in one run, the floor
(WeasyPrint rendering a one-line page with the same font), each form filled in for one record
(form 1 with a roster of ten lines), and 100 staff pledges (様式3) in one PDF. Targets: each
form within 8× the floor, the batch of 100 in under 15 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcs_admin.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

FORM_TARGET = 8  # × the floor
BATCH_TARGET = 15.0  # seconds


def median_seconds(render, runs: int) -> float:
    render()  # warm-up: templates, fonts and the first layout are cached after it
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="renders per measurement")
    parser.add_argument("--batch-runs", type=int, default=3, help="renders of the batch of 100")
    args = parser.parse_args()

    setup_test_environment()
    database_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    try:
        failed = measure(args)
    finally:
        connection.creation.destroy_test_db(database_name, verbosity=0)
    sys.exit(1 if failed else 0)


def measure(args) -> bool:

    from consents.pdf import CONSENT_FORM
    from facilities.pdf import APPLICATION_FORM
    from mcs_admin.pdf import render_form, render_pdf
    from pledges.pdf import FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM
    from tests import factories as f

    f.AssociationProfileFactory()
    application = f.UsageApplicationFactory()
    f.ApplicationRosterLineFactory.create_batch(10, application=application)
    facility = f.FacilityFactory()
    person = {"staff_member__facility": facility, "staff_member__address": "埼玉県三郷市1-2-3"}
    records = [
        (APPLICATION_FORM, [application]),
        (FACILITY_PLEDGE_FORM, [f.FacilityPledgeFactory(facility=facility)]),
        (STAFF_PLEDGE_FORM, [f.StaffPledgeFactory(**person)]),
        (CONSENT_FORM, [f.PatientConsentFactory()]),
    ]
    batch = list(
        STAFF_PLEDGE_FORM.queryset().filter(
            pk__in=[f.StaffPledgeFactory(**person).pk for _ in range(100)]
        )
    )

    floor = median_seconds(lambda: render_pdf("pdf/floor.html", {}), args.runs)
    print(f"{'what':<42} {'median':>9} {'× floor':>8}  target")
    print(f"{'floor: one line, IPAex明朝 (WeasyPrint)':<42} {floor * 1000:>7.1f}ms {1:>8.1f}")
    failed = False
    for form, form_records in records:
        seconds = median_seconds(lambda f=form, r=form_records: render_form(f, r), args.runs)
        ratio = seconds / floor
        failed |= ratio > FORM_TARGET
        name = f"form {form.number} filled ({form.template_name.split('/')[-1]})"
        print(f"{name:<42} {seconds * 1000:>7.1f}ms {ratio:>8.1f}  ≤ {FORM_TARGET}×")
    seconds = median_seconds(lambda: render_form(STAFF_PLEDGE_FORM, batch), args.batch_runs)
    failed |= seconds > BATCH_TARGET
    name = "100 staff pledges (form 3) in one PDF"
    print(f"{name:<42} {seconds:>8.2f}s {'':>8}  < {BATCH_TARGET:.0f} s")
    return failed


if __name__ == "__main__":
    main()
