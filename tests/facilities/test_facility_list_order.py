"""The roster (独自ルール 2) reads its page of facilities through the index of their order, not
by sorting every facility (4 ms of the page at 5,000 facilities, docs/performance.md)."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.list_order import page_plan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_rosters_page_of_facilities_follows_their_ordering_index(center_client):
    f.FacilityFactory.create_batch(3)
    plan = page_plan(
        center_client,
        reverse("portal:roster"),
        select='SELECT "facilities_facility"."id"',
        ordered_by='"facilities_facility"."name_kana"',
    )
    assert "facility_list_order" in plan, plan
