"""The office's records: the reminders sent (made in the ground's app, it keeps that label and
table) and the compliance dashboard's figures."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mcs_admin.dates import shown_date


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


class FacilityFigures(models.Model):
    """What is open at one facility, as last counted: one count per dashboard column
    (office.figures.COLUMNS, same keys), the reviews' progress and the sum of the columns."""

    facility = models.OneToOneField(
        "facilities.Facility", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
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
    counted_at = models.DateTimeField()

    class Meta:
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
        constraints = [
            models.UniqueConstraint(fields=["facility", "month"], name="id_figures_once_a_month")
        ]

    def __str__(self):
        return f"{self.facility_id} {self.month:%Y-%m}: {self.issued}/{self.deleted}"
