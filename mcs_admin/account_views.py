"""The login's own pages outside the self-service namespaces: the second factor, the forced and
voluntary password change, and the e-mailed password reset.

Which of them a login reaches is decided by `mcs_admin.login_flow` (the step it is at); every
write is a service of `mcs_admin.second_factor`.
"""

import logging
from time import monotonic, sleep

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_otp import login as otp_login

from mcs_admin.models import AccessLog
from mcs_admin.pages import show_validation_error
from mcs_admin.second_factor import (
    is_enrolled,
    recovery_codes_left,
    second_factor_verify,
    secret_base32,
    totp_enrol_confirm,
    totp_enrol_start,
)
from mcs_admin.services import access_log_record
from mcs_admin.text_rules import NoControlCharacters

logger = logging.getLogger(__name__)


class CodeForm(NoControlCharacters, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse_lazy("portal:home")


class SecondFactorPage(FormView):
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("portal:login")
        if request.user.is_verified():  # nothing left to do here
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _next_url(self.request)}

    def verified(self, device, how: str):
        otp_login(self.request, device)
        # Both factors given: a new session key (and CSRF token), as Django's login() gives at
        # the password, so that a key seen before this step (a fixed or stolen one) opens nothing.
        # login() again would not do it: it keeps the key of a session that is already its own.
        self.request.session.cycle_key()
        rotate_token(self.request)
        access_log_record(
            user=self.request.user,
            action=AccessLog.Action.LOGIN,
            description=how,
            request=self.request,
        )


class Verify(SecondFactorPage):
    """Every login: the code of the authenticator app, or a recovery code."""

    template_name = "account/verify.html"

    def form_valid(self, form):
        user = self.request.user
        try:
            device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        except ValidationError as error:
            access_log_record(
                user=user,
                action=AccessLog.Action.LOGIN_FAILED,
                description=_("wrong second-factor code"),
                request=self.request,
            )
            show_validation_error(form, error)
            return self.form_invalid(form)
        if device.name == "recovery codes":
            self.verified(device, _("password and recovery code"))
            messages.warning(
                self.request,
                _("You logged in with a recovery code; %(left)d are left.")
                % {"left": recovery_codes_left(user)},
            )
        else:
            self.verified(device, _("password and authenticator code"))
        return redirect(_next_url(self.request))


class Enrol(SecondFactorPage):
    """First login: add the login to an authenticator app, prove it with a code, and keep the
    recovery codes."""

    template_name = "account/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_enrolled(request.user):
            return redirect("account:verify")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = totp_enrol_start(user=self.request.user)
        qr = segno.make(device.config_url, error="m")
        return {
            **super().get_context_data(**kwargs),
            "qr_svg": qr.svg_inline(scale=4, title=_("QR code for the authenticator app")),
            "secret": secret_base32(device),
        }

    def form_valid(self, form):
        try:
            enrolment = totp_enrol_confirm(user=self.request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            show_validation_error(form, error)
            return self.form_invalid(form)
        self.verified(enrolment.device, _("password and authenticator code (enrolment)"))
        return render(
            self.request,
            "account/recovery_codes.html",
            {"codes": enrolment.recovery_codes, "next": _next_url(self.request)},
        )


class PasswordChange(auth_views.PasswordChangeView):
    """The login's own password: required after a one-time initial password, voluntary later."""

    template_name = "account/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        form.user.must_change_password = False  # saved with the new password
        response = super().form_valid(form)  # keeps this session, ends the login's others
        messages.success(self.request, _("Your password was changed."))
        return response


class ResetForm(NoControlCharacters, PasswordResetForm):
    pass


class PasswordReset(auth_views.PasswordResetView):
    """An address with a login and one without get the same answer in the same time: sending
    the link takes time the other does not (ASVS 2.5.6), so every request's answer waits until
    PASSWORD_RESET_SECONDS have passed since it came."""

    form_class = ResetForm
    template_name = "account/password_reset.html"
    email_template_name = "account/password_reset_email.txt"
    subject_template_name = "account/password_reset_subject.txt"
    success_url = reverse_lazy("account:password_reset_done")

    def post(self, request, *args, **kwargs):
        started = monotonic()
        response = super().post(request, *args, **kwargs)
        left = started + settings.PASSWORD_RESET_SECONDS - monotonic()
        if left < 0:
            logger.warning(
                "A password reset took %.1f s, more than PASSWORD_RESET_SECONDS (%s): its time "
                "can tell whether the address has a login; raise the setting.",
                settings.PASSWORD_RESET_SECONDS - left,
                settings.PASSWORD_RESET_SECONDS,
            )
        sleep(max(left, 0))
        return response


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "account/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "account/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")

    def form_valid(self, form):
        form.user.must_change_password = False  # the login chose this password itself
        return super().form_valid(form)


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "account/password_reset_complete.html"
