"""The office's own record. It was made in the ground's app and keeps that label and table."""

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
