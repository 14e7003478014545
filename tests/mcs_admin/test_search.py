"""The admin's indexed text search (mcs_admin.search): same answers as Django's own search,
read through the GIN indexes on PostgreSQL."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices.models import Device
from facilities.models import McsAccount, StaffMember
from groups.models import CareGroup, Membership
from mcs_admin import search
from mcs_admin.paginators import CappedCountPaginator, in_the_lists_order
from tests.factories import (
    CareGroupFactory,
    CenterUserFactory,
    DeviceFactory,
    FacilityFactory,
    FreeGroupFactory,
    McsAccountFactory,
    MembershipFactory,
    PatientFactory,
    StaffMemberFactory,
)


def _registry():
    """People, facilities, groups and devices with names a search may or may not hit."""
    east = FacilityFactory(name="東診療所", name_kana="ヒガシシンリョウジョ")
    west = FacilityFactory(name="西薬局", name_kana="ニシヤッキョク")
    sato = StaffMemberFactory(facility=east, family_name="佐藤", given_name="花子")
    kato = StaffMemberFactory(
        facility=west, family_name="加藤", given_name="一郎", email="Ichiro.Kato@Example.jp"
    )
    sasaki = StaffMemberFactory(facility=west, family_name="佐々木", given_name="佐和")
    for person in (sato, kato, sasaki):
        McsAccountFactory(staff_member=person)
    group = CareGroupFactory(owner=east, patient=PatientFactory(family_name="藤田"))
    FreeGroupFactory(owner=west, name="佐藤医院連絡会")
    for person in (sato, kato):
        MembershipFactory(group=group, staff_member=person)
    DeviceFactory(facility=east, label="佐藤のiPad", assigned_to=sato)
    DeviceFactory(facility=west, label="受付PC")
    return group


TERMS = ["佐藤", "藤", "佐", "西薬", "kato@example", "ICHIRO", '"佐藤 花子"', "佐藤 東", "%"]
MODELS = [StaffMember, McsAccount, Membership, CareGroup, Device]


def _request():
    request = RequestFactory().get("/")
    request.user = CenterUserFactory(is_superuser=True)
    return request


def _results(model, term, *, narrowed: bool):
    model_admin = admin.site._registry[model]
    request = _request()
    queryset = model.objects.all()
    if narrowed:
        found, _ = model_admin.get_search_results(request, queryset, term)
    else:  # Django's search alone
        found, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)
    return set(found.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_indexed_search_finds_exactly_what_djangos_search_finds(model):
    group = _registry()
    found_any = False
    for term in [*TERMS, str(group.pk)]:
        expected = _results(model, term, narrowed=False)
        assert _results(model, term, narrowed=True) == expected, term
        found_any |= bool(expected)
    assert found_any


def _plan_of(sql: str, params, *, index_only: bool = False) -> str:
    with connection.cursor() as cursor:
        if index_only:  # a few rows: leave the planner no other way in than the indexes
            for scan in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_two_kanji_surname_is_looked_up_in_the_index():
    _registry()
    fields = admin.site._registry[StaffMember].search_fields
    keys = search._term_candidates(StaffMember, *search._plan(StaffMember, fields), "佐藤")
    plan = _plan_of(*keys.query.sql_with_params(), index_only=True)
    assert "staffmember_search_grams" in plan
    assert "facility_search_grams" in plan
    model_admin = admin.site._registry[StaffMember]
    found, _ = model_admin.get_search_results(_request(), StaffMember.objects.all(), "佐藤")
    assert [person.family_name for person in found] == ["佐藤"]


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("term", "pairs"),
    [("職員10", {"職員", "員1", "10"}), ("kato", {"KA", "AT", "TO"}), ("藤", {"藤"})],
)
def test_the_index_is_asked_for_a_terms_pairs_only(term, pairs):
    """Its single characters (職, 員: in every name at scale) are implied by its pairs."""
    _registry()
    keys = search.matching(StaffMember, term)
    plan = _plan_of(*keys.query.sql_with_params(), index_only=True)
    asked = re.search(r"search_grams @> '\{(.*?)\}'::text\[\]", plan)
    assert "staffmember_search_grams" in plan and asked, plan
    assert set(asked.group(1).split(",")) == pairs


@pytest.mark.django_db
@pytest.mark.postgres
def test_only_the_rarest_terms_candidates_are_read(monkeypatch):
    _registry()
    fields = admin.site._registry[StaffMember].search_fields
    estimates = []

    def estimate(keys):  # the planner's guess on a handful of rows is no guide: say it here
        estimates.append(1 if "花子" in str(keys.query) else 100)
        return estimates[-1]

    monkeypatch.setattr(search, "planned_rows", estimate)
    with CaptureQueriesContext(connection) as queries:
        keys = search.candidates(StaffMember, fields, "佐 花子")
    assert len(estimates) == 2  # the planner asked once per term
    assert len(queries) == 1  # the rarest term's candidates, read once
    花子 = search._term_candidates(StaffMember, *search._plan(StaffMember, fields), "花子")
    assert sorted(keys) == sorted(花子.values_list("pk", flat=True))  # fewer than 佐's


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_count_and_the_list_take_the_candidates_without_reading_the_grams(center_client):
    _registry()
    url = reverse("admin:facilities_staffmember_changelist")
    center_client.get(url, {"q": "佐藤 花子"})
    with CaptureQueriesContext(connection) as queries:
        page = center_client.get(url, {"q": "佐藤 花子"})
    assert page.context["cl"].result_count == 1
    grams = [q["sql"] for q in queries if '"search_grams" @>' in q["sql"]]
    assert len(grams) == 3  # two estimates (EXPLAIN) and one read of the rarest term's
    assert sum(not sql.startswith("EXPLAIN") for sql in grams) == 1
    listed = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIKE" in q["sql"]]
    assert listed and all("= ANY(" in sql for sql in listed)


@pytest.mark.django_db
@pytest.mark.postgres
def test_each_index_covers_the_fields_the_search_relies_on():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attname = 'search_grams' AND a.attgenerated = 's'
            """
        )
        stored = dict(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname LIKE '%_search_grams'"
        )
        indexes = dict(cursor.fetchall())
    expected = {}
    for label, fields in search.INDEXED_TEXT.items():
        table = apps.get_model(label)._meta.db_table
        arguments = ", ".join(f"({field})::text" for field in fields)
        expected[table] = f"mcs_search_grams(VARIADIC ARRAY[{arguments}])"
    assert stored == expected
    assert set(indexes) == set(expected)
    for definition in indexes.values():
        assert definition.endswith("USING gin (search_grams)"), definition


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_term_in_most_rows_is_left_to_djangos_search(monkeypatch):
    _registry()
    fields = admin.site._registry[StaffMember].search_fields
    assert search.candidates(StaffMember, fields, "佐藤") not in (None, search.COMMON)
    monkeypatch.setattr(search, "NARROW_AT_MOST", 0)  # as if every estimate were too many
    assert search.candidates(StaffMember, fields, "佐藤") == search.COMMON
    assert _results(StaffMember, "佐藤", narrowed=True) == _results(
        StaffMember, "佐藤", narrowed=False
    )


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_common_term_is_counted_up_to_a_cap_and_listed_in_the_index_order(
    monkeypatch, center_client
):
    _registry()
    for _ in range(3):
        StaffMemberFactory(family_name="佐藤")
    monkeypatch.setattr(search, "NARROW_AT_MOST", 0)
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    monkeypatch.setattr(admin.site._registry[StaffMember], "list_per_page", 1)
    url = reverse("admin:facilities_staffmember_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = center_client.get(url, {"q": "佐藤", "p": 2}, HTTP_ACCEPT_LANGUAGE="ja")
    cl = page.context["cl"]
    assert (cl.result_count, cl.paginator.capped) == (2, True)
    assert "2件以上" in page.content.decode()
    assert len(cl.result_list) == 1  # of the two pages of a capped count, the second

    listed = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIKE" in q["sql"])
    with transaction.atomic(), in_the_lists_order("default"):
        plan = _plan_of(listed.replace("%", "%%"), ())
    assert "Sort" not in plan and "facilities__family__8db05d_idx" in plan, plan


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_search_with_a_few_rows_counts_them_exactly(center_client):
    _registry()
    page = center_client.get(reverse("admin:facilities_staffmember_changelist"), {"q": "佐藤"})
    cl = page.context["cl"]
    assert cl.result_count == 1 and not getattr(cl.paginator, "capped", False)


@pytest.mark.django_db
def test_a_field_no_index_serves_leaves_the_search_to_django():
    fields = admin.site._registry[StaffMember].search_fields
    assert search._plan(StaffMember, fields) is not None
    assert search._plan(StaffMember, [*fields, "address"]) is None  # not indexed
    assert search._plan(StaffMember, ["^family_name"]) is None  # a prefix search
    assert search._plan(CareGroup, ["=id", "name"]) == ({"": CareGroup}, ["id"])
    if connection.vendor != "postgresql":
        assert search.candidates(StaffMember, fields, "佐藤") is None
