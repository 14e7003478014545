"""What every model admin of the project shares."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Every model keeps history, shown read-only; nothing with history is hard-deleted.

    People leave, IDs are deleted, groups archived, consents withdrawn: as states with dates.
    """

    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over a prefecture's table per page

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POST here (a revert) even with its button hidden
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @property
    def media(self):
        media = super().media
        if any(isinstance(f, tuple) and f[1] is AutocompleteFilter for f in self.list_filter):
            media += AutocompleteSelect(None, self.admin_site).media
            media += forms.Media(js=["admin/js/jquery.init.js", "mcs_admin/autocomplete_filter.js"])
        return media


class HistoryInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


class ReadOnlyAdmin(HistoryAdmin):
    """For records written only by the system's services (e.g. permission grants)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AutocompleteFilter(admin.RelatedFieldListFilter):
    """A related-object filter that searches instead of listing every choice.

    The built-in filter lists every facility of a prefecture; this one asks the admin's own
    autocomplete view (the related model's admin needs `search_fields`).
    """

    template = "admin/autocomplete_filter.html"

    def field_choices(self, field, request, model_admin):
        return []

    def has_output(self):
        return True

    def choices(self, changelist):
        field = forms.ModelChoiceField(
            queryset=self.field.remote_field.model._default_manager.all(),
            required=False,
            widget=AutocompleteSelect(self.field, changelist.model_admin.admin_site),
        )
        widget = field.widget.render(
            self.lookup_kwarg,
            self.lookup_val[-1] if self.lookup_val else None,
            attrs={"class": "autocomplete-filter", "id": f"filter-{self.lookup_kwarg}"},
        )
        yield {"widget": widget}
