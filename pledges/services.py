"""The pledges app's writes (第9条, 様式2, 様式3): preparing the forms to sign, recording an
exemption, correcting a pledge's data until its signed paper is back, and recording training
sessions with who attended. Every path calls these: the self-service pages, the admin, tests."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from facilities.models import ApplicationInvitation, Facility, StaffMember
from facilities.selectors import (
    facilities_for,
    id_holders,
    require_administrator,
    require_center,
)
from mcs_admin.dates import shown_date
from mcs_admin.history import save_by
from mcs_admin.models import (
    AccessLog,
    AssociationProfile,
    DocumentNumber,
    PaperStatus,
    PolicyVersion,
    User,
)
from mcs_admin.roles import is_center
from mcs_admin.services import access_log_record
from mcs_admin.signatures import SignatureField, is_signature
from mcs_admin.signing import Origin, check_signing_enabled, seal_and_receive, signed_record_values
from pledges.models import (
    FacilityPledge,
    PledgeRound,
    StaffPledge,
    StaffPledgeSignature,
    TrainingSession,
)
from pledges.pdf import staff_pledge_signed_pdf
from pledges.selectors import open_round, participating_facilities, staff_pledge_counts

# A session of a facility is attended by its own staff (the self-service form says it too).
NOT_OF_THE_FACILITY = gettext_lazy(
    "Only staff of the session's facility can be recorded as its attendees."
)

# What a pledge's change may touch; the rest is given when it is prepared or recorded.
FACILITY_PLEDGE_FIELDS = ["manager_name", "signed_on", "scanned_copy"]
STAFF_PLEDGE_FIELDS = ["signed_on", "exemption_note", "scanned_copy"]
TRAINING_FIELDS = ["title", "held_on", "description", "attendees"]


def _signed_on_check(pledge: FacilityPledge | StaffPledge) -> None:
    if pledge.signed_on is None:
        return
    if pledge.signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The date is in the future.")})
    if pledge.received_on and pledge.signed_on > pledge.received_on:
        raise ValidationError(
            {"signed_on": _("The pledge cannot have been signed after it was received.")}
        )


def _current_staff(staff_member: StaffMember) -> StaffMember:
    """The staff member's row, locked (one pledge at a time); a leaver signs no new pledge."""
    staff_member = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
    if staff_member.left_on:
        raise ValidationError(_("A staff member who has left needs no new pledge."))
    return staff_member


@transaction.atomic
def staff_pledge_prepare(
    *, staff_member: StaffMember, by: User, signed_on: datetime.date | None = None
) -> StaffPledge:
    """A staff pledge (様式3) to print and sign; it exists from now on as 未受領 with its number."""
    require_administrator(by, staff_member.facility)
    staff_member = _current_staff(staff_member)
    waiting = staff_member.pledges.filter(
        status=PaperStatus.PREPARED, basis=StaffPledge.Basis.SIGNED
    )
    if waiting.exists():
        raise ValidationError(_("A pledge of this person is already waiting to come back signed."))
    pledge = StaffPledge(staff_member=staff_member, signed_on=signed_on)
    _signed_on_check(pledge)
    pledge.full_clean()
    save_by(pledge, by)
    return pledge


@transaction.atomic
def staff_pledge_exempt(
    *,
    staff_member: StaffMember,
    exemption_note: str,
    by: User,
    signed_on: datetime.date | None = None,
) -> StaffPledge:
    """第9条 なお書き: the person already signed a confidentiality pledge (e.g. on joining), so
    form 3 is not needed; the note says which pledge and where it is kept. No paper comes back."""
    require_administrator(by, staff_member.facility)
    staff_member = _current_staff(staff_member)
    counts = staff_pledge_counts()
    pledge_round = open_round()
    if pledge_round and pledge_round.staff_sign_again:
        counts &= pledge_round.renewed()  # an open round asks for a new one
    if staff_member.pledges.filter(counts).exists():
        raise ValidationError(_("This person's pledge is already on record."))
    pledge = StaffPledge(
        staff_member=staff_member,
        basis=StaffPledge.Basis.EXEMPTION,
        exemption_note=exemption_note.strip(),
        signed_on=signed_on,
    )
    _signed_on_check(pledge)
    pledge.full_clean()
    save_by(pledge, by)
    return pledge


