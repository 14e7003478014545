from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from facilities.models import Facility, StaffMember
from mcs_admin.constraints import dates_in_order
from mcs_admin.dates import shown_date
from mcs_admin.fields import NormalizedCharField, actor
from mcs_admin.history import History
from mcs_admin.models import PersonName


class Patient(PersonName):
    """A patient of a patient group: only what the consent form (様式4) needs."""

    address = NormalizedCharField(_("address"), max_length=200, blank=True)
    history = History()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name_kana", "given_name_kana", "pk"]
        indexes = [models.Index(fields=["family_name_kana", "given_name_kana"])]

    def __str__(self):
        return self.full_name


class CareGroup(models.Model):
    """An MCS group owned by its 連携元事業所 (第4条, 第5条): one patient's, or a free group."""

    class Kind(models.TextChoices):
        PATIENT = "patient", _("patient group")
        FREE = "free", _("free group")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ARCHIVED = "archived", _("archived")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = NormalizedCharField(
        _("group name"), max_length=100, blank=True, help_text=_("The name of a free group.")
    )
    owner = models.ForeignKey(
        Facility,
        verbose_name=_("owning facility"),
        on_delete=models.PROTECT,
        related_name="owned_groups",
    )
    patient = models.ForeignKey(
        Patient,
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
    )
    attending_physician = models.ForeignKey(
        StaffMember,
        verbose_name=_("attending physician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attended_groups",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_on = models.DateField(_("created on"), default=timezone.localdate)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    archive_reason = models.TextField(_("reason for archiving"), blank=True)
    workflow_fields = ["status", "archived_on", "archive_reason"]
    history = History()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["-created_on", "-pk"]
        # granted on one group to the staff its owner names, only by the group services
        permissions = [("manage_caregroup", _("Can manage the group for its owner"))]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["created_on", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="free") | models.Q(patient__isnull=False),
                name="patient_group_has_patient",
                violation_error_message=_("A patient group needs its patient."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="patient") | models.Q(patient__isnull=True),
                name="free_group_has_no_patient",
                violation_error_message=_("A free group has no patient."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="patient") | ~models.Q(name=""),
                name="free_group_has_name",
                violation_error_message=_("A free group needs a name."),
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="one_active_group_per_patient",
                violation_error_message=_("This patient already has an active patient group."),
            ),
            dates_in_order(
                "created_on",
                "archived_on",
                name="group_archived_after_created",
                message=_("A group cannot be archived before it was created."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | models.Q(archived_on__isnull=False),
                name="archived_group_has_date",
                violation_error_message=_("An archived group needs the date it was archived."),
            ),
        ]

    def __str__(self):
        label = self.name if self.kind == self.Kind.FREE else self.patient
        return f"#{self.pk} {label}" if self.pk else str(label)

    @property
    def label_without_patient(self) -> str:
        """The group for one who may not see its patient (第6条), an invitee before approval:
        its number and kind; a free group's name, which names no patient."""
        if self.kind == self.Kind.FREE:
            return str(self)
        return f"#{self.pk} {self.get_kind_display()}"

    def clean(self):
        if self.attending_physician_id and self.attending_physician.profession != "physician":
            raise ValidationError(
                {"attending_physician": _("The attending physician must be a physician.")}
            )


class CareGroupUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key permission table: fast joins on PostgreSQL."""

    content_object = models.ForeignKey(CareGroup, on_delete=models.CASCADE)
    history = History()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("group permission of a login")
        verbose_name_plural = _("group permissions of logins")


class CareGroupGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CareGroup, on_delete=models.CASCADE)
    history = History()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group permission of a role group")
        verbose_name_plural = _("group permissions of role groups")


OPEN_STATES = ["invited", "accepted", "approved"]  # invited to, or in, the group
OPEN_MEMBERSHIP = models.Q(status__in=OPEN_STATES)


class Membership(models.Model):
    """A staff member in a group: invited → accepted → approved; or declined, removed."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACCEPTED = "accepted", _("accepted, awaiting approval")
        APPROVED = "approved", _("member")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled by the facility")
        REMOVED = "removed", _("removed")

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        MANAGER = "manager", _("group manager")

    group = models.ForeignKey(
        CareGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="memberships"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    invited_by = actor(_("invited by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = actor(_("approved by"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = actor(_("ended by"))
    end_reason = models.TextField(_("reason"), blank=True)

    workflow_fields = [
        "status",
        "responded_at",
        "approved_at",
        "approved_by",
        "ended_at",
        "ended_by",
        "end_reason",
    ]
    history = History()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-pk"]  # newest first, on the key's own index (300,000 rows at scale)
        indexes = [
            models.Index(fields=["staff_member", "status"]),
            models.Index(fields=["status", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "staff_member"],
                condition=OPEN_MEMBERSHIP,
                name="one_open_membership_per_person",
                violation_error_message=_("This person is already invited to or in this group."),
            ),
            dates_in_order(
                "invited_at",
                "responded_at",
                name="membership_answered_after_invited",
                message=_("An invitation cannot be answered before it was made."),
            ),
            dates_in_order(
                "responded_at",
                "approved_at",
                name="membership_approved_after_answered",
                message=_("A membership cannot be approved before it was accepted."),
            ),
            dates_in_order(
                "invited_at",
                "ended_at",
                name="membership_ended_after_invited",
                message=_("A membership cannot end before the invitation."),
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} @ {self.group}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class MembershipReview(models.Model):
    """精査 (留意事項 (1)): the owner's periodic review of one group's members."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COMPLETED = "completed", _("completed")

    group = models.ForeignKey(
        CareGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="reviews"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reviewer = actor(_("reviewer"))
    outcome = models.TextField(
        _("outcome"), blank=True, help_text=_("Who was confirmed, who was removed, and why.")
    )
    workflow_fields = ["status", "completed_on"]
    history = History()

    class Meta:
        verbose_name = _("membership review")
        verbose_name_plural = _("membership reviews")
        ordering = ["due_on", "pk"]
        # open reviews by due date; any review due in a period (the council's report)
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(completed_on__isnull=False),
                name="membership_review_completed_has_date",
                violation_error_message=_("A completed review needs its completion date."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status="open"),
                name="one_open_review_per_group",
                violation_error_message=_("This group already has an open review."),
            ),
        ]

    def __str__(self):
        return _("Review of %(group)s due %(date)s") % {
            "group": self.group,
            "date": shown_date(self.due_on),
        }

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class MembershipReviewEntry(models.Model):
    """The reviewer's decision on one member in a review: still appropriate, or removed."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REMOVED = "removed", _("removed")

    review = models.ForeignKey(
        MembershipReview,
        verbose_name=_("membership review"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="review_entries",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    decided_by = actor(_("decided by"))
    workflow_fields = ["outcome"]
    history = History()

    class Meta:
        verbose_name = _("membership review entry")
        verbose_name_plural = _("membership review entries")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "membership"],
                name="membership_review_entry_once",
                violation_error_message=_("This member has already been reviewed in this round."),
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="removed") | ~models.Q(reason=""),
                name="review_removal_has_reason",
                violation_error_message=_("Say why the member is removed."),
            ),
        ]

    def __str__(self):
        return f"{self.membership.staff_member}: {self.get_outcome_display()}"


class OwnershipTransfer(models.Model):
    """MCS 管理施設の変更: a patient group handed to another owning facility."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    group = models.ForeignKey(
        CareGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_facility = models.ForeignKey(
        Facility, verbose_name=_("from facility"), on_delete=models.PROTECT, related_name="+"
    )
    to_facility = models.ForeignKey(
        Facility, verbose_name=_("to facility"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = actor(_("requested by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = actor(_("decided by"))
    reason = models.TextField(_("reason"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    workflow_fields = ["status", "decided_at", "refusal_reason"]
    history = History()

    class Meta:
        verbose_name = _("ownership transfer")
        verbose_name_plural = _("ownership transfers")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_facility=models.F("to_facility")),
                name="transfer_between_two_facilities",
                violation_error_message=_("A group moves to a different facility."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status="requested"),
                name="one_open_transfer_per_group",
                violation_error_message=_("This group already has a pending transfer."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="transfer_refusal_has_reason",
                violation_error_message=_("A refused transfer needs its reason."),
            ),
            dates_in_order(
                "requested_at",
                "decided_at",
                name="transfer_decided_after_requested",
                message=_("A transfer cannot be decided before it was requested."),
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.from_facility} → {self.to_facility}"


class AssemblyRequest(models.Model):
    """独自ルール 5: on a physician's instruction, the support center helps assemble a group's
    members in MCS. The physician asks (which professions or people are wanted); the center
    does it, or declines with a note."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        DECLINED = "declined", pgettext_lazy("request", "declined")

    group = models.ForeignKey(
        CareGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="assembly_requests",
    )
    requested_by = models.ForeignKey(
        StaffMember,
        verbose_name=_("requesting physician"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(
        _("members wanted"), help_text=_("Which professions or people should join, and why.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = actor(_("decided by"))
    decision_note = models.TextField(_("note of the support center"), blank=True)
    workflow_fields = ["status", "decided_at", "decision_note"]
    history = History()

    class Meta:
        verbose_name = _("member assembly request")
        verbose_name_plural = _("member assembly requests")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status="open"),
                name="one_open_assembly_request_per_group",
                violation_error_message=_("This group already has an open assembly request."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(decided_at__isnull=False),
                name="decided_assembly_request_has_time",
                violation_error_message=_("A decided request needs the time it was decided."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decision_note=""),
                name="declined_assembly_request_has_note",
                violation_error_message=_("A declined request needs the center's note."),
            ),
            dates_in_order(
                "requested_at",
                "decided_at",
                name="assembly_request_decided_after_requested",
                message=_("A request cannot be decided before it was made."),
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.requested_by}"
