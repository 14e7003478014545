"""Whether a list's page is read through an index in its order (PostgreSQL): the page's query,
taken from those a request ran, explained with sorting forbidden, which on a test's few rows
leaves only such an index to serve it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_plan(client, url: str, *, select: str, ordered_by: str) -> str:
    """The plan of the query starting with `select` and ordered by `ordered_by` that a GET of
    `url` ran (with a LIMIT or, the test's rows being one page, without)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    (page,) = [
        query["sql"]
        for query in queries
        if query["sql"].startswith(select) and f"ORDER BY {ordered_by}" in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {page}")
        return "\n".join(row[0] for row in cursor.fetchall())
