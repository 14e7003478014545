import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, StaffMember
from mcs_admin.constraints import dates_in_order
from mcs_admin.dates import shown_date
from mcs_admin.fields import NormalizedCharField, actor
from mcs_admin.history import History


class Consideration(models.TextChoices):
    """第12条(6)–(8) are to be considered: not yet, considered, or adopted."""

    NOT_CONSIDERED = "not_considered", _("not considered")
    CONSIDERED = "considered", _("considered, not adopted")
    ADOPTED = "adopted", _("adopted")


# 第12条 (1)–(4): a device in use lacks none of them
REQUIRED_MEASURES = ["boot_password", "no_file_sharing", "antivirus", "browser_saves_no_password"]
# (6)–(8): considered by the facility, each recorded as done or not needed
CONSIDERED_MEASURES = ["remote_wipe", "emergency_line_stop", "mdm"]
# every measure of 第12条 a device records, (5) the facility's procedures among them
MEASURES = [*REQUIRED_MEASURES, "follows_procedures", *CONSIDERED_MEASURES]


class Device(models.Model):
    """An IT device used for MCS, with the security measures of 第12条."""

    class Kind(models.TextChoices):
        PC = "pc", _("PC")
        TABLET = "tablet", _("tablet")
        SMARTPHONE = "smartphone", _("smartphone")
        OTHER = "other", _("other")

    class Ownership(models.TextChoices):
        FACILITY = "facility", _("lent by the facility")
        PERSONAL = "personal", _("personal device")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("in use")
        LOST = "lost", _("lost or stolen")
        RETIRED = "retired", _("retired")

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="devices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = NormalizedCharField(
        _("label"), max_length=100, help_text=_("Model or management number, e.g. iPad 3.")
    )
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    assigned_to = models.ForeignKey(
        StaffMember,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_USE
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    boot_password = models.BooleanField(_("(1) start-up password"), default=False)
    no_file_sharing = models.BooleanField(_("(2) no file-sharing software"), default=False)
    antivirus = models.BooleanField(_("(3) antivirus software"), default=False)
    browser_saves_no_password = models.BooleanField(
        _("(4) browser does not remember IDs or passwords"), default=False
    )
    follows_procedures = models.BooleanField(
        _("(5) no downloads, copies or screenshots"), default=False
    )
    remote_wipe = models.CharField(
        _("(6) remote wipe"),
        max_length=20,
        choices=Consideration.choices,
        default=Consideration.NOT_CONSIDERED,
    )
    emergency_line_stop = models.CharField(
        _("(7) emergency line stop"),
        max_length=20,
        choices=Consideration.choices,
        default=Consideration.NOT_CONSIDERED,
    )
    mdm = models.CharField(
        _("(8) device management (MDM)"),
        max_length=20,
        choices=Consideration.choices,
        default=Consideration.NOT_CONSIDERED,
    )
    personal_use_permitted_on = models.DateField(
        _("personal use permitted on"),
        null=True,
        blank=True,
        help_text=_("The facility's written permission for a personal device (form 3, art. 2-2)."),
    )
    workflow_fields = ["status", "retired_on"]
    history = History()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["facility_id", "label"]  # a column: no join to sort 30,000 devices
        indexes = [
            models.Index(fields=["facility", "status"]),
            models.Index(fields=["facility", "label"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ownership="facility")
                | models.Q(personal_use_permitted_on__isnull=False),
                name="personal_device_has_permission",
                violation_error_message=_(
                    "A personal device needs the date of the facility's written permission."
                ),
            ),
            dates_in_order(
                "registered_on",
                "retired_on",
                name="device_retired_after_registered",
                message=_("A device cannot be retired before it was registered."),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_kind_display()})"

    @property
    def missing_measures(self) -> list[str]:
        """The verbose names of the required measures (1)–(4) that are not in place."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in REQUIRED_MEASURES
            if not getattr(self, name)
        ]

    @property
    def unconsidered_measures(self) -> list[str]:
        """The verbose names of the measures (6)–(8) nobody has considered yet."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in CONSIDERED_MEASURES
            if getattr(self, name) == Consideration.NOT_CONSIDERED
        ]


