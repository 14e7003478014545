"""Counting requests per client in the cache, for pages that anyone may open (the application
links): django-axes counts failed logins only."""

from django.core.cache import cache
from django.http import HttpRequest

from mcs_admin.client_ip import client_ip


def over_limit(request: HttpRequest, *, scope: str, limit: int, seconds: int) -> bool:
    """Counts this request of the client's address; True once more than `limit` came within a
    window of `seconds` (the window starts at the first request)."""
    key = f"rate:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:  # the window ended between add and incr: this request starts the next
        cache.add(key, 1, timeout=seconds)
        return False
