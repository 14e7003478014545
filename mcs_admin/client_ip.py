from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *args) -> str | None:
    """The client's address, the same for the lockout (django-axes) and the access log.

    Behind a reverse proxy, `CLIENT_IP_HEADER` names the header the proxy overwrites with it.
    (django-axes passes the credentials as a second argument.)
    """
    header = settings.CLIENT_IP_HEADER
    address = request.META.get(header, "") if header else ""
    return address.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
