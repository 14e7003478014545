"""The few view shapes every self-service page is made of: a searchable list, a form that calls
a service (one whose choice is searched for first among many), and a POST-only action that calls
a service.

Access is checked before any of them runs (office.policy); they only read through selectors
and write through services, turning a service's ValidationError into a message beside the field.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Window
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


class UserPage(PageMixin):
    """A page of the login's own records (`request.person`, its staff record, set by the
    access policy)."""

    @property
    def person(self):
        return self.request.person


class FacilityPage(PageMixin):
    """A page of the facility in the URL (`request.facility`, set by the access policy)."""

    @property
    def facility(self):
        return self.request.facility


def first_rows(queryset: QuerySet, limit: int) -> dict:
    """A card's first `limit` rows and how many there are in all, in one query: the count is a
    window over the whole result (COUNT(*) OVER ()), which the database computes before the
    LIMIT. For a queryset without DISTINCT, whose rows the window would count before it."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("*")))[:limit])
    return {"rows": rows, "count": rows[0].rows_in_all if rows else 0}


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


def matching(queryset: QuerySet, fields: list[str], term: str) -> QuerySet:
    """The rows with `term` in any of `fields`."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": term})
    return queryset.filter(condition)


class SearchBox:
    """The search box (`?q=`, `portal/_search.html`) over `search_fields`."""

    search_fields: list[str] = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        context["searchable"] = bool(self.search_fields)
        return context


class ListPage(SearchBox, PageMixin, ListView):
    """A list with a search box over `search_fields` and 25 rows a page."""

    paginate_by = 25

    def get_queryset(self):
        queryset = self.rows()
        term = search_term(self.request)
        if term and self.search_fields:
            queryset = matching(queryset, self.search_fields, term)
        return queryset

    def rows(self):
        raise NotImplementedError


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


class SearchFirstFormPage(SearchBox, ServiceFormPage):
    """A form choosing among too many to list (a prefecture's ID holders, its facilities): the
    form offers the first `shown` of the `candidates` the search box finds, and before a search
    those `unsearched` keeps."""

    shown = 50

    def candidates(self) -> QuerySet:
        raise NotImplementedError

    def unsearched(self, candidates: QuerySet) -> QuerySet:
        return candidates

    def get_form_kwargs(self):
        candidates = self.candidates()
        if self.request.method == "GET":
            term = search_term(self.request)
            if term:
                candidates = matching(candidates, self.search_fields, term)
            else:
                candidates = self.unsearched(candidates)
            first = list(candidates.values_list("pk", flat=True)[: self.shown])
            candidates = candidates.filter(pk__in=first)
        return {**super().get_form_kwargs(), "candidates": candidates}


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
