"""Constraints validated in Python (mcs_admin.constraints.ChecksInPython) decide as the
database does, with fewer queries, so that a roster import's cost per row stays small."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from facilities.models import AdministratorAppointment, McsAccount, StaffMember
from facilities.resources import StaffMemberResource
from mcs_admin import services
from mcs_admin.constraints import _holds
from mcs_admin.spreadsheets import read_dataset
from tests import factories as f
from tests.sheet_files import csv_bytes

pytestmark = pytest.mark.django_db

D = f.TODAY
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (Q(a__gte=F("b")), {"a": D, "b": D - DAY}, True),
        (Q(a__gte=F("b")), {"a": D - DAY, "b": D}, False),
        (Q(a__gte=F("b")), {"a": None, "b": D}, None),  # NULL: unknown
        (~Q(a__gte=F("b")), {"a": None, "b": D}, None),
        (Q(a__isnull=True) | Q(a__gte=F("b")), {"a": None, "b": D}, True),
        (Q(a="x") | Q(b__lt=1), {"a": "y", "b": None}, None),
        (Q(a="x") & Q(b__lt=1), {"a": "y", "b": None}, False),
        (~Q(a="deleted") & ~Q(b=""), {"a": "issued", "b": "id1"}, True),
    ],
)
def test_conditions_follow_sqls_three_valued_logic(condition, values, expected):
    assert _holds(condition, values) is expected


def account_variants():
    staff = f.StaffMemberFactory()
    taken = f.McsAccountFactory(login_id="taken@example.jp")
    yield f.McsAccountFactory.build(staff_member=staff)
    yield f.McsAccountFactory.build(staff_member=staff, login_id="", status="issued")
    yield f.McsAccountFactory.build(staff_member=staff, login_id="", status="requested")
    yield f.McsAccountFactory.build(staff_member=staff, issued_on=D - DAY, requested_on=D)
    yield f.McsAccountFactory.build(staff_member=staff, requested_on=None, issued_on=D)
    yield f.McsAccountFactory.build(staff_member=staff, deleted_on=D - DAY, status="deleted")
    yield f.McsAccountFactory.build(staff_member=staff, login_id=taken.login_id)
    yield f.McsAccountFactory.build(staff_member=staff, login_id=taken.login_id, status="deleted")
    yield f.McsAccountFactory.build(staff_member=taken.staff_member)
    yield taken  # a saved row is not its own duplicate
    yield f.McsAccountFactory.build(staff_member=taken.staff_member, status="deleted")
    appointment = f.AdministratorAppointmentFactory()
    yield f.AdministratorAppointmentFactory.build(staff_member=appointment.staff_member)
    yield f.AdministratorAppointmentFactory.build(staff_member=appointment.staff_member, ended_on=D)
    yield f.AdministratorAppointmentFactory.build(started_on=D, ended_on=D - DAY)
    yield f.StaffMemberFactory.build(joined_on=D, left_on=D - DAY)
    yield f.StaffMemberFactory.build(joined_on=D, left_on=D)


@pytest.mark.parametrize("exclude", [None, {"staff_member"}, {"issued_on"}])
def test_every_constraint_decides_as_djangos_own_query(exclude):
    decided = 0
    for instance in account_variants():
        model = type(instance)
        for constraint in model._meta.constraints:
            by_database = by_python = None
            try:
                constraint.validate(model, instance, exclude=exclude)
            except ValidationError as error:
                by_database = (type(error), str(error))
            (wrapped,) = [
                c for _, cs in instance.get_constraints() for c in cs if c.name == constraint.name
            ]
            try:
                wrapped.validate(model, instance, exclude=exclude)
            except ValidationError as error:
                by_python = (type(error), str(error))
            assert by_python == by_database, (model.__name__, constraint.name, instance.__dict__)
            decided += by_database is not None
    assert decided >= 6  # the variants break constraints, not just pass them


def test_check_constraints_cost_no_query():
    account = f.McsAccountFactory.build(
        staff_member=f.StaffMemberFactory(), login_id="", status="requested"
    )
    with CaptureQueriesContext(connection) as queries:
        account.validate_constraints(exclude={"staff_member"})
    assert len(queries) == 0  # its only query-needing constraint is met by an empty login id


def test_a_roster_imports_each_row_with_a_fixed_number_of_queries(center_user):
    facility = f.FacilityFactory()
    header = ["事業所名", "職種", "氏名", "メールアドレス", "MCSログインID", "ID状態"]

    def queries_for(count: int, start: int) -> list[str]:
        rows = [
            [facility.name, "看護師", f"佐藤 花子{n}", f"h{n}@example.jp", f"id{n}", "発行済"]
            for n in range(start, start + count)
        ]
        with CaptureQueriesContext(connection) as queries:
            report = services.spreadsheet_import(
                resource=StaffMemberResource(),
                dataset=read_dataset(csv_bytes([header, *rows])),
                user=center_user,
                file_name="roster.csv",
            )
        assert report.ok and report.new == count
        return [query["sql"] for query in queries]

    few, many = queries_for(5, 0), queries_for(25, 100)
    # per new staff member with an ID, its validation: the facility, the login id's open ID,
    # and the row's savepoint (the freed login ids are read once per file)
    assert (len(many) - len(few)) / 20 <= 5

    def inserts(queries):
        return [sql for sql in queries if sql.startswith("INSERT")]

    # the people, their IDs, the history of both and the access log: one statement each
    assert len(inserts(many)) == len(inserts(few)) == 5
    assert StaffMember.objects.count() == 30 and McsAccount.objects.count() == 30
    assert not AdministratorAppointment.objects.exists()


def test_a_roster_refuses_an_address_freed_less_than_30_days_before_whatever_its_case(
    center_user,
):
    """The deleted login ids are read once per file (login_id_deletions), with the same answer
    as the query per row: 独自ルール 3."""
    facility = f.FacilityFactory()
    march = datetime.date(2026, 3, 1)
    f.McsAccountFactory(
        login_id="Freed@Example.jp",
        status="deleted",
        requested_on=march,
        issued_on=march,
        deleted_on=datetime.date(2026, 3, 20),
    )
    header = ["事業所名", "職種", "氏名", "メールアドレス", "MCSログインID", "ID状態", "ID発行日"]
    rows = [
        [facility.name, "看護師", "佐藤 花子", "", "FREED@example.jp", "発行済", "2026-04-01"],
        [facility.name, "看護師", "佐藤 太郎", "", "freed@example.JP", "発行済", "2026-04-25"],
    ]
    report = services.spreadsheet_import(
        resource=StaffMemberResource(),
        dataset=read_dataset(csv_bytes([header, *rows])),
        user=center_user,
        file_name="roster.csv",
        dry_run=True,
    )
    refused = {(problem.row, problem.message) for problem in report.problems}
    # issued 12 days after the deletion; the second row's, 36 days after, is accepted
    assert [row for row, _message in refused] == [2]
    assert "2026年4月19日" in next(iter(refused))[1]
