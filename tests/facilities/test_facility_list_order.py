"""The roster (独自ルール 2) reads its page of facilities through the index of their order, not
by sorting every facility (4 ms of the page at 5,000 facilities, docs/performance.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_rosters_page_of_facilities_follows_their_ordering_index(center_client):
    f.FacilityFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = center_client.get(reverse("portal:roster"))
    assert response.status_code == 200
    (page,) = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "facilities_facility"."id"')
        and 'ORDER BY "facilities_facility"."name_kana"' in query["sql"]
        and "LIMIT" in query["sql"]
    ]
    with connection.cursor() as cursor:
        # few rows: forbid the sort, so that only an index in the list's order can serve it
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "facility_list_order" in plan, plan
