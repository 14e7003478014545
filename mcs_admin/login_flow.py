"""The steps of a login after its password, and the access log of logins and logouts.

A login whose password was accepted reaches only the pages of its next step until it has done
them: enrol an authenticator (first login), type a code (every login), choose its own password
(after a one-time initial password). The admin is behind the same steps. A session older than
SESSION_MAX_HOURS ends, whatever its activity, and so does a login stopped since (`may_log_in`).
"""

from urllib.parse import urlencode

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from mcs_admin.models import AccessLog
from mcs_admin.roles import STOPPED, may_log_in
from mcs_admin.second_factor import is_enrolled
from mcs_admin.services import access_log_record
from mcs_admin.sessions import session_started, session_too_old
from mcs_admin.text_rules import visible

ENROL, VERIFY, NEW_PASSWORD = "account:enrol", "account:verify", "account:password_change"
# Pages any login reaches whatever step it is at.
ALWAYS = {"portal:logout", "admin:logout", "healthz"}


def next_step(user) -> str | None:
    """The URL name of the step a logged-in login must do next, or None."""
    if not user.is_verified():
        return VERIFY if is_enrolled(user) else ENROL
    if user.must_change_password:
        return NEW_PASSWORD
    return None


class LoginFlowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if session_too_old(request.session):
            logout(request)
            messages.info(request, _("Your session reached its time limit: log in again."))
            return redirect("portal:login")
        if not may_log_in(user):
            logout(request)
            messages.error(request, STOPPED)
            return redirect("portal:login")
        step = next_step(user)
        if step is None:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and (match.view_name == step or match.view_name in ALWAYS):
            return self.get_response(request)
        target = reverse(step)
        if step != NEW_PASSWORD and request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


@receiver(user_logged_in)
def _password_accepted(sender, request, user, **kwargs):
    session_started(request.session)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = getattr(request, "axes_locked_out", False)
    access_log_record(
        user=None,
        action=AccessLog.Action.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        description=_("locked out") if locked else _("wrong password"),
        request=request,
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(user=user, action=AccessLog.Action.LOGOUT, request=request)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked login and address: a Japanese page, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "portal/locked_out.html", context, status=429)


def axes_username(request, credentials=None):
    """The login name django-axes locks and records (AXES_USERNAME_CALLABLE): the login form
    refuses control characters before it authenticates; this keeps any other caller's visible."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return None if username is None else visible(str(username))


def _visible_query(query: QueryDict) -> QueryDict:
    shown = QueryDict(mutable=True)
    for key, values in query.lists():
        shown.setlist(visible(key), [visible(value) for value in values])
    return shown


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER). A failed login's record keeps what came
    with the request beyond the login form (user agent, Accept header, path, every parameter),
    evidence of an attack, with its control characters made visible (mcs_admin/text_rules.py)."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        for name in ("axes_user_agent", "axes_http_accept", "axes_path_info"):
            setattr(request, name, visible(getattr(request, name)))
        query, data = request.GET, request.POST
        request.GET, request.POST = _visible_query(query), _visible_query(data)
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            request.GET, request.POST = query, data
