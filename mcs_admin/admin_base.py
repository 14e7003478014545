"""What every model admin of the project shares."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mcs_admin import search
from mcs_admin.admin_actions import service_action
from mcs_admin.admin_dates import ShownDates
from mcs_admin.admin_rows import PlainActionCheckbox
from mcs_admin.concurrency import FIELD as VERSION
from mcs_admin.concurrency import versioned_form
from mcs_admin.documents import document_receive_today
from mcs_admin.history_display import ReadableHistory
from mcs_admin.paginators import CappedCountPaginator, EstimatedCountPaginator
from mcs_admin.pdf import PrintedForm, print_response
from mcs_admin.roles import CENTER_APPS, permission_label
from mcs_admin.signing import signing_record, verify_signed


def workflow_fields(model) -> list[str]:
    """The fields of `model` that only its workflow's services move (`Model.workflow_fields`):
    read-only on every admin page, inlines included."""
    return list(getattr(model, "workflow_fields", ()))


class Refused(Exception):
    """A service refused the admin's save: the transaction is rolled back and the same form is
    shown again with the service's messages beside its fields."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def refusing_form(form_class: type[forms.ModelForm], error: ValidationError):
    """The form class once more, now invalid with the refusal's messages."""

    class RefusingForm(form_class):
        def clean(self):
            cleaned_data = super().clean()
            refusal = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, errors in refusal.items():
                self.add_error(field if field in self.fields else None, errors)
            return cleaned_data

    return RefusingForm


class ReadablePermissions:
    """A login's or a role's permissions: the center's apps only, by the admin's own names."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.related_model is Permission:
            field.queryset = field.queryset.filter(content_type__app_label__in=CENTER_APPS)
            field.label_from_instance = permission_label
        return field


class HistoryAdmin(PlainActionCheckbox, ShownDates, SimpleHistoryAdmin):
    """Every model keeps history, shown read-only; nothing with history is hard-deleted.

    People leave, IDs are deleted, groups archived, consents withdrawn: as states with dates.
    The workflow's fields are read-only; an admin whose model has services saves through them
    by overriding `create` and `update`, and a service's refusal writes nothing (`Refused`).
    """

    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over a prefecture's table per page
    paginator = EstimatedCountPaginator

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def has_delete_permission(self, request, obj=None):
        return False

    # On an existing record, the fields its change form may edit (None: all but the workflow's);
    # the others were given when it was created, by its service.
    change_fields: list[str] | None = None
    # On a new record, the fields its add form asks for (None: all): what its service takes.
    add_fields: list[str] | None = None

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *workflow_fields(self.model)]
        if obj is not None and self.change_fields is not None:
            fields += [name for name in self._editable() if name not in self.change_fields]
        return list(dict.fromkeys(fields))

    def _editable(self) -> list[str]:
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields:
            return list(self.fields)
        opts = self.model._meta
        return [field.name for field in [*opts.fields, *opts.many_to_many] if field.editable]

    @staticmethod
    def changes(form) -> dict:
        """What the clerk changed on the form, for the service's keyword arguments."""
        return {name: form.cleaned_data[name] for name in form.changed_data if name != VERSION}

    def create(self, request, form):
        """Write a new record from the add form; a service returns the record it created."""
        obj = form.instance
        super().save_model(request, obj, form, False)
        return obj

    def update(self, request, obj, form):
        """Write the change form's changes (`form.changed_data`) to `obj`."""
        super().save_model(request, obj, form, True)
        return obj

    def save_model(self, request, obj, form, change):
        try:
            saved = self.update(request, obj, form) if change else self.create(request, form)
        except ValidationError as error:
            raise Refused(error) from error
        if saved is not obj:
            # the admin goes on with the form's instance (its history entry, the redirect)
            vars(obj).update(vars(saved))

    def save_formset(self, request, form, formset, change):
        try:
            super().save_formset(request, form, formset, change)
        except ValidationError as error:
            raise Refused(error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # rolled back: the same page again, the service's reasons beside the fields
            request.refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # the search index's candidates first, so PostgreSQL reads only those (mcs_admin.search)
        keys = search.candidates(queryset.model, self.get_search_fields(request), search_term)
        request.common_search = keys is search.COMMON  # for get_paginator
        if keys not in (None, search.COMMON):
            queryset = queryset.filter(search.among(keys))
        return queryset, may_have_duplicates

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if getattr(request, "common_search", False):
            return CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    # Optimistic locking (mcs_admin.concurrency): a change form carries the record's version.
    def _versioned(self, request, obj) -> bool:
        return obj is not None and self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._versioned(request, obj):
            kwargs["form"] = versioned_form(kwargs.get("form", self.form))
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "refusal", None)
        return refusing_form(form, refusal) if refusal is not None else form

    def get_fieldsets(self, request, obj=None):
        if obj is None and self.add_fields is not None:
            return [(None, {"fields": self.add_fields})]
        fieldsets = super().get_fieldsets(request, obj)
        if self._versioned(request, obj) and VERSION not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (None, {"fields": [VERSION], "classes": ["hidden"]})]
        return fieldsets

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A table's cell has only its column's header, which does not name the input to a
        screen reader: each input is named after its field."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", formfield.label)
        return formfield

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *workflow_fields(self.model)]
        return list(dict.fromkeys(fields))


