"""The center's notices in the admin: written as drafts, published and withdrawn by actions
(office.notices), with each facility's receipt, read or not."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mcs_admin.admin_actions import service_action
from mcs_admin.admin_base import AutocompleteFilter, HistoryAdmin, ReadOnlyAdmin
from office.forms import NoticeForm
from office.models import Notice
from office.notices import notice_publish, notice_withdraw, with_receipt_counts


def receipts_url(notice: Notice, **filters) -> str:
    params = {"notice__id__exact": notice.pk, **filters}
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('admin:office_noticereceipt_changelist')}?{query}"


class NoticeAdmin(HistoryAdmin):
    form = NoticeForm
    list_display = ["title", "status", "audience_label", "published_at", "read", "unread"]
    list_filter = ["status", "audience"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["facilities"]
    readonly_fields = ["receipts"]
    fieldsets = [
        (None, {"fields": ["title", "body", "attachment"]}),
        (_("audience"), {"fields": ["audience", "categories", "facilities"]}),
        (
            _("publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "published_by",
                    "withdrawn_at",
                    "withdrawn_by",
                    "receipts",
                ]
            },
        ),
    ]
    actions = [
        service_action(notice_publish, _("Publish to its audience"), field="notice"),
        service_action(notice_withdraw, _("Withdraw"), field="notice"),
    ]

    def get_queryset(self, request):
        return with_receipt_counts(super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.status == Notice.Status.DRAFT:
            return fieldsets
        # sent: the audience as the facilities were chosen, the categories by name
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "audience_label" if f == "audience" else f
                        for f in options["fields"]
                        if f != "categories"
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.status != Notice.Status.DRAFT:
            # what the facilities were sent stays as they read it
            fields = [*fields, *NoticeForm._meta.fields, "audience_label"]
        return list(dict.fromkeys(fields))

    def has_change_permission(self, request, obj=None):
        # a sent notice is read as it was sent: its page offers no save
        if obj is not None and obj.status != Notice.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("audience"))
    def audience_label(self, notice):
        return notice.audience_label

    @admin.display(description=_("read"))
    def read(self, notice):
        return f"{notice.read_count} / {notice.receipt_count}"

    @admin.display(description=_("unread facilities"))
    def unread(self, notice):
        count = notice.receipt_count - notice.read_count
        if not count:
            return "0"
        return format_html('<a href="{}">{}</a>', receipts_url(notice, read="no"), count)

    @admin.display(description=_("receipts"))
    def receipts(self, notice):
        if notice.status == Notice.Status.DRAFT:
            return _("Made for each facility of the audience when the notice is published.")
        return format_html(
            '{} <a href="{}">{}</a>　<a href="{}">{}</a>',
            _("%(read)d of %(count)d facilities confirmed reading.")
            % {"read": notice.read_count, "count": notice.receipt_count},
            receipts_url(notice, read="no"),
            _("Unread facilities"),
            receipts_url(notice),
            _("Every facility"),
        )


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("unread facilities")), ("yes", _("read facilities"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


class NoticeReceiptAdmin(ReadOnlyAdmin):
    """Made by publishing, read by a facility's administrator on its page: never typed."""

    list_display = ["facility", "category", "notice", "read_state", "read_at", "read_by"]
    list_select_related = ["facility", "notice", "read_by"]
    list_filter = [
        ReadFilter,
        ("notice", AutocompleteFilter),
        ("facility", AutocompleteFilter),
        "facility__category",
    ]
    search_fields = ["facility__name", "facility__name_kana", "notice__title"]

    @admin.display(description=_("category"), ordering="facility__category")
    def category(self, receipt):
        return receipt.facility.get_category_display()

    @admin.display(description=_("read"), boolean=True)
    def read_state(self, receipt):
        return receipt.is_read
