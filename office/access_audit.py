"""Views of personal data in the access log, and what the log answers after a suspected leak.

`AccessLogMiddleware` records every page that declares it shows patients or staff
(`office.policy`), with the ids of the records its declaration finds on the page: a
successful GET, and a POST answered with the page again (a form refused shows what its GET
showed). Prints, exports and imports are recorded by the services that make them
(`mcs_admin.pdf`, `mcs_admin.services`, `facilities.roster`). `office.leak_report` reads the
log back as the patients and staff whose records were viewed, printed or exported.
"""

from collections import defaultdict

from mcs_admin.models import AccessLog
from mcs_admin.services import access_log_record_all
from office.policy import declaration
from office.shown import PEOPLE_OF


def _described(request) -> str:
    """The page's address, an application link's token left out: the log is no way in."""
    path = request.get_full_path()
    token = request.resolver_match.kwargs.get("token")
    return path.replace(token, "…") if token else path


class AccessLogMiddleware:
    """Records the personal data a page showed, as its URL declares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        shown = request.method in ("GET", "POST") and response.status_code == 200
        if shown and match is not None:
            page = declaration(match)
            if page is not None and page.records is not None:
                self.record(request, page.records(request, response))
        return response

    def record(self, request, records):
        """After the page rendered: the records come from what it loaded."""
        by_kind: dict[str, dict] = defaultdict(dict)
        for record in records:
            label = record._meta.label
            if label in PEOPLE_OF:
                by_kind[label].setdefault(record.pk, record)
        # one INSERT for the page, whatever the kinds it showed
        access_log_record_all(
            entries=[
                {
                    "user": request.user,
                    "action": AccessLog.Action.VIEW,
                    "targets": unique.values(),
                    "target_type": label,
                    "description": _described(request)[:300],
                    "request": request,
                }
                for label, unique in by_kind.items()
            ]
        )
