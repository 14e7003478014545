"""The patient's consent (第6条, 独自ルール 1): who may obtain it, recorded, and withdrawn."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consents.models import ConsentDesignation, ConsentSignature, PatientConsent
from consents.pdf import CONSENT_FORM
from consents.selectors import consent_obtainers
from devices.models import Device
from devices.selectors import devices_for
from facilities.models import StaffMember
from facilities.selectors import own_staff_member, require_administrator
from groups.models import CareGroup
from groups.services import locked_group, memberships_from_outside_end, require_manager
from mcs_admin.history import save_by
from mcs_admin.models import PolicyVersion, User
from mcs_admin.pdf import png_data_uri, printed_name, signed_form_pdf
from mcs_admin.signing import Origin, check_signing_enabled, seal_and_receive, signed_record_values

# What the admin's change form and the services may change of a consent's own data.
CONSENT_FIELDS = [
    "signed_on",
    "obtained_by",
    "family_name",
    "family_relationship",
    "family_address",
    "exemption_note",
]


NOT_AN_OBTAINER = gettext_lazy(
    "Only the attending physician or a person the physician designated for this group obtains "
    "the consent (独自ルール 1)."
)


def _check_signing(consent: PatientConsent, *, signed: bool) -> None:
    """A signed form 4: signed on a day not in the future, obtained by the attending physician
    or a person the physician designated for the group (独自ルール 1). `signed`: the paper is
    in hand, so its date is required too."""
    if consent.basis != PatientConsent.Basis.SIGNED_FORM:
        return
    errors = {}
    if consent.signed_on is None and signed:
        errors["signed_on"] = _("Enter the date the form was signed.")
    elif consent.signed_on is not None and consent.signed_on > timezone.localdate():
        errors["signed_on"] = _("The date of signing cannot be in the future.")
    if consent.obtained_by_id is None:
        errors["obtained_by"] = _(
            "Choose who obtained the consent: the attending physician or a person the "
            "physician designated (独自ルール 1)."
        )
    elif not consent_obtainers(consent.group).filter(pk=consent.obtained_by_id).exists():
        errors["obtained_by"] = NOT_AN_OBTAINER
    if errors:
        raise ValidationError(errors)


def _new_consent(group: CareGroup, by: User, status: str, **fields) -> PatientConsent:
    require_manager(by, group)
    return _new_consent_of(locked_group(group), by, status, **fields)


def _new_consent_of(group: CareGroup, by: User, status: str, **fields) -> PatientConsent:
    """A new consent of the locked `group`, once its author may record one."""
    if group.kind != CareGroup.Kind.PATIENT:
        raise ValidationError(_("Only a patient group needs the patient's consent."))
    if group.consents.exclude(status=PatientConsent.Status.WITHDRAWN).exists():
        raise ValidationError(_("A consent for this group is already on record."))
    today = timezone.localdate()
    consent = PatientConsent(group=group, status=status, **fields)
    if status == PatientConsent.Status.RECEIVED:
        consent.received_on = today
    consent.prepared_on = min(today, consent.signed_on or today)
    _check_signing(consent, signed=status == PatientConsent.Status.RECEIVED)
    consent.full_clean()
    save_by(consent, by)
    return consent


@transaction.atomic
def consent_record(
    *,
    group: CareGroup,
    by: User,
    basis: str,
    signed_on: datetime.date | None = None,
    obtained_by: StaffMember | None = None,
    family_name: str = "",
    family_relationship: str = "",
    family_address: str = "",
    exemption_note: str = "",
) -> PatientConsent:
    """Record the patient's signed consent (様式4) or its contract exemption (第6条)."""
    return _new_consent(
        group,
        by,
        PatientConsent.Status.RECEIVED,
        basis=basis,
        signed_on=signed_on,
        obtained_by=obtained_by,
        family_name=family_name,
        family_relationship=family_relationship,
        family_address=family_address,
        exemption_note=exemption_note,
    )


@transaction.atomic
def consent_prepare(*, group: CareGroup, by: User, basis: str, **fields) -> PatientConsent:
    """The center prepares form 4 to print, sign and send back (未受領), naming who obtains it; its
    paper is received by its number (mcs_admin.documents). An exemption has no paper: it is
    recorded at once."""
    if basis == PatientConsent.Basis.CONTRACT:
        return consent_record(group=group, by=by, basis=basis, **fields)
    return _new_consent(group, by, PatientConsent.Status.PREPARED, basis=basis, **fields)


