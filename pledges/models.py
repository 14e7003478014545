from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, StaffMember
from mcs_admin.constraints import dates_in_order
from mcs_admin.dates import shown_date
from mcs_admin.fields import NormalizedCharField
from mcs_admin.history import History
from mcs_admin.models import (
    NumberedDocument,
    PaperStatus,
    PolicyVersion,
    PolicyVersioned,
    SignedOnScreen,
    User,
)


class FacilityPledge(PolicyVersioned, NumberedDocument):
    """連携守秘誓約書 (別紙様式2), signed by the facility's manager (第3条)."""

    form_number = 2
    facility_path = "facility"

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="pledges"
    )
    manager_name = NormalizedCharField(_("manager name"), max_length=60)
    status = models.CharField(
        _("status"), max_length=20, choices=PaperStatus.choices, default=PaperStatus.PREPARED
    )
    prepared_on = models.DateField(_("prepared on"), default=timezone.localdate)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    workflow_fields = ["status", "received_on"]
    history = History()

    class Meta:
        verbose_name = _("facility pledge (form 2)")
        verbose_name_plural = _("facility pledges (form 2)")
        ordering = ["-prepared_on", "-pk"]
        indexes = [NumberedDocument.paper_out_index("facility_pledge_paper_out")]
        constraints = [
            *NumberedDocument.paper_constraints(
                received_after_prepared="facility_pledge_received_after_prepared",
                received_has_date="facility_pledge_received_has_date",
                too_early=_("The pledge cannot be received before it was prepared."),
                without_date=_("A received pledge needs the date it was received."),
            ),
        ]

    def __str__(self):
        return _("Pledge of %(facility)s (%(name)s)") % {
            "facility": self.facility,
            "name": self.manager_name,
        }


class StaffPledge(PolicyVersioned, NumberedDocument):
    """業務情報保持に関する誓約書 (別紙様式3), or its exemption (an earlier pledge, 第9条)."""

    form_number = 3

    class Basis(models.TextChoices):
        SIGNED = "signed", _("signed form 3")
        EXEMPTION = "exemption", _("exempt: earlier confidentiality pledge")

    facility_path = "staff_member__facility"
    signed_basis = Basis.SIGNED

    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.SIGNED)
    status = models.CharField(
        _("status"), max_length=20, choices=PaperStatus.choices, default=PaperStatus.PREPARED
    )
    prepared_on = models.DateField(_("prepared on"), default=timezone.localdate)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    exemption_note = models.TextField(
        _("exemption note"),
        blank=True,
        help_text=_("Which earlier pledge makes form 3 unnecessary, and where it is kept."),
    )
    workflow_fields = ["status", "received_on"]
    history = History()

    class Meta:
        verbose_name = _("staff pledge (form 3)")
        verbose_name_plural = _("staff pledges (form 3)")
        ordering = ["-prepared_on", "-pk"]
        indexes = [NumberedDocument.paper_out_index("staff_pledge_paper_out")]
        constraints = [
            *NumberedDocument.paper_constraints(
                received_after_prepared="staff_pledge_received_after_prepared",
                received_has_date="staff_pledge_received_has_date",
                too_early=_("The pledge cannot be received before it was prepared."),
                without_date=_("A received pledge needs the date it was received."),
            ),
            models.CheckConstraint(
                condition=~models.Q(basis="exemption") | ~models.Q(exemption_note=""),
                name="staff_pledge_exemption_has_note",
                violation_error_message=_("An exemption needs a note of the earlier pledge."),
            ),
        ]

    def __str__(self):
        return _("Pledge of %(name)s") % {"name": self.staff_member}

    def clean(self):
        if self.basis == self.Basis.SIGNED and self.exemption_note.strip():
            raise ValidationError(
                {"exemption_note": _("Only an exemption has a note of an earlier pledge.")}
            )

    @property
    def on_record(self) -> bool:
        """第9条: the signed form 3 is back, or an exemption; `pledges.selectors.ON_RECORD`
        says it in a query."""
        return self.status == PaperStatus.RECEIVED or self.basis == self.Basis.EXEMPTION

    @property
    def awaiting_signature(self) -> bool:
        """A form 3 prepared and not yet back signed; `pledges.selectors.AWAITING_SIGNATURE`
        says it in a query."""
        return self.basis == self.Basis.SIGNED and self.status == PaperStatus.PREPARED