def _facility_pledge_new(
    facility: Facility, signed_on: datetime.date | None, by: User | None, reason: str = ""
) -> FacilityPledge:
    if not facility.manager_name:
        raise ValidationError({"facility": _("The facility has no manager on record.")})
    waiting = facility.pledges.filter(
        status=PaperStatus.PREPARED, manager_name=facility.manager_name
    )
    if waiting.exists():
        raise ValidationError(_("A pledge of this manager is already waiting to come back signed."))
    pledge = FacilityPledge(
        facility=facility, manager_name=facility.manager_name, signed_on=signed_on
    )
    _signed_on_check(pledge)
    pledge.full_clean()
    if reason:
        pledge._change_reason = reason
    save_by(pledge, by)
    return pledge


@transaction.atomic
def facility_pledge_prepare(
    *, facility: Facility, by: User, signed_on: datetime.date | None = None
) -> FacilityPledge:
    """The facility's manager (as on record) signs the facility pledge (様式2): prepared here to
    print, 未受領 until the signed paper is back."""
    require_administrator(by, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    return _facility_pledge_new(facility, signed_on, by)


@transaction.atomic
def facility_pledge_apply(*, invitation: ApplicationInvitation) -> FacilityPledge:
    """The manager's pledge (様式2) of a facility that applied online, prepared with its
    application to print together: the invitation just used is the authority, no login."""
    invitation = ApplicationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.application_id is None:
        raise ValidationError(_("The application has not been submitted."))
    facility = Facility.objects.select_for_update().get(pk=invitation.application.facility_id)
    if facility.pledges.exists():
        raise ValidationError(_("This facility's pledge is already on record."))
    return _facility_pledge_new(facility, None, None, invitation.change_reason())


@transaction.atomic
def facility_manager_change(*, facility: Facility, manager_name: str, by: User) -> FacilityPledge:
    """A new manager signs a new facility pledge (様式2), prepared here to print."""
    require_administrator(by, facility)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    facility.manager_name = manager_name
    facility.full_clean()
    save_by(facility, by)
    return _facility_pledge_new(facility, None, by)


def _pledge_update(pledge, model, names: list[str], fields: dict, by: User):
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"{model.__name__} does not change {', '.join(sorted(unknown))}")
    pledge = model.objects.select_for_update().get(pk=pledge.pk)
    if "scanned_copy" in fields:
        fields["scanned_copy"] = fields["scanned_copy"] or ""  # False: the clerk cleared it
    if pledge.status == PaperStatus.RECEIVED:
        # the signed paper is in the office: the record keeps saying what the paper says; its
        # scan and a signing date not yet typed in may still be added
        may_add = {"scanned_copy"} if fields.get("scanned_copy") else set()
        if pledge.signed_on is None:
            may_add.add("signed_on")
        changed = [
            name
            for name, value in fields.items()
            if name not in may_add and value != getattr(pledge, name)
        ]
        if changed:
            raise ValidationError(
                _(
                    "The signed paper of this pledge was received on %(date)s: what it says no "
                    "longer changes (only its scan and a missing signing date can be added)."
                )
                % {"date": shown_date(pledge.received_on)}
            )
    for name, value in fields.items():
        setattr(pledge, name, value)
    if "signed_on" in fields:
        _signed_on_check(pledge)
    pledge.full_clean()
    save_by(pledge, by)
    return pledge


@transaction.atomic
def facility_pledge_update(*, pledge: FacilityPledge, by: User, **fields) -> FacilityPledge:
    """Correct a facility pledge's data (`FACILITY_PLEDGE_FIELDS`, only those given)."""
    require_administrator(by, pledge.facility)
    return _pledge_update(pledge, FacilityPledge, FACILITY_PLEDGE_FIELDS, fields, by)


