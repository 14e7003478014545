"""The admin's list of ID requests reads its first page through the index of its ordering, not
by sorting every request (52,500 at prefecture scale: 541 ms before, docs/performance.md)."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.list_order import page_plan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_admins_list_of_id_requests_follows_its_ordering_index(center_client):
    f.IdRequestFactory.create_batch(3)
    plan = page_plan(
        center_client,
        reverse("admin:facilities_idrequest_changelist"),
        select='SELECT "facilities_idrequest"."id"',
        ordered_by='"facilities_idrequest"."requested_at"',
    )
    assert "idrequest_list_order" in plan, plan
