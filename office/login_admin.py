"""The admin of this system's logins: creating a facility person's login, resetting a lost
second factor. Both call the services of `office.logins` and `mcs_admin.second_factor`."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.models import McsAccount, StaffMember
from mcs_admin.admin_base import HistoryAdmin, ReadablePermissions
from mcs_admin.pages import show_validation_error
from mcs_admin.roles import is_center
from mcs_admin.second_factor import second_factor_reset
from mcs_admin.text_rules import NoControlCharacters
from office.logins import login_create_for_staff


class CreateForStaffForm(NoControlCharacters, forms.Form):
    username = forms.CharField(label=gettext_lazy("login name"), max_length=150)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # the admin's search over tens of thousands of staff (any field pointing to StaffMember)
        field = McsAccount._meta.get_field("staff_member")
        self.fields = {
            "staff_member": forms.ModelChoiceField(
                label=gettext_lazy("staff member"),
                queryset=StaffMember.objects.filter(user__isnull=True, left_on__isnull=True),
                widget=AutocompleteSelect(field, admin_site),
            ),
            **self.fields,
        }


class SecondFactorResetForm(NoControlCharacters, forms.Form):
    identity_check = forms.CharField(
        label=gettext_lazy("How the person's identity was checked"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "E.g. called back at the facility's registered telephone number and confirmed name, "
            "facility and e-mail address with the MCS administrator. This is recorded."
        ),
    )


class LoginAdmin(ReadablePermissions, UserAdmin, HistoryAdmin):
    list_display = ["username", "last_name", "first_name", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups"]
    change_form_template = "admin/mcs_admin/user/change_form.html"
    change_list_template = "admin/mcs_admin/user/change_list.html"
    # the dates are the system's to record; the role groups in a plain list (the two-pane
    # picker's help icons carry a label a screen reader may not be given)
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        if not change:  # whoever gets a password from the center chooses their own at once
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "create-for-staff/",
                self.admin_site.admin_view(self.create_for_staff_view),
                name="mcs_admin_user_create_for_staff",
            ),
            path(
                "<int:object_id>/reset-second-factor/",
                self.admin_site.admin_view(self.reset_second_factor_view),
                name="mcs_admin_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template, **context):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        return TemplateResponse(request, template, context)

    def create_for_staff_view(self, request):
        if not (is_center(request.user) and self.has_add_permission(request)):
            raise PermissionDenied
        form = CreateForStaffForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                user, password = login_create_for_staff(
                    by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                return self._page(
                    request,
                    "admin/mcs_admin/user/initial_password.html",
                    title=_("Login created"),
                    created=user,
                    password=password,
                )
        return self._page(
            request,
            "admin/mcs_admin/user/create_for_staff.html",
            title=_("Create a login for a staff member"),
            form=form,
            media=self.media + form.media,
        )

    def reset_second_factor_view(self, request, object_id):
        if not (is_center(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        user = self.get_object(request, str(object_id))
        if user is None:
            raise Http404
        form = SecondFactorResetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                second_factor_reset(
                    user=user, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("The second factor of %(login)s was reset: it enrols at its next login.")
                    % {"login": user},
                )
                return redirect(reverse("admin:mcs_admin_user_change", args=[user.pk]))
        return self._page(
            request,
            "admin/mcs_admin/user/reset_second_factor.html",
            title=_("Reset the second factor"),
            original=user,
            form=form,
        )