@transaction.atomic
def consent_update(*, consent: PatientConsent, by: User, **changes) -> PatientConsent:
    """Correct a consent's own data (CONSENT_FIELDS) under the same rules as recording it."""
    require_manager(by, consent.group)
    locked_group(consent.group)
    consent = PatientConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.status == PatientConsent.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn consent is kept as it was."))
    unknown = set(changes) - set(CONSENT_FIELDS)
    if unknown:
        raise ValueError(f"not a consent's own data: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(consent, name, value)
    if {"signed_on", "obtained_by"} & set(changes):
        _check_signing(consent, signed=consent.status == PatientConsent.Status.RECEIVED)
    consent.full_clean()
    save_by(consent, by)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: PatientConsent,
    by: User,
    reason: str,
    withdrawn_on: datetime.date | None = None,
) -> PatientConsent:
    """The patient or family withdraws the consent: every member from outside the owning
    facility leaves the group at once, with the reason (第6条)."""
    require_manager(by, consent.group)
    group = locked_group(consent.group)
    consent = PatientConsent.objects.select_for_update().get(pk=consent.pk)
    if not consent.on_record:
        raise ValidationError(_("Only a consent on record can be withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the consent was withdrawn.")})
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise ValidationError({"withdrawn_on": _("The date is in the future.")})
    consent.status = PatientConsent.Status.WITHDRAWN
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_reason = reason
    consent.full_clean()
    save_by(consent, by)
    memberships_from_outside_end(
        group=group,
        reason=_("The patient's consent was withdrawn: %(reason)s") % {"reason": reason},
        by=by,
    )
    return consent


def _require_designator(by: User, group: CareGroup) -> bool:
    """The attending physician designates; the owner's administrators (or the center) record a
    designation on the physician's instruction. True when `by` is the physician."""
    physician = group.attending_physician
    if physician is not None and physician.user_id == by.pk and physician.left_on is None:
        return True
    try:
        require_administrator(by, group.owner)
    except PermissionDenied:
        raise PermissionDenied(
            _("Only the attending physician or the owner's MCS administrators may do this.")
        ) from None
    return False


@transaction.atomic
def designation_add(
    *, group: CareGroup, staff_member: StaffMember, by: User, instruction: str = ""
) -> ConsentDesignation:
    """独自ルール 1: the physician designates a person to obtain the patient's consent."""
    by_physician = _require_designator(by, group)
    group = locked_group(group)
    if group.kind != CareGroup.Kind.PATIENT:
        raise ValidationError(_("Only a patient group needs the patient's consent."))
    if not by_physician and not instruction.strip():
        raise ValidationError(
            {"instruction": _("Say when and how the attending physician gave the instruction.")}
        )
    if staff_member.left_on is not None:
        raise ValidationError({"staff_member": _("This person has left the facility.")})
    if staff_member.pk == group.attending_physician_id:
        raise ValidationError(
            {"staff_member": _("The attending physician obtains the consent without one.")}
        )
    designation = ConsentDesignation(
        group=group, staff_member=staff_member, instruction=instruction, designated_by=by
    )
    designation.full_clean()
    save_by(designation, by)
    return designation


@transaction.atomic
def designation_end(*, designation: ConsentDesignation, by: User) -> ConsentDesignation:
    """The designation ends; consents already obtained under it stay as they are."""
    _require_designator(by, designation.group)
    locked_group(designation.group)
    designation = ConsentDesignation.objects.select_for_update().get(pk=designation.pk)
    if designation.ended_on is not None:
        raise ValidationError(_("This designation has already ended."))
    designation.ended_on = timezone.localdate()
    designation.ended_by = by
    designation.full_clean()
    save_by(designation, by)
    return designation


def _signed_values(consent: PatientConsent, signature: ConsentSignature) -> dict:
    """What the sealed 様式4 prints: the names and addresses as signed, the drawn signatures
    in place of ㊞, and who signed for a signer who could not."""

    def proxy(name: str, relationship: str) -> str:
        return f"{printed_name(name)}・{relationship}" if name else ""

    family_png = bytes(signature.family_signature or b"")
    return {
        "date": consent.signed_on,
        "patient_name": printed_name(signature.patient_name),
        "patient_address": signature.patient_address,
        "patient_signature": png_data_uri(bytes(signature.patient_signature)),
        "patient_proxy": proxy(signature.patient_proxy_name, signature.patient_proxy_relationship),
        "family_name": printed_name(consent.family_name),
        "family_address": consent.family_address,
        "family_signature": png_data_uri(family_png) if family_png else "",
        "family_proxy": proxy(signature.family_proxy_name, signature.family_proxy_relationship),
    }


