"""Ending a login's sessions, and the 12-hour limit on one session.

Every session carries a hash of its login's password and `session_epoch`
(`User._get_session_auth_hash`); Django ends a session whose hash no longer matches at its next
request. A new epoch therefore ends every session of the login at once, on the server, whatever
the session store.

A session's expiry (SESSION_COOKIE_AGE idle) moves when the session is written. Writing it on
every request (SESSION_SAVE_EVERY_REQUEST) cost an UPDATE per page; `SessionTouchMiddleware`
writes an unchanged session once SESSION_TOUCH_SECONDS have passed since its last write, so a
session ends between 29 and 30 minutes after its last request rather than exactly 30.
"""

import time

from django.conf import settings
from django.utils.crypto import get_random_string

from mcs_admin.models import User

LOGIN_AT_SESSION_KEY = "mcs_login_at"
TOUCHED_AT_SESSION_KEY = "mcs_touched_at"


def end_sessions_for(user: User | None) -> None:
    """End every session of `user` (a leaver, a restricted user); None does nothing."""
    if user is None:
        return
    user.session_epoch = get_random_string(32)
    # the epoch is not history (excluded); the leave or restriction that caused it is
    user.save_without_historical_record(update_fields=["session_epoch"])


def session_started(session) -> None:
    session[LOGIN_AT_SESSION_KEY] = int(time.time())


def session_too_old(session) -> bool:
    """Past the absolute limit (SESSION_MAX_HOURS) since the password was accepted."""
    started = session.get(LOGIN_AT_SESSION_KEY)
    return started is None or time.time() - started > settings.SESSION_MAX_HOURS * 3600


class SessionTouchMiddleware:
    """Writes a session that changed, as Django does, and an unchanged one (moving its expiry,
    server and cookie) at most once per SESSION_TOUCH_SECONDS. Placed after Django's
    SessionMiddleware, whose answer then saves what this marks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        touched = session.get(TOUCHED_AT_SESSION_KEY, 0)  # loads it first: is it still there?
        if session.is_empty():  # a visitor with no session, or one just ended or expired
            return response
        now = int(time.time())
        if session.modified or now - touched >= settings.SESSION_TOUCH_SECONDS:
            session[TOUCHED_AT_SESSION_KEY] = now
        return response
