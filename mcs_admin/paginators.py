import json

from django.core.paginator import Paginator
from django.db import connections, models
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """A paginator that, for an unfiltered list of a large PostgreSQL table, takes the
    planner's row estimate instead of counting every row (COUNT(*) scans the whole table).

    Filtered lists, small tables and other databases count exactly.
    """

    exact_below = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if (
            isinstance(queryset, models.QuerySet)
            and connections[queryset.db].vendor == "postgresql"
            and not queryset.query.where
        ):
            with connections[queryset.db].cursor() as cursor:
                # a partitioned table's rows are its partitions'
                cursor.execute(
                    "SELECT sum(greatest(reltuples, 0))::bigint FROM pg_class "
                    "WHERE relkind <> 'p' AND (oid = %s::regclass OR oid IN "
                    "(SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass))",
                    [queryset.model._meta.db_table] * 2,
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return row[0]
        return super().count


def planned_rows(queryset: models.QuerySet) -> int:
    """The planner's estimate of the rows of a PostgreSQL query (EXPLAIN, no execution)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
