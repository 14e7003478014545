from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from facilities.roster import roster_csv, roster_facilities, roster_pdf
from facilities.selectors import facilities_for, own_staff_member
from facilities.services import account_record_password_change, open_account
from mcs_admin.pages import ListPage, PrintPage, ServiceFormPage
from mcs_admin.pdf import PRINTED_FORMS, pdf_download, print_response
from mcs_admin.roles import STOPPED, is_center, may_log_in
from mcs_admin.signing import signing_enabled
from mcs_admin.text_rules import NoControlCharacters
from office.forms import PasswordChangedForm
from pledges.models import StaffPledge
from pledges.pdf import STAFF_PLEDGE_FORM
from pledges.selectors import staff_pledges_for_person


class LoginForm(NoControlCharacters, AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_log_in(user):
            raise ValidationError(STOPPED, code="inactive")


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
        context["pledges"] = pledges = person.pledges.select_related("signature")
        context["signing"] = signing_enabled()
        context["awaiting_signature"] = any(p.awaiting_signature for p in pledges)
        context["trainings"] = person.training_sessions.all()
        return context

    def perform(self, form):
        return account_record_password_change(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("portal:me")


class Roster(ListPage):
    """独自ルール 2: the MCS administrators and ID holders of every facility."""

    template_name = "portal/roster.html"
    paginate_by = 20
    search_fields = ["name", "name_kana"]

    def rows(self):
        return roster_facilities(facilities_for(self.request.user).order_by("name_kana", "name"))


@require_safe
def roster_download(request, fmt: str):
    if fmt not in ("csv", "pdf"):
        raise Http404
    facilities = facilities_for(request.user).order_by("name_kana", "name")
    if fmt == "pdf":
        pdf = roster_pdf(facilities, user=request.user, request=request)
        return pdf_download(pdf, "mcs-roster.pdf")
    response = HttpResponse(
        roster_csv(facilities, user=request.user, request=request), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="mcs-roster.csv"'
    return response


@require_safe
def blank_form(request, number: int):
    """A blank form to fill in by hand: it holds no one's data, so any login may print it."""
    if number not in PRINTED_FORMS:
        raise Http404
    return print_response(PRINTED_FORMS[number], None, request=request)


class MyPledge(PrintPage):
    """The ID holder's own staff pledge (様式3), to sign."""

    def pdf(self):
        pledge = (
            staff_pledges_for_person(own_staff_member(self.request.user))
            .filter(basis=StaffPledge.Basis.SIGNED)
            .first()
        )
        if pledge is None:
            raise ValidationError(
                _("No staff pledge of yours is on record; ask your administrator.")
            )
        return print_response(STAFF_PLEDGE_FORM, [pledge], request=self.request)

    def back_url(self):
        return reverse("portal:me")