def _check_signatures(
    *,
    patient: bytes | None,
    family: bytes | None,
    family_name: str,
    device: Device | None,
    by: User,
) -> None:
    errors = {}
    if not patient:
        errors["patient_signature"] = _("Sign in the signature box.")
    if family_name and not family:
        errors["family_signature"] = _("Sign in the signature box.")
    if family and not family_name:
        errors["family_name"] = _("Enter the name of the family member who signed.")
    if (
        device is not None
        and not devices_for(by).filter(pk=device.pk, status=Device.Status.IN_USE).exists()
    ):
        errors["device"] = _("Choose a device in use that you may use.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consent_sign_on_screen(
    *,
    group: CareGroup,
    by: User,
    origin: Origin,
    patient_name: str,
    patient_address: str,
    patient_signature: bytes | None,
    family_name: str = "",
    family_relationship: str = "",
    family_address: str = "",
    family_signature: bytes | None = None,
    patient_proxy_name: str = "",
    patient_proxy_relationship: str = "",
    family_proxy_name: str = "",
    family_proxy_relationship: str = "",
    device: Device | None = None,
) -> ConsentSignature:
    """The patient (and a family member) sign 様式4 on the screen in front of the attending
    physician or a person the physician designated (独自ルール 1): the form is rendered with
    the signatures, sealed, stored as its scan and received at once, so the group opens as
    with a received paper consent (第6条). A consent already printed and not yet back is
    signed in its place; one on record is not signed again."""
    check_signing_enabled()
    group = locked_group(group)
    consent = (
        group.consents.select_for_update().exclude(status=PatientConsent.Status.WITHDRAWN).first()
    )
    if consent is not None and consent.on_record:
        raise ValidationError(_("A consent for this group is already on record."))
    person = own_staff_member(by)
    if person is None or not consent_obtainers(group).filter(pk=person.pk).exists():
        raise PermissionDenied(NOT_AN_OBTAINER)
    _check_signatures(
        patient=patient_signature,
        family=family_signature,
        family_name=family_name,
        device=device,
        by=by,
    )
    version = PolicyVersion.current()
    if version is None:
        raise ValidationError(_("No version of the policy is in force: record one first."))
    today = timezone.localdate()
    family = {
        "family_name": family_name,
        "family_relationship": family_relationship,
        "family_address": family_address,
    }
    if consent is None:
        consent = _new_consent_of(
            group,
            by,
            PatientConsent.Status.PREPARED,
            basis=PatientConsent.Basis.SIGNED_FORM,
            signed_on=today,
            obtained_by=person,
            **family,
        )
    else:  # printed and not yet back: signed on the screen instead
        consent.signed_on, consent.obtained_by = today, person
        for name, value in family.items():
            setattr(consent, name, value)
        _check_signing(consent, signed=True)
        consent.full_clean()
        save_by(consent, by)
    signature = ConsentSignature(
        consent=consent,
        patient_name=patient_name,
        patient_address=patient_address,
        patient_signature=patient_signature,
        patient_proxy_name=patient_proxy_name,
        patient_proxy_relationship=patient_proxy_relationship,
        family_signature=family_signature or b"",
        family_proxy_name=family_proxy_name,
        family_proxy_relationship=family_proxy_relationship,
        device=device,
        policy_version=version,
        obtained_by=by,
    )
    # everything the signers confirmed is checked before the form is sealed and stored
    signature.full_clean(exclude=["obtained_at", "pdf_sha256"])
    pdf = signed_form_pdf(CONSENT_FORM, consent, _signed_values(consent, signature))
    consent, sealed = seal_and_receive(
        document=consent,
        pdf=pdf,
        reason=_("Form 4 signed on the screen"),
        by=by,
    )
    for name, value in signed_record_values(
        sealed=sealed, by=by, origin=origin, policy_version=version
    ).items():
        setattr(signature, name, value)
    signature.consent = consent
    signature.full_clean()
    save_by(signature, by)
    return signature
