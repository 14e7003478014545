import uuid
from pathlib import PurePath

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devices.models import Device
from facilities.models import StaffMember
from groups.models import CareGroup
from mcs_admin.constraints import dates_in_order
from mcs_admin.fields import NormalizedCharField, actor
from mcs_admin.history import History
from mcs_admin.models import NumberedDocument, SignedOnScreen


def scanned_copy_path(instance, filename: str) -> str:
    """The first upload path of scanned copies; kept because migration 0001 names it."""
    return f"consents/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class PatientConsent(NumberedDocument):
    """在宅医療における個人情報使用同意書 (別紙様式4), or its contract exemption (第6条)."""

    form_number = 4

    class Basis(models.TextChoices):
        SIGNED_FORM = "signed_form", _("signed form 4")
        CONTRACT = "contract", _("exempt: consent in the care contract")

    class Status(models.TextChoices):
        PREPARED = "prepared", _("not yet received")
        RECEIVED = "received", _("received")
        WITHDRAWN = "withdrawn", _("withdrawn")

    facility_path = "group__owner"  # the owner keeps the paper (連携元事業所)
    signed_basis = Basis.SIGNED_FORM

    group = models.ForeignKey(
        CareGroup,
        verbose_name=_("patient group"),
        on_delete=models.PROTECT,
        related_name="consents",
        limit_choices_to={"kind": "patient"},
    )
    basis = models.CharField(
        _("basis"), max_length=20, choices=Basis.choices, default=Basis.SIGNED_FORM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARED
    )
    family_name = NormalizedCharField(_("family signer"), max_length=60, blank=True)
    family_relationship = NormalizedCharField(_("relationship"), max_length=30, blank=True)
    family_address = NormalizedCharField(_("family address"), max_length=200, blank=True)
    prepared_on = models.DateField(_("prepared on"), default=timezone.localdate)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    obtained_by = models.ForeignKey(
        StaffMember,
        verbose_name=_("obtained by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The attending physician or the person the physician named (独自ルール 1)."),
    )
    exemption_note = models.TextField(
        _("exemption note"), blank=True, help_text=_("Which contract holds the consent.")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    workflow_fields = [
        "status",
        "received_on",
        "withdrawn_on",
        "withdrawal_reason",
    ]
    history = History()

    class Meta:
        verbose_name = _("patient consent (form 4)")
        verbose_name_plural = _("patient consents (form 4)")
        ordering = ["-prepared_on", "-pk"]
        indexes = [
            NumberedDocument.paper_out_index("consent_paper_out"),
            models.Index(fields=["group", "status"]),
        ]
        constraints = [
            dates_in_order(
                "signed_on",
                "withdrawn_on",
                name="consent_withdrawn_after_signed",
                message=_("A consent cannot be withdrawn before it was signed."),
            ),
            *NumberedDocument.paper_constraints(
                received_after_prepared="consent_received_after_prepared",
                received_has_date="received_consent_has_date",
                too_early=_("The consent cannot be received before it was prepared."),
                without_date=_("A received consent needs the date it was received."),
            ),
            models.CheckConstraint(
                condition=~models.Q(basis="contract") | ~models.Q(exemption_note=""),
                name="consent_exemption_has_note",
                violation_error_message=_("An exemption needs a note of the contract."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_on__isnull=False),
                name="withdrawn_consent_has_date",
                violation_error_message=_("A withdrawn consent needs the date of withdrawal."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawal_reason=""),
                name="withdrawn_consent_has_reason",
                violation_error_message=_("Say why the consent was withdrawn."),
            ),
        ]

    def __str__(self):
        return _("Consent for group %(group)s") % {"group": self.group}

    def paper_label(self) -> str:
        return _("Consent for group %(group)s") % {"group": self.group.label_without_patient}

    @property
    def on_record(self) -> bool:
        return self.status == self.Status.RECEIVED


def consent_on_record(via: str = "") -> models.Q:
    """第6条: a patient's consent is on record: its signed form 4 received, or the contract
    exemption (recorded as received). `via` reaches the consents from another model, as
    "group__consents__"; `PatientConsent.on_record` says it of one consent."""
    return models.Q(**{f"{via}status": PatientConsent.Status.RECEIVED})


class ConsentDesignation(models.Model):
    """A person the attending physician designated to obtain a patient group's consent, of any
    facility (独自ルール 1: 患者同意は主治医もしくは、主治医が指示した者が取得する); recorded by
    the physician, or by the owner's administrator on the physician's instruction."""

    group = models.ForeignKey(
        CareGroup,
        verbose_name=_("patient group"),
        on_delete=models.PROTECT,
        related_name="consent_designations",
        limit_choices_to={"kind": "patient"},
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("designated person"),
        on_delete=models.PROTECT,
        related_name="consent_designations",
    )
    instruction = models.TextField(
        _("physician's instruction"),
        blank=True,
        help_text=_("When and how the physician gave the instruction, if not recorded by them."),
    )
    designated_on = models.DateField(_("designated on"), default=timezone.localdate)
    designated_by = actor(_("recorded by"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = actor(_("ended by"))

    workflow_fields = ["ended_on", "ended_by"]
    history = History()

    class Meta:
        verbose_name = _("designation to obtain consent")
        verbose_name_plural = _("designations to obtain consent")
        ordering = ["-designated_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "staff_member"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_designation_per_person",
                violation_error_message=_("This person is already designated for this group."),
            ),
            dates_in_order(
                "designated_on",
                "ended_on",
                name="designation_ended_after_made",
                message=_("A designation cannot end before it was made."),
            ),
        ]

    def __str__(self):
        return _("%(person)s for %(group)s") % {"person": self.staff_member, "group": self.group}


def _both_or_neither(first: str, second: str) -> models.Q:
    return models.Q(**{first: "", second: ""}) | (
        ~models.Q(**{first: ""}) & ~models.Q(**{second: ""})
    )


class ConsentSignature(SignedOnScreen):
    """A consent (様式4) signed on a tablet's screen (issue 23): the signatures as drawn, the
    names and addresses they were given under, and who signed for a signer who could not. The
    sealed PDF is the consent's scanned copy; `consents.services.consent_sign_on_screen` alone
    writes it."""

    consent = models.OneToOneField(
        PatientConsent,
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        related_name="signed_on_screen",
    )
    patient_name = NormalizedCharField(_("patient's name as signed"), max_length=60)
    patient_address = NormalizedCharField(_("patient's address as signed"), max_length=200)
    # blank as a field, so that its constraint says what is missing
    patient_signature = models.BinaryField(_("patient's signature (PNG)"), blank=True)
    patient_proxy_name = NormalizedCharField(
        _("signed for the patient by"), max_length=60, blank=True
    )
    patient_proxy_relationship = NormalizedCharField(
        _("their relationship to the patient"), max_length=30, blank=True
    )
    family_signature = models.BinaryField(_("family signer's signature (PNG)"), blank=True)
    family_proxy_name = NormalizedCharField(
        _("signed for the family signer by"), max_length=60, blank=True
    )
    family_proxy_relationship = NormalizedCharField(
        _("their relationship to the family signer"), max_length=30, blank=True
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("registered device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The tablet it was signed on, when it is a registered device (第12条)."),
    )
    history = History(excluded_fields=["patient_signature", "family_signature"])

    class Meta:
        verbose_name = _("consent signed on the screen")
        verbose_name_plural = _("consents signed on the screen")
        ordering = ["-obtained_at"]
        constraints = [
            *SignedOnScreen.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(patient_signature=b""),
                name="consent_signature_has_patients",
                violation_error_message=_("The patient's signature is missing."),
            ),
            models.CheckConstraint(
                condition=_both_or_neither("patient_proxy_name", "patient_proxy_relationship"),
                name="consent_signature_patient_proxy_whole",
                violation_error_message=_(
                    "A proxy who signs for the patient is recorded with their relationship."
                ),
            ),
            models.CheckConstraint(
                condition=_both_or_neither("family_proxy_name", "family_proxy_relationship"),
                name="consent_signature_family_proxy_whole",
                violation_error_message=_(
                    "A proxy who signs for the family signer is recorded with their relationship."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(family_signature=b"") | models.Q(family_proxy_name=""),
                name="consent_signature_family_proxy_signed",
                violation_error_message=_(
                    "A proxy for the family signer is recorded only with a signature."
                ),
            ),
        ]

    def __str__(self):
        return _("%(consent)s, signed on the screen") % {"consent": self.consent}