@transaction.atomic
def staff_pledge_update(*, pledge: StaffPledge, by: User, **fields) -> StaffPledge:
    """Correct a staff pledge's data (`STAFF_PLEDGE_FIELDS`, only those given)."""
    require_administrator(by, pledge.staff_member.facility)
    return _pledge_update(pledge, StaffPledge, STAFF_PLEDGE_FIELDS, fields, by)


def staff_pledge_signer_role(pledge: StaffPledge, user: User) -> str | None:
    """Who `user` is to sign `pledge` on the screen: "own" (the pledge's person, under their
    own login), "witness" (an MCS administrator of the person's facility, on whose session the
    person signs), or None (neither; the center signs nothing at a facility)."""
    person = pledge.staff_member
    if person.user_id is not None and person.user_id == user.pk:
        return "own"
    if not is_center(user) and facilities_for(user).filter(pk=person.facility_id).exists():
        return "witness"
    return None


def staff_pledge_signable(pledge: StaffPledge) -> bool:
    """Whether `pledge` waits for its signature: a form 3 not yet on record, of a person who
    has not left."""
    return pledge.awaiting_signature and pledge.staff_member.left_on is None


@transaction.atomic
def staff_pledge_sign_on_screen(
    *, pledge: StaffPledge, signature: bytes | None, by: User, origin: Origin
) -> StaffPledgeSignature:
    """A new ID holder signs 様式3 on a tablet at their facility (issue 23): under their own
    login, or on the session of an MCS administrator of the facility, who is the witness.

    The form is rendered from the printed form's template and policy version with the drawn
    signature in place of 印, sealed, and received as the pledge's scan (受領済, as a returned
    paper is), so that the ID can be issued; the signing is recorded and logged."""
    check_signing_enabled()
    pledge = (
        StaffPledge.objects.select_for_update(of=("self",))
        .select_related("staff_member__facility", "policy_version")
        .get(pk=pledge.pk)
    )
    role = staff_pledge_signer_role(pledge, by)
    if role is None:
        raise PermissionDenied(
            _(
                "Only the person who pledges, or an MCS administrator of their facility, may "
                "have this pledge signed."
            )
        )
    if pledge.staff_member.left_on:
        raise ValidationError(_("A staff member who has left needs no new pledge."))
    if not staff_pledge_signable(pledge):
        raise ValidationError(_("This person's pledge is already on record."))
    if not signature or not is_signature(signature):
        raise ValidationError({"signature": SignatureField.default_error_messages["blank"]})
    pledge.signed_on = timezone.localdate()
    pdf = staff_pledge_signed_pdf(pledge, signature)  # says what is missing before any write
    pledge.full_clean()
    save_by(pledge, by)
    number = pledge.document_number
    pledge, sealed = seal_and_receive(
        document=pledge,
        pdf=pdf,
        reason=_("Form 3 signed on the screen: %(number)s") % {"number": number},
        by=by,
    )
    record = StaffPledgeSignature(
        pledge=pledge,
        signature=signature,
        own_session=role == "own",
        witness=None if role == "own" else by,
        **signed_record_values(
            sealed=sealed, by=by, origin=origin, policy_version=pledge.policy_version
        ),
    )
    record.full_clean()
    save_by(record, by)
    # the signed form holds the person's name and address: a print, as every form's is
    access_log_record(
        user=by,
        action=AccessLog.Action.PRINT,
        targets=[pledge],
        description=_("Form 3 signed on the screen and sealed: %(number)s") % {"number": number},
    )
    return record


def _require_organiser(by: User, facility: Facility | None) -> None:
    """A facility's session is its administrators' (第9条) or the center's; a session of the
    association for every facility is the center's."""
    if facility is None:
        require_center(by)
    else:
        require_administrator(by, facility)