class CarryOutNotice(models.Model):
    """持ち出し届出 (第12条(9)): content, medium, purpose and period, to the MCS administrator."""

    class Status(models.TextChoices):
        FILED = "filed", _("filed")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        CLOSED = "closed", _("closed")

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="carry_out_notices",
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="carry_out_notices",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carry_out_notices",
    )
    content = models.TextField(_("information taken out"))
    medium = NormalizedCharField(_("medium"), max_length=100)
    purpose = models.TextField(_("purpose"))
    starts_on = models.DateField(_("taken out on"))
    ends_on = models.DateField(_("back by"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_late = models.BooleanField(
        _("filed after the fact"),
        default=False,
        help_text=_("The period had ended when the notice was filed (article 12 (9))."),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = actor(_("acknowledged by"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("The day the item returned, or the last day of the period."),
    )

    workflow_fields = [
        "status",
        "filed_late",
        "acknowledged_at",
        "returned_on",
        "closed_on",
    ]
    history = History()

    class Meta:
        verbose_name = _("carry-out notice")
        verbose_name_plural = _("carry-out notices")
        ordering = ["-filed_at"]
        constraints = [
            dates_in_order(
                "starts_on",
                "ends_on",
                name="carry_out_period_in_order",
                message=_("The period cannot end before it starts."),
            ),
            dates_in_order(
                "starts_on",
                "returned_on",
                name="carry_out_returned_after_start",
                message=_("The item cannot return before it was taken out."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False),
                name="closed_carry_out_has_date",
                violation_error_message=_("A closed notice needs the day it closed."),
            ),
        ]

    def __str__(self):
        period = f"{shown_date(self.starts_on)}–{shown_date(self.ends_on)}"
        return f"{self.staff_member}: {self.medium} ({period})"


def _report_overdue(due_on: datetime.date | None, reported_on: datetime.date | None) -> bool:
    """A report under the personal-information law not made by its day."""
    return due_on is not None and reported_on is None and due_on < timezone.localdate()


class Incident(models.Model):
    """留意事項 (3): a lost or stolen device, a system fault, unauthorized access or a leak."""

    class Kind(models.TextChoices):
        LOST = "lost", _("lost device")
        STOLEN = "stolen", _("stolen device")
        SYSTEM_FAULT = "system_fault", _("system fault")
        UNAUTHORIZED_ACCESS = "unauthorized_access", _("unauthorized access")
        LEAK = "leak", _("information leak")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        StaffMember,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    description = models.TextField(_("what happened"))
    involves_personal_data = models.BooleanField(
        _("involves personal data"),
        default=False,
        help_text=_("Patients' or staff's personal data may have leaked: a report is due."),
    )
    remote_wipe_done = models.BooleanField(_("remote wipe done"), default=False)
    line_stopped = models.BooleanField(_("line stopped"), default=False)
    password_changed = models.BooleanField(_("passwords changed"), default=False)
    actions_taken = models.TextField(_("other actions taken"), blank=True)
    deliberate = models.BooleanField(
        _("may be a deliberate act"),
        default=False,
        help_text=_(
            "Unauthorized access or a leak possibly for an improper purpose: the final report "
            "under the personal-information law is due within 60 days instead of 30."
        ),
    )
    preliminary_report_on = models.DateField(_("preliminary report on"), null=True, blank=True)
    final_report_on = models.DateField(_("final report on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    workflow_fields = [
        "status",
        "closed_at",
        "preliminary_report_on",
        "final_report_on",
    ]
    history = History()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at"]
        constraints = [
            dates_in_order(
                "occurred_at",
                "reported_at",
                name="incident_reported_after_occurred",
                message=_("An incident cannot be reported before it occurred."),
            ),
            dates_in_order(
                "reported_at",
                "closed_at",
                name="incident_closed_after_reported",
                message=_("An incident cannot be closed before it was reported."),
            ),
            dates_in_order(
                "preliminary_report_on",
                "final_report_on",
                name="incident_final_after_preliminary",
                message=_("The final report cannot precede the preliminary one."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="closed_incident_has_time",
                violation_error_message=_("A closed incident needs the time it was closed."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed", involves_personal_data=True)
                | models.Q(preliminary_report_on__isnull=False, final_report_on__isnull=False),
                name="incident_closed_after_both_reports",
                violation_error_message=_(
                    "An incident involving personal data stays open until both reports under "
                    "the personal-information law are recorded."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.facility})"

    # Reports to the Personal Information Protection Commission (個人情報保護法 第26条, 規則 第8条),
    # counted from the day the facility learned of it: the preliminary one promptly — the
    # guidelines say within about 3–5 days, we hold to 3 — and the final one within 30 days,
    # 60 for a possibly deliberate act.
    PRELIMINARY_REPORT_DAYS = 3
    FINAL_REPORT_DAYS = 30
    FINAL_REPORT_DAYS_DELIBERATE = 60

    @property
    def preliminary_due_on(self) -> datetime.date | None:
        if not self.involves_personal_data:
            return None
        return timezone.localdate(self.reported_at) + datetime.timedelta(
            days=self.PRELIMINARY_REPORT_DAYS
        )

    @property
    def final_due_on(self) -> datetime.date | None:
        if not self.involves_personal_data:
            return None
        days = self.FINAL_REPORT_DAYS_DELIBERATE if self.deliberate else self.FINAL_REPORT_DAYS
        return timezone.localdate(self.reported_at) + datetime.timedelta(days=days)

    @property
    def preliminary_report_overdue(self) -> bool:
        return _report_overdue(self.preliminary_due_on, self.preliminary_report_on)

    @property
    def final_report_overdue(self) -> bool:
        return _report_overdue(self.final_due_on, self.final_report_on)

    @property
    def reports_outstanding(self) -> bool:
        return self.involves_personal_data and not (
            self.preliminary_report_on and self.final_report_on
        )


# 留意事項 (3), DESIGN §2: what to do at once after each kind of incident
FIRST_STEPS = {
    Incident.Kind.LOST: [
        _("Tell your MCS administrator now and follow their instructions."),
        _("Have the device wiped remotely (remote wipe) if that service is used."),
        _("Have the line stopped (emergency line stop) for a phone or tablet."),
        _("Change your MCS password."),
    ],
    Incident.Kind.SYSTEM_FAULT: [
        _("Tell your MCS administrator now and follow their instructions."),
        _("Write down what you saw and when; do not try to repair MCS yourself."),
    ],
    Incident.Kind.UNAUTHORIZED_ACCESS: [
        _("Tell your MCS administrator now and follow their instructions."),
        _("Change your MCS password."),
    ],
    Incident.Kind.LEAK: [
        _("Tell your MCS administrator now and follow their instructions."),
        _(
            "The support center and the attending physician decide on removing the person "
            "responsible from the groups (独自ルール 8)."
        ),
    ],
}
FIRST_STEPS[Incident.Kind.STOLEN] = FIRST_STEPS[Incident.Kind.LOST]
