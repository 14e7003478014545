"""The admin's list of ID requests reads its first page through the index of its ordering, not
by sorting every request (52,500 at prefecture scale: 541 ms before, docs/performance.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_admins_list_of_id_requests_follows_its_ordering_index(center_client):
    f.IdRequestFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = center_client.get(reverse("admin:facilities_idrequest_changelist"))
    assert response.status_code == 200
    (page,) = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "facilities_idrequest"."id"') and "LIMIT" in query["sql"]
    ]
    with connection.cursor() as cursor:
        # few rows: forbid the sort, so that only an index in the list's order can serve it
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "idrequest_list_order" in plan, plan