class ListedInline(HistoryInline):
    """A child record shown on its parent's page, read-only: it is changed on its own page,
    through its own services and actions."""

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(HistoryAdmin):
    """For records written only by the system's services (e.g. permission grants)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(PlainActionCheckbox, ShownDates, admin.ModelAdmin):
    """For logs the system appends to (the access log, document numbers, sent reminders): no
    one adds, changes or deletes an entry through the admin. Counting every row of a long log
    is left out of its list."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ObjectPermissionAdmin(ReadOnlyAdmin):
    """django-guardian's grants, written by the services: its columns in the admin's words."""

    list_display = ["holder", "what", "record"]

    @admin.display(description=_("login or role group"))
    def holder(self, grant):
        return grant.user if hasattr(grant, "user") else grant.group

    @admin.display(description=_("permission"))
    def what(self, grant):
        return permission_label(grant.permission)

    @admin.display(description=_("record"))
    def record(self, grant):
        return grant.content_object


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


class VerifySignedAdmin:
    """A document's admin with the button 署名を検証 on a record signed on the screen: checks
    the stored PDF against its record and its seal (`mcs_admin.signing.verify_signed`) and
    says the result as a message. `office.policy` declares the page for every such admin."""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/verify-signed/",
                self.admin_site.admin_view(self.verify_signed_view),
                name=f"{opts.app_label}_{opts.model_name}_verify_signed",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        signed = record is not None and signing_record(record) is not None
        extra_context = {**(extra_context or {}), "signed_on_screen": signed}
        return super().change_view(request, object_id, form_url, extra_context)

    def verify_signed_view(self, request, object_id):
        record = self.get_object(request, object_id)
        if record is None or not self.has_view_permission(request, record):
            raise Http404
        result = verify_signed(record)
        self.message_user(
            request, result.describe(), messages.SUCCESS if result.ok else messages.ERROR
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", record.pk)


class PrintableAdmin(VerifySignedAdmin, HistoryAdmin):
    """The admin of a printed form's record (様式1–4): print it, several at once, or blank.

    Every print goes through `mcs_admin.pdf.print_response`, which records it in the access
    log; missing data comes back as messages saying what to fill in.
    """

    printed_form: PrintedForm
    actions = [
        "print_selected",
        service_action(
            document_receive_today, _("Received today: the signed paper is back"), field="document"
        ),
    ]
    change_form_template = "admin/printable_change_form.html"
    change_list_template = "admin/printable_change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return ["document_number", *super().get_readonly_fields(request, obj)]

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "print-blank/",
                self.admin_site.admin_view(self.print_blank_view),
                name=f"{name}_print_blank",
            ),
            path(
                "<path:object_id>/print/",
                self.admin_site.admin_view(self.print_view),
                name=f"{name}_print",
            ),
            *super().get_urls(),
        ]

    def _print(self, request, records, back: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            return print_response(self.printed_form, records, request=request)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(back)

    @admin.action(description=_("Print the forms of the selected records (one PDF)"))
    def print_selected(self, request, queryset):
        records = self.printed_form.queryset().filter(pk__in=queryset.values("pk"))
        return self._print(request, records, request.get_full_path())

    def print_view(self, request, object_id):
        record = self.get_object(request, object_id)
        if record is None:
            raise Http404
        opts = self.model._meta
        back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return self._print(request, self.printed_form.queryset().filter(pk=record.pk), back)

    def print_blank_view(self, request):
        opts = self.model._meta
        return self._print(
            request, None, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        )