def _session_check(session: TrainingSession, attendees: list[StaffMember]) -> None:
    if session.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date is in the future.")})
    if session.facility_id and any(p.facility_id != session.facility_id for p in attendees):
        raise ValidationError({"attendees": NOT_OF_THE_FACILITY})
    absent = [
        person
        for person in attendees
        if (person.joined_on and person.joined_on > session.held_on)
        or (person.left_on and person.left_on < session.held_on)
    ]
    if absent:
        raise ValidationError(
            {
                "attendees": _("Not at their facility on the day of the session: %(names)s.")
                % {"names": "、".join(str(person) for person in absent)}
            }
        )


@transaction.atomic
def training_session_record(
    *,
    title: str,
    held_on: datetime.date,
    by: User,
    facility: Facility | None = None,
    description: str = "",
    attendees: Iterable[StaffMember] = (),
) -> TrainingSession:
    """第9条: a training session held, by a facility for its staff or by the association for
    every facility, with who attended."""
    _require_organiser(by, facility)
    session = TrainingSession(
        title=title, held_on=held_on, facility=facility, description=description
    )
    session.full_clean()
    attendees = list(attendees)
    _session_check(session, attendees)
    save_by(session, by, attendees=attendees)
    return session


@transaction.atomic
def training_session_update(*, session: TrainingSession, by: User, **fields) -> TrainingSession:
    """Correct a session's data or who attended (`TRAINING_FIELDS`, only those given); the
    facility it belongs to was given when it was recorded."""
    unknown = set(fields) - set(TRAINING_FIELDS)
    if unknown:
        raise TypeError(f"TrainingSession does not change {', '.join(sorted(unknown))}")
    _require_organiser(by, session.facility)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    attendees = list(fields.pop("attendees", session.attendees.all()))
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    _session_check(session, attendees)
    save_by(session, by, attendees=attendees)
    return session


# rows written at a time when a round prepares the pledges of a prefecture
ROUND_BATCH = 2000


@dataclass(frozen=True)
class RoundOpened:
    pledge_round: PledgeRound
    facility_pledges: int  # forms 2 prepared
    staff_pledges: int  # forms 3 prepared
    without_manager: list[str]  # facilities with no manager on record: no form 2 prepared


