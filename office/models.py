"""The office's records: the reminders sent (made in the ground's app, it keeps that label and
table), the compliance dashboard's figures and the center's notices with their receipts."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facilities.models import Category
from mcs_admin.dates import shown_date
from mcs_admin.fields import NormalizedCharField
from mcs_admin.history import History
from mcs_admin.uploads import EXTENSIONS, ScannedCopyField, content_type


class SentReminder(models.Model):
    """One item of a reminder e-mail: to whom, which duty, on which day.

    Append-only, as the access log: `send_reminders` adds a row per item it mails and leaves
    out what a row says was already sent to the same person that day, so cron may run it
    any number of times a day.
    """

    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipient = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(
        _("item"), max_length=100, help_text=_("The record the item is about, e.g. group:12.")
    )

    class Meta:
        app_label = "mcs_admin"  # the label it was made under: its table and permissions
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sent_on", "recipient", "kind", "key"],
                name="reminder_once_a_day",
                violation_error_message=_("This reminder was already sent to this person today."),
            ),
        ]

    def __str__(self):
        return f"{shown_date(self.sent_on)} {self.recipient} {self.kind} {self.key}"


# The compliance dashboard's figures (office.figures): derived from the domain's records and
# counted again by the scheduled job at will, so they keep no history (the records they count
# keep theirs) and no page edits them.


class OpenCounts(models.Model):
    """The compliance figures' counts: one per dashboard column (office.figures.COLUMNS, same
    keys) and their sum, the reviews' progress, the open round of pledges and the ID holders;
    and when they were counted."""

    approvals = models.PositiveIntegerField(default=0)
    transfers = models.PositiveIntegerField(default=0)
    id_requests = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    roster_reviews = models.PositiveIntegerField(default=0)
    passwords = models.PositiveIntegerField(default=0)
    training = models.PositiveIntegerField(default=0)
    pledges = models.PositiveIntegerField(default=0)
    facility_pledges = models.PositiveIntegerField(default=0)
    devices = models.PositiveIntegerField(default=0)
    consents = models.PositiveIntegerField(default=0)
    leaves = models.PositiveIntegerField(default=0)
    carry_outs = models.PositiveIntegerField(default=0)
    incidents = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # open membership reviews of active groups by due date, IDs in open roster reviews
    reviews_overdue = models.PositiveIntegerField(default=0)
    reviews_soon = models.PositiveIntegerField(default=0)
    reviews_later = models.PositiveIntegerField(default=0)
    entries_confirmed = models.PositiveIntegerField(default=0)
    entries_pending = models.PositiveIntegerField(default=0)
    # the open round of pledges (office.figures.ROUND)
    round_facility_signed = models.PositiveIntegerField(default=0)
    round_facility_required = models.PositiveIntegerField(default=0)
    round_staff_signed = models.PositiveIntegerField(default=0)
    round_staff_required = models.PositiveIntegerField(default=0)
    # ID holders now (facilities.selectors.id_holders): with `pledges`, those without a pledge
    # on record, the council's report's holders and pledges (office.council_report)
    holders = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField()

    class Meta:
        abstract = True


class FacilityFigures(OpenCounts):
    """What is open at one facility, as last counted."""

    facility = models.OneToOneField(
        "facilities.Facility", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("facility figures")
        indexes = [
            # the dashboard's list: most open first, facilities with nothing open left out
            models.Index(
                models.F("total").desc(),
                "facility",
                condition=models.Q(total__gt=0),
                name="figures_open_first",
            ),
        ]

    def __str__(self):
        return f"{self.facility_id}: {self.total}"


class MonthlyIdFigures(models.Model):
    """MCS IDs of one facility issued and deleted in one month, as last counted."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    issued = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("monthly ID figures")
        constraints = [
            models.UniqueConstraint(fields=["facility", "month"], name="id_figures_once_a_month")
        ]

    def __str__(self):
        return f"{self.facility_id} {self.month:%Y-%m}: {self.issued}/{self.deleted}"


class DailyCategoryFigures(models.Model):
    """What happened on one day at the facilities of one category (独自ルール 9), as the whole
    prefecture was last counted (office.category_figures): the council's report sums a
    period's days, and the days before it for what was open when it began."""

    category = models.CharField(max_length=40, choices=Category.choices)
    day = models.DateField()
    facilities_joined = models.PositiveIntegerField(default=0)
    # only facilities with a joining date: one never joined was never open
    facilities_left = models.PositiveIntegerField(default=0)
    ids_issued = models.PositiveIntegerField(default=0)
    ids_deleted = models.PositiveIntegerField(default=0)
    patient_groups_created = models.PositiveIntegerField(default=0)
    patient_groups_archived = models.PositiveIntegerField(default=0)
    free_groups_created = models.PositiveIntegerField(default=0)
    free_groups_archived = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("daily figures by category")
        constraints = [
            models.UniqueConstraint(fields=["category", "day"], name="category_figures_once_a_day")
        ]

    def __str__(self):
        return f"{self.category} {self.day:%Y-%m-%d}"


