"""Answers when the database is unreachable: every page a plain 503, and `/healthz` for the
load balancer or the monitoring. Django opens a new connection per request, so the pages come
back by themselves when the database does."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

UNREACHABLE = (OperationalError, InterfaceError)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("health check: the database is unreachable", exc_info=True)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def _database_unreachable(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, UNREACHABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """handler500: a 503 when the database is away, else the plain 500 page; never a traceback.

    Rendered without a request context: its context processors would ask the database.
    """
    if _database_unreachable(sys.exception()):
        html = loader.get_template("503.html").render()
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