def _round_open(
    *,
    kind: str,
    policy_version: PolicyVersion,
    due_on: datetime.date,
    staff_sign_again: bool,
    notes: str,
    by: User | None,
) -> RoundOpened:
    today = timezone.localdate()
    if PledgeRound.objects.select_for_update().filter(status=PledgeRound.Status.OPEN).exists():
        raise ValidationError(_("Another round of pledges is open: close it first."))
    in_force = PolicyVersion.current(today)
    if policy_version != in_force:
        raise ValidationError(
            {
                "policy_version": _("Pledges are signed under the version in force: %(version)s.")
                % {"version": in_force or "—"}
            }
        )
    pledge_round = PledgeRound(
        kind=kind,
        policy_version=policy_version,
        due_on=due_on,
        staff_sign_again=staff_sign_again,
        notes=notes.strip(),
        opened_on=today,
    )
    pledge_round.full_clean()
    save_by(pledge_round, by)
    reason = str(pledge_round)
    renewed = pledge_round.renewed()
    # who already has a pledge of the round (waiting or back) gets none; every row is locked,
    # so a pledge prepared meanwhile waits for this one to commit
    facilities = (
        participating_facilities()
        .select_for_update()
        .exclude(Exists(FacilityPledge.objects.filter(renewed, facility=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "name", "manager_name")
    )
    signers = [(pk, manager) for pk, _name, manager in facilities if manager]
    numbers = DocumentNumber.objects.issue_many(FacilityPledge.form_number, len(signers))
    facility_pledges = [
        FacilityPledge(
            facility_id=pk,
            manager_name=manager,
            policy_version=policy_version,
            prepared_on=today,
            document_number=number,
        )
        for (pk, manager), number in zip(signers, numbers, strict=True)
    ]
    staff_pledges = []
    if staff_sign_again:
        holders = list(
            id_holders()
            .select_related(None)
            .select_for_update(of=("self",))
            .filter(facility__in=participating_facilities())
            .exclude(Exists(StaffPledge.objects.filter(renewed, staff_member=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        numbers = DocumentNumber.objects.issue_many(StaffPledge.form_number, len(holders))
        staff_pledges = [
            StaffPledge(
                staff_member_id=pk,
                policy_version=policy_version,
                prepared_on=today,
                document_number=number,
            )
            for pk, number in zip(holders, numbers, strict=True)
        ]
    for pledge in [*facility_pledges, *staff_pledges]:
        # the people and facilities are locked and the numbers new: neither the keys nor the
        # constraints need a query per pledge, and the database still holds them
        pledge.full_clean(
            exclude=["facility", "staff_member", "policy_version", "document_number"],
            validate_unique=False,
            validate_constraints=False,
        )
    for model, pledges in [(FacilityPledge, facility_pledges), (StaffPledge, staff_pledges)]:
        bulk_create_with_history(
            pledges,
            model,
            batch_size=ROUND_BATCH,
            default_user=by,
            default_change_reason=reason,
        )
    return RoundOpened(
        pledge_round,
        len(facility_pledges),
        len(staff_pledges),
        [name for _pk, name, manager in facilities if not manager],
    )


@transaction.atomic
def pledge_round_open(
    *,
    policy_version: PolicyVersion,
    due_on: datetime.date,
    staff_sign_again: bool,
    by: User,
    kind: str = PledgeRound.Kind.AMENDMENT,
    notes: str = "",
) -> RoundOpened:
    """The center opens a round of pledges (附則): a new form 2, numbered, for every
    participating facility and, with `staff_sign_again`, a new form 3 for every ID holder,
    written in bulk with their history; who already has one of the round gets none."""
    require_center(by)
    return _round_open(
        kind=kind,
        policy_version=policy_version,
        due_on=due_on,
        staff_sign_again=staff_sign_again,
        notes=notes,
        by=by,
    )


@transaction.atomic
def confirmation_round_open_if_due() -> RoundOpened | None:
    """The yearly confirmation of participation, when the association keeps one
    (`AssociationProfile.confirmation_interval_months`): a round asking every facility for form 2
    again, opened once the interval has passed since the last round opened and none is open;
    due as a printed form is (`paper_return_days`). Run daily by `open_confirmation_round`."""
    today = timezone.localdate()
    profile = AssociationProfile.current()
    last = PledgeRound.objects.order_by("-opened_on").values_list("opened_on", flat=True).first()
    if not profile.confirmation_due(last, today) or open_round() is not None:
        return None
    return _round_open(
        kind=PledgeRound.Kind.CONFIRMATION,
        policy_version=PolicyVersion.current(today),
        due_on=today + datetime.timedelta(days=profile.paper_return_days),
        staff_sign_again=False,
        notes="",
        by=None,
    )


@transaction.atomic
def pledge_round_close(*, pledge_round: PledgeRound, by: User) -> PledgeRound:
    """The center closes a round past its due date: its progress leaves the dashboards. What it
    asked for still holds: whoever has not renewed stays flagged (第9条)."""
    require_center(by)
    pledge_round = PledgeRound.objects.select_for_update().get(pk=pledge_round.pk)
    if pledge_round.status != PledgeRound.Status.OPEN:
        raise ValidationError(_("This round is already closed."))
    today = timezone.localdate()
    if today < pledge_round.due_on:
        raise ValidationError(
            _("The round is due on %(date)s: it closes on that day or later.")
            % {"date": shown_date(pledge_round.due_on)}
        )
    pledge_round.status = PledgeRound.Status.CLOSED
    pledge_round.closed_on = today
    pledge_round.full_clean()
    save_by(pledge_round, by)
    return pledge_round