class CurrentCategoryFigures(OpenCounts):
    """The facilities' figures of one category summed (counted_at: the earliest), with its
    facilities participating and their 様式2, as they were last counted (whole prefecture or
    one facility): the dashboard's totals and chart by category, the council's report's
    facilities and ID holders now, read from 18 rows instead of one a facility."""

    category = models.CharField(primary_key=True, max_length=40, choices=Category.choices)
    facilities = models.PositiveIntegerField(default=0)  # participating
    facilities_pledged = models.PositiveIntegerField(default=0)  # of them, 様式2 received

    class Meta:
        verbose_name = verbose_name_plural = _("current figures by category")

    def __str__(self):
        return f"{self.category}: {self.total}"


# Notices from the center to the facilities (issue 22): what the center wrote, to whom, and
# which facility has confirmed reading it.


def notice_attachment_path(instance, filename: str) -> str:
    """A generated name, as a scanned copy's: what the center called the file stays off disk."""
    extension = EXTENSIONS.get(content_type(instance.attachment), "")
    return f"office/notices/{uuid.uuid4().hex}{extension}"


class Notice(models.Model):
    """A notice the center writes and publishes to all facilities, to categories of them
    (独自ルール 9) or to chosen ones; each facility of the audience confirms reading it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", pgettext_lazy("a notice taken back", "withdrawn")

    class Audience(models.TextChoices):
        ALL = "all", _("all facilities")
        CATEGORIES = "categories", _("facilities of the chosen categories")
        CHOSEN = "chosen", _("chosen facilities")

    title = NormalizedCharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    attachment = ScannedCopyField(
        verbose_name=_("attachment"),
        upload_to=notice_attachment_path,
        help_text=_("Optional: a PDF, JPEG or PNG file of at most 10 MB."),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    categories = models.JSONField(
        _("categories"),
        default=list,
        blank=True,
        help_text=_("For a notice to facilities of the chosen categories (独自ルール 9)."),
    )
    facilities = models.ManyToManyField(
        "facilities.Facility",
        verbose_name=_("chosen facilities"),
        blank=True,
        related_name="+",
        help_text=_("For a notice to chosen facilities."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    workflow_fields = ["status", "published_at", "published_by", "withdrawn_at", "withdrawn_by"]
    history = History(m2m_fields=[facilities])

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(published_at__isnull=False, published_by__isnull=False),
                name="published_notice_has_publisher",
                violation_error_message=_("A published notice needs when and by whom."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn")
                | models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="withdrawn_notice_has_withdrawer",
                violation_error_message=_("A withdrawn notice needs when and by whom."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        unknown = set(self.categories or []) - set(Category.values)
        if not isinstance(self.categories, list) or unknown:
            raise ValidationError({"categories": _("Choose categories from the list.")})
        if self.audience == self.Audience.CATEGORIES and not self.categories:
            raise ValidationError({"categories": _("Choose at least one category.")})

    @property
    def audience_label(self) -> str:
        """The audience as a person reads it: the categories by name."""
        if self.audience == self.Audience.CATEGORIES:
            names = "、".join(str(Category(value).label) for value in self.categories)
            return f"{self.get_audience_display()}（{names}）"
        return self.get_audience_display()


class NoticeReceipt(models.Model):
    """One facility of a notice's audience, made when the notice is published; read when one
    of the facility's MCS administrators confirms reading it for the facility."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="receipts"
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    workflow_fields = ["read_at", "read_by"]
    history = History()

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["notice", "facility__name_kana", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "facility"],
                name="notice_receipt_once_per_facility",
                violation_error_message=_("This facility already has this notice."),
            ),
            models.CheckConstraint(
                condition=models.Q(read_at__isnull=True, read_by__isnull=True)
                | models.Q(read_at__isnull=False, read_by__isnull=False),
                name="notice_read_when_and_by_whom",
                violation_error_message=_("A notice read needs when and by whom."),
            ),
        ]
        indexes = [
            # a facility's unread notices (its dashboard), the unread of a notice (the center)
            models.Index(
                fields=["facility", "notice"],
                condition=models.Q(read_at__isnull=True),
                name="notice_receipts_unread",
            ),
        ]

    def __str__(self):
        return f"{self.notice} / {self.facility}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
