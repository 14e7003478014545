import pytest
from django.db import connection

from facilities.models import Facility
from mcs_admin.paginators import EstimatedCountPaginator
from tests.factories import FacilityFactory


class Estimating(EstimatedCountPaginator):
    exact_below = 1


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.superuser  # writes pg_class
def test_an_unfiltered_large_table_is_counted_from_the_planners_estimate():
    FacilityFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE facilities_facility")
        cursor.execute(
            "UPDATE pg_class SET reltuples = 123456 WHERE relname = 'facilities_facility'"
        )
    assert Estimating(Facility.objects.all(), 50).count == 123456
    assert Estimating(Facility.objects.filter(status="active"), 50).count == 5


@pytest.mark.django_db
def test_small_tables_and_filtered_lists_are_counted_exactly():
    FacilityFactory.create_batch(3)
    assert EstimatedCountPaginator(Facility.objects.all(), 50).count == 3
    assert EstimatedCountPaginator(Facility.objects.filter(status="applying"), 50).count == 0