class StaffPledgeSignature(SignedOnScreen):
    """A staff pledge (様式3) signed on a tablet's screen (issue 23): under the ID holder's own
    login, or on the session of an MCS administrator of their facility, who is recorded as
    witness. Written only by `pledges.services.staff_pledge_sign_on_screen`."""

    pledge = models.OneToOneField(
        StaffPledge,
        verbose_name=_("staff pledge (form 3)"),
        on_delete=models.PROTECT,
        related_name="signature",
    )
    signature = models.BinaryField(_("signature (PNG)"))
    own_session = models.BooleanField(
        _("signed under their own login"),
        help_text=_("Off: signed on an MCS administrator's session, who is the witness."),
    )
    witness = models.ForeignKey(
        User,
        verbose_name=_("witness"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = History()

    class Meta:
        verbose_name = _("staff pledge signed on the screen")
        verbose_name_plural = _("staff pledges signed on the screen")
        constraints = [
            *SignedOnScreen._meta.constraints,
            # on another's session, that login (the administrator) is the witness
            models.CheckConstraint(
                condition=models.Q(own_session=True, witness__isnull=True)
                | models.Q(own_session=False, witness=models.F("obtained_by")),
                name="staff_pledge_signature_witness",
                violation_error_message=_(
                    "A pledge signed on an administrator's session records that administrator "
                    "as witness; one signed under the person's own login has none."
                ),
            ),
        ]

    def __str__(self):
        return _("Signature of %(pledge)s") % {"pledge": self.pledge}


class TrainingSession(models.Model):
    """第9条: periodic training of MCS administrators and users, with who attended."""

    title = NormalizedCharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text=_("Empty for a session of the association for every facility."),
    )
    description = models.TextField(_("description"), blank=True)
    attendees = models.ManyToManyField(
        StaffMember, verbose_name=_("attendees"), blank=True, related_name="training_sessions"
    )
    history = History(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title} ({shown_date(self.held_on)})"


class PledgeRound(models.Model):
    """A round of pledges signed again (附則): after an amendment of the policy, or as the yearly
    confirmation of participation (`AssociationProfile.confirmation_interval_months`).

    Opening it prepares a new form 2 for every participating facility and, when the round asks
    for it, a new form 3 for every ID holder (`pledges.services.pledge_round_open`). Until its
    due date an earlier pledge still counts for 第9条; after it, only a pledge renewed in the
    round (`renewed`) does, and those without one are flagged (`pledges.selectors`).
    """

    class Kind(models.TextChoices):
        AMENDMENT = "amendment", _("amendment of the policy")
        CONFIRMATION = "confirmation", _("yearly confirmation of participation")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="pledge_rounds",
    )
    staff_sign_again = models.BooleanField(
        _("ID holders sign form 3 again"),
        default=False,
        help_text=_(
            "Whether every ID holder signs a new form 3 too, or only the facilities form 2."
        ),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    workflow_fields = ["status", "closed_on"]
    history = History()

    class Meta:
        verbose_name = _("round of pledges")
        verbose_name_plural = _("rounds of pledges")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="open"),
                name="pledge_round_one_open",
                violation_error_message=_("Another round of pledges is open: close it first."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("opened_on")),
                name="pledge_round_due_after_opening",
                violation_error_message=_("The due date comes after the day the round opens."),
            ),
            dates_in_order(
                "opened_on",
                "closed_on",
                name="pledge_round_closed_after_opening",
                message=_("A round cannot close before it opened."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="pledge_round_closed_has_date",
                violation_error_message=_(
                    "A closed round has the day it closed, an open one none."
                ),
            ),
        ]

    def __str__(self):
        return _("%(kind)s (%(version)s), due %(due)s") % {
            "kind": self.get_kind_display(),
            "version": self.policy_version,
            "due": shown_date(self.due_on),
        }

    def renewed(self) -> models.Q:
        """The pledges (form 2 or 3) this round asks for: signed under its version of the policy
        or a later one and, for a confirmation, prepared since it opened."""
        renewed = models.Q(policy_version__effective_on__gte=self.policy_version.effective_on)
        if self.kind == self.Kind.CONFIRMATION:
            renewed &= models.Q(prepared_on__gte=self.opened_on)
        return renewed
