import json
from contextlib import contextmanager

from django.core.paginator import Page, Paginator
from django.db import connections, models, transaction
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


class CappedCountPaginator(Paginator):
    """For a search whose every term is in most rows (mcs_admin.search.COMMON): counts up to
    `cap` rows and says "more than" beyond (the pages then end there), and reads a page in
    the list's order, through the index that orders it where there is one.

    The planner, misled by the admin's OR of LIKEs (it expects a few rows), would read every
    match and sort them for each page; a page of a term in every row is found among the
    first rows of the ordering index.
    """

    cap = 1000

    @cached_property
    def _found(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self):
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        return self._found > self.cap

    @property
    def shown_cap(self) -> str:
        return f"{self.cap:,}"

    def page(self, number):
        page = super().page(number)
        with in_the_lists_order(page.object_list.db):
            return Page(list(page.object_list), page.number, self)


@contextmanager
def in_the_lists_order(using: str):
    """Reads planned without a sort wherever an index gives the order (and without parallel
    workers, whose start costs more than a page takes), on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_sort', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true)"
        )
        yield
        # only reads within: rolled back with the settings, which end here
        transaction.set_rollback(True, using=using)


def planned_rows(queryset: models.QuerySet) -> int:
    """The planner's estimate of the rows of a PostgreSQL query (EXPLAIN, no execution)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
