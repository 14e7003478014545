"""The few view shapes every self-service page is made of: a searchable list, a form that calls
a service, and a POST-only action that calls a service.

Access is checked before any of them runs (office.policy); they only read through selectors
and write through services, turning a service's ValidationError into a message beside the field.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from mcs_admin.roles import is_center
from mcs_admin.text_rules import ControlCharacterValidator


class PageMixin:
    """Context every page shares: the facility or group of the URL and whether it is read-only."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facility"] = getattr(self.request, "facility", None)
        context["group"] = getattr(self.request, "group", None)
        context["read_only"] = is_center(self.request.user)
        return context


def search_term(request) -> str:
    """The search box's text (`?q=`), trimmed. One with a control character (PostgreSQL
    cannot even compare U+0000) counts as no search, and the page says why, as a form would."""
    term = request.GET.get("q", "").strip()
    try:
        ControlCharacterValidator()(term)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return ""
    return term


class ListPage(PageMixin, ListView):
    """A list with a search box (`?q=`) over `search_fields` and 25 rows a page."""

    paginate_by = 25
    search_fields: list[str] = []

    def get_queryset(self):
        queryset = self.rows()
        term = search_term(self.request)
        if term and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset

    def rows(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        context["searchable"] = bool(self.search_fields)
        return context


def show_validation_error(form, error: ValidationError) -> None:
    """Put a service's refusal beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceFormPage(PageMixin, FormView):
    """A form whose valid data goes to one service; the service's refusal shows on the form."""

    template_name = "portal/form.html"
    success_message = ""
    title = ""
    submit_label = _("Save")  # a page that does more than save says what, as a verb

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            show_validation_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["submit_label"] = self.submit_label
        return context


class ActionPage(View):
    """A button: POST only, one service call, back to where the person was with a message."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def redirect_url(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.perform()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.redirect_url())


class PrintPage(View):
    """A PDF download of records the login may see; what is missing comes back as a message."""

    http_method_names = ["get"]

    def pdf(self):
        """The HttpResponse of the PDF; ValidationError for what is missing."""
        raise NotImplementedError

    def back_url(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        try:
            return self.pdf()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.back_url())
