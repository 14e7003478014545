"""Ending a login's sessions, and the 12-hour limit on one session.

Every session carries a hash of its login's password and `session_epoch`
(`User._get_session_auth_hash`); Django ends a session whose hash no longer matches at its next
request. A new epoch therefore ends every session of the login at once, on the server, whatever
the session store.
"""

import time

from django.conf import settings
from django.utils.crypto import get_random_string

from mcs_admin.models import User

LOGIN_AT_SESSION_KEY = "mcs_login_at"


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
