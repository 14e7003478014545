from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from facilities.forms import PasswordChangedForm
from facilities.selectors import facilities_for, own_staff_member
from facilities.services import account_record_password_change, open_account
from mcs_admin.pages import ListPage, ServiceFormPage
from mcs_admin.roles import is_center, may_log_in


class LoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_log_in(user):
            raise ValidationError(
                _(
                    "This login can no longer be used: its staff member has left or its use is "
                    "restricted. Ask your facility's MCS administrator or the support center."
                ),
                code="inactive",
            )


class Login(auth_views.LoginView):
    """The password, the first of two factors (mcs_admin.login_flow leads on to the second)."""

    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class Logout(auth_views.LogoutView):
    pass


@require_safe
def home(request):
    """Each role's first page: the center's facility list, the administrator's facility, or
    the user's own record."""
    user = request.user
    if is_center(user):
        return redirect("portal:facilities")
    facility = facilities_for(user).first()
    if facility is not None:
        return redirect("facility:dashboard", facility=facility.pk)
    if own_staff_member(user) is not None:
        return redirect("portal:me")
    return TemplateView.as_view(template_name="portal/no_role.html")(request)


class FacilityList(ListPage):
    """The center opens any facility's pages read-only from here, to help on the telephone."""

    template_name = "portal/facility_list.html"
    search_fields = ["name", "name_kana", "phone"]

    def rows(self):
        return facilities_for(self.request.user).order_by("name_kana")


class MyRecord(ServiceFormPage):
    """An ID holder's own record, and the day they last changed their MCS password."""

    template_name = "portal/me.html"
    form_class = PasswordChangedForm
    title = _("My record")
    success_message = _("The date of your MCS password change was recorded.")

    def get_context_data(self, **kwargs):
        person = own_staff_member(self.request.user)
        context = super().get_context_data(**kwargs)
        context["person"] = person
        context["account"] = open_account(person)
        context["pledges"] = person.pledges.all()
        context["trainings"] = person.training_sessions.all()
        return context

    def perform(self, form):
        return account_record_password_change(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("portal:me")
