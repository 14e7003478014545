"""The rules that must hold whatever the path: a clear message from full_clean(), and the
database refusing the same row when the application is bypassed. Nothing is saved either way."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mcs_admin.models import AssociationProfile, PolicyVersion
from tests import factories as f

D = f.TODAY
DAY = datetime.timedelta(days=1)
NOW = timezone.now()


def constraint_message(model, name):
    return next(c for c in model._meta.constraints if c.name == name).violation_error_message


def signed_on_screen(**fields):
    """An unsaved record of a consent signed on the screen, its consent and signer saved."""
    return f.ConsentSignatureFactory.build(
        consent=f.PatientConsentFactory(), obtained_by=f.UserFactory(), **fields
    )


# (constraint name, builder of the offending unsaved object)
CASES = [
    (
        "one_open_leave_per_person",
        lambda: (
            (leave := f.LeaveFactory()) and f.LeaveFactory.build(staff_member=leave.staff_member)
        ),
    ),
    (
        "leave_completed_after_opened",
        lambda: f.LeaveFactory.build(staff_member=f.StaffMemberFactory(), completed_on=D - DAY),
    ),
    (
        "leave_item_once",
        lambda: (
            (item := f.LeaveItemFactory())
            and f.LeaveItemFactory.build(leave=item.leave, kind=item.kind)
        ),
    ),
    (
        "waived_item_has_reason",
        lambda: f.LeaveItemFactory.build(leave=f.LeaveFactory(), status="waived"),
    ),
    (
        "facility_joined_after_applied",
        lambda: f.FacilityFactory.build(applied_on=D, joined_on=D - DAY),
    ),
    ("facility_left_after_joined", lambda: f.FacilityFactory.build(joined_on=D, left_on=D - DAY)),
    (
        "application_received_after_prepared",
        lambda: f.UsageApplicationFactory.build(facility=f.FacilityFactory(), received_on=D - DAY),
    ),
    (
        "application_decided_after_received",
        lambda: f.UsageApplicationFactory.build(
            facility=f.FacilityFactory(), received_on=D + DAY, decided_on=D
        ),
    ),
    (
        "roster_line_unique_email",
        lambda: (
            (line := f.ApplicationRosterLineFactory())
            and f.ApplicationRosterLineFactory.build(application=line.application, email=line.email)
        ),
    ),
    (
        "invitation_expires_after_invited",
        lambda: f.ApplicationInvitationFactory.build(invited_at=NOW, expires_at=NOW),
    ),
    (
        "invitation_submitted_with_application",
        lambda: f.ApplicationInvitationFactory.build(submitted_at=NOW),
    ),
    (
        "staff_left_after_joined",
        lambda: f.StaffMemberFactory.build(
            facility=f.FacilityFactory(), joined_on=D, left_on=D - DAY
        ),
    ),
    (
        "profession_synonym_unique_term",
        lambda: (
            f.ProfessionSynonymFactory(term="Nrs") and f.ProfessionSynonymFactory.build(term="NRS")
        ),
    ),
    (
        "one_open_account_per_staff",
        lambda: (
            (account := f.McsAccountFactory())
            and f.McsAccountFactory.build(staff_member=account.staff_member)
        ),
    ),
    (
        "login_id_unique_among_open",
        lambda: (
            (account := f.McsAccountFactory())
            and f.McsAccountFactory.build(
                staff_member=f.StaffMemberFactory(), login_id=account.login_id
            )
        ),
    ),
    (
        "issued_account_has_login_id",
        lambda: f.McsAccountFactory.build(staff_member=f.StaffMemberFactory(), login_id=""),
    ),
    (
        "account_issued_after_requested",
        lambda: f.McsAccountFactory.build(staff_member=f.StaffMemberFactory(), issued_on=D - DAY),
    ),
    (
        "account_deleted_after_issued",
        lambda: f.McsAccountFactory.build(
            staff_member=f.StaffMemberFactory(), status="deleted", deleted_on=D - DAY
        ),
    ),
    (
        "id_request_handled_after_requested",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.IdRequestFactory.build(
                staff_member=person,
                facility=person.facility,
                status="done",
                requested_at=NOW,
                handled_at=NOW - DAY,
            )
        ),
    ),
    (
        "id_request_rejection_has_reason",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.IdRequestFactory.build(
                staff_member=person, facility=person.facility, status="rejected", handled_at=NOW
            )
        ),
    ),
    (
        "id_request_handled_has_time",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.IdRequestFactory.build(
                staff_member=person, facility=person.facility, status="done"
            )
        ),
    ),
    (
        "roster_review_due_after_opened",
        lambda: f.RosterReviewFactory.build(facility=f.FacilityFactory(), due_on=D - DAY),
    ),
    (
        "roster_review_completed_after_opened",
        lambda: f.RosterReviewFactory.build(facility=f.FacilityFactory(), completed_on=D - DAY),
    ),
    (
        "roster_review_entry_unique",
        lambda: (
            (entry := f.RosterReviewEntryFactory())
            and f.RosterReviewEntryFactory.build(review=entry.review, account=entry.account)
        ),
    ),
    (
        "appointment_ends_after_start",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.AdministratorAppointmentFactory.build(
                staff_member=person, facility=person.facility, ended_on=D - DAY
            )
        ),
    ),
    (
        "one_open_appointment_per_person",
        lambda: (
            (appointment := f.AdministratorAppointmentFactory())
            and f.AdministratorAppointmentFactory.build(
                staff_member=appointment.staff_member, facility=appointment.facility
            )
        ),
    ),
    (
        "consultation_closed_after_received",
        lambda: f.ConsultationFactory.build(received_at=NOW, closed_at=NOW - DAY),
    ),
    (
        "consultation_answered_after_received",
        lambda: f.ConsultationFactory.build(
            received_at=NOW, status="answered", answered_at=NOW - DAY
        ),
    ),
    (
        "answered_consultation_has_time",
        lambda: f.ConsultationFactory.build(status="answered", response="回答"),
    ),
    (
        "closed_consultation_has_time",
        lambda: f.ConsultationFactory.build(
            status="closed", received_at=NOW - DAY, answered_at=NOW
        ),
    ),
    (
        "one_open_assembly_request_per_group",
        lambda: (
            (request := f.AssemblyRequestFactory())
            and f.AssemblyRequestFactory.build(
                group=request.group, requested_by=request.requested_by
            )
        ),
    ),
    (
        "decided_assembly_request_has_time",
        lambda: f.AssemblyRequestFactory.build(
            group=f.CareGroupFactory(), requested_by=f.PhysicianFactory(), status="done"
        ),
    ),
    (
        "declined_assembly_request_has_note",
        lambda: f.AssemblyRequestFactory.build(
            group=f.CareGroupFactory(),
            requested_by=f.PhysicianFactory(),
            status="declined",
            decided_at=NOW + DAY,
        ),
    ),
    (
        "assembly_request_decided_after_requested",
        lambda: f.AssemblyRequestFactory.build(
            group=f.CareGroupFactory(),
            requested_by=f.PhysicianFactory(),
            status="done",
            requested_at=NOW,
            decided_at=NOW - DAY,
        ),
    ),
    (
        "complaint_goes_to_physician",
        lambda: f.ConsultationFactory.build(kind="complaint", referred_to="support_center"),
    ),
    (
        "facility_pledge_received_after_prepared",
        lambda: f.FacilityPledgeFactory.build(
            facility=f.FacilityFactory(), status="received", received_on=D - DAY
        ),
    ),
    (
        "facility_pledge_received_has_date",
        lambda: f.FacilityPledgeFactory.build(facility=f.FacilityFactory(), status="received"),
    ),
    (
        "staff_pledge_received_after_prepared",
        lambda: f.StaffPledgeFactory.build(
            staff_member=f.StaffMemberFactory(), status="received", received_on=D - DAY
        ),
    ),
    (
        "staff_pledge_exemption_has_note",
        lambda: f.StaffPledgeFactory.build(staff_member=f.StaffMemberFactory(), basis="exemption"),
    ),
    (
        "pledges_staffpledgesignature_sha256_length",
        lambda: f.StaffPledgeSignatureFactory.build(
            pledge=f.StaffPledgeFactory(), obtained_by=f.UserFactory(), pdf_sha256="not-a-hash"
        ),
    ),
    (
        # signed under the own login, yet a witness recorded
        "staff_pledge_signature_witness",
        lambda: f.StaffPledgeSignatureFactory.build(
            pledge=f.StaffPledgeFactory(), obtained_by=f.UserFactory(), own_session=True
        ),
    ),
    (
        "staff_pledge_received_has_date",
        lambda: f.StaffPledgeFactory.build(staff_member=f.StaffMemberFactory(), status="received"),
    ),
    (
        "patient_group_has_patient",
        lambda: f.CareGroupFactory.build(owner=f.FacilityFactory(), patient=None),
    ),
    (
        "free_group_has_no_patient",
        lambda: f.FreeGroupFactory.build(owner=f.FacilityFactory(), patient=f.PatientFactory()),
    ),
    ("free_group_has_name", lambda: f.FreeGroupFactory.build(owner=f.FacilityFactory(), name="")),
    (
        "one_active_group_per_patient",
        lambda: (
            (group := f.CareGroupFactory())
            and f.CareGroupFactory.build(owner=f.FacilityFactory(), patient=group.patient)
        ),
    ),
    (
        "group_archived_after_created",
        lambda: f.CareGroupFactory.build(
            owner=f.FacilityFactory(),
            patient=f.PatientFactory(),
            status="archived",
            archived_on=D - DAY,
        ),
    ),
    (
        "archived_group_has_date",
        lambda: f.CareGroupFactory.build(
            owner=f.FacilityFactory(), patient=f.PatientFactory(), status="archived"
        ),
    ),
    (
        "one_open_membership_per_person",
        lambda: (
            (membership := f.MembershipFactory())
            and f.MembershipFactory.build(
                group=membership.group, staff_member=membership.staff_member
            )
        ),
    ),
    (
        "membership_answered_after_invited",
        lambda: f.MembershipFactory.build(
            group=f.CareGroupFactory(),
            staff_member=f.StaffMemberFactory(),
            invited_at=NOW,
            responded_at=NOW - DAY,
        ),
    ),
    (
        "membership_approved_after_answered",
        lambda: f.MembershipFactory.build(
            group=f.CareGroupFactory(),
            staff_member=f.StaffMemberFactory(),
            invited_at=NOW,
            responded_at=NOW + DAY,
            approved_at=NOW,
        ),
    ),
    (
        "membership_ended_after_invited",
        lambda: f.MembershipFactory.build(
            group=f.CareGroupFactory(),
            staff_member=f.StaffMemberFactory(),
            invited_at=NOW,
            ended_at=NOW - DAY,
        ),
    ),
    (
        "membership_review_completed_has_date",
        lambda: f.MembershipReviewFactory.build(group=f.CareGroupFactory(), status="completed"),
    ),
    (
        "transfer_between_two_facilities",
        lambda: (
            (group := f.CareGroupFactory())
            and f.OwnershipTransferFactory.build(
                group=group, from_facility=group.owner, to_facility=group.owner
            )
        ),
    ),
    (
        "one_open_transfer_per_group",
        lambda: (
            (transfer := f.OwnershipTransferFactory())
            and f.OwnershipTransferFactory.build(
                group=transfer.group,
                from_facility=transfer.from_facility,
                to_facility=f.FacilityFactory(),
            )
        ),
    ),
    (
        "transfer_decided_after_requested",
        lambda: (
            (group := f.CareGroupFactory())
            and f.OwnershipTransferFactory.build(
                group=group,
                from_facility=group.owner,
                to_facility=f.FacilityFactory(),
                requested_at=NOW,
                decided_at=NOW - DAY,
            )
        ),
    ),
    (
        "consent_withdrawn_after_signed",
        lambda: f.PatientConsentFactory.build(
            group=f.CareGroupFactory(), signed_on=D, status="withdrawn", withdrawn_on=D - DAY
        ),
    ),
    (
        "consent_received_after_prepared",
        lambda: f.PatientConsentFactory.build(
            group=f.CareGroupFactory(), status="received", received_on=D - DAY
        ),
    ),
    (
        "one_open_designation_per_person",
        lambda: (
            (designation := f.ConsentDesignationFactory())
            and f.ConsentDesignationFactory.build(
                group=designation.group, staff_member=designation.staff_member
            )
        ),
    ),
    (
        "designation_ended_after_made",
        lambda: f.ConsentDesignationFactory.build(
            group=f.CareGroupFactory(),
            staff_member=f.StaffMemberFactory(),
            designated_on=D,
            ended_on=D - DAY,
        ),
    ),
    (
        "consent_exemption_has_note",
        lambda: f.PatientConsentFactory.build(group=f.CareGroupFactory(), basis="contract"),
    ),
    (
        "withdrawn_consent_has_date",
        lambda: f.PatientConsentFactory.build(group=f.CareGroupFactory(), status="withdrawn"),
    ),
    (
        "received_consent_has_date",
        lambda: f.PatientConsentFactory.build(group=f.CareGroupFactory(), status="received"),
    ),
    (
        "personal_device_has_permission",
        lambda: f.DeviceFactory.build(facility=f.FacilityFactory(), ownership="personal"),
    ),
    (
        "device_retired_after_registered",
        lambda: f.DeviceFactory.build(facility=f.FacilityFactory(), retired_on=D - DAY),
    ),
    (
        "carry_out_period_in_order",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.CarryOutNoticeFactory.build(
                staff_member=person, facility=person.facility, ends_on=D - DAY
            )
        ),
    ),
    (
        "carry_out_returned_after_start",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.CarryOutNoticeFactory.build(
                staff_member=person, facility=person.facility, returned_on=D - DAY
            )
        ),
    ),
    (
        "incident_reported_after_occurred",
        lambda: f.IncidentFactory.build(
            facility=f.FacilityFactory(), occurred_at=NOW, reported_at=NOW - DAY
        ),
    ),
    (
        "incident_closed_after_reported",
        lambda: f.IncidentFactory.build(
            facility=f.FacilityFactory(),
            occurred_at=NOW - DAY,
            reported_at=NOW,
            closed_at=NOW - DAY / 2,
        ),
    ),
    (
        "incident_final_after_preliminary",
        lambda: f.IncidentFactory.build(
            facility=f.FacilityFactory(), preliminary_report_on=D, final_report_on=D - DAY
        ),
    ),
    (
        "closed_incident_has_time",
        lambda: f.IncidentFactory.build(facility=f.FacilityFactory(), status="closed"),
    ),
    (
        "incident_closed_after_both_reports",
        lambda: f.IncidentFactory.build(
            facility=f.FacilityFactory(),
            involves_personal_data=True,
            preliminary_report_on=D,
            status="closed",
            closed_at=NOW,
        ),
    ),
    (
        "closed_carry_out_has_date",
        lambda: (
            (person := f.StaffMemberFactory())
            and f.CarryOutNoticeFactory.build(
                staff_member=person, facility=person.facility, status="closed"
            )
        ),
    ),
    (
        "withdrawn_consent_has_reason",
        lambda: f.PatientConsentFactory.build(
            group=f.CareGroupFactory(), status="withdrawn", signed_on=D, withdrawn_on=D
        ),
    ),
    (
        "one_open_review_per_group",
        lambda: (
            (review := f.MembershipReviewFactory())
            and f.MembershipReviewFactory.build(group=review.group)
        ),
    ),
    (
        "membership_review_entry_once",
        lambda: (
            (entry := f.MembershipReviewEntryFactory())
            and f.MembershipReviewEntryFactory.build(
                review=entry.review, membership=entry.membership
            )
        ),
    ),
    (
        "review_removal_has_reason",
        lambda: f.MembershipReviewEntryFactory.build(
            review=(review := f.MembershipReviewFactory()),
            membership=f.MembershipFactory(group=review.group),
            outcome="removed",
        ),
    ),
    (
        "transfer_refusal_has_reason",
        lambda: (
            (group := f.CareGroupFactory())
            and f.OwnershipTransferFactory.build(
                group=group,
                from_facility=group.owner,
                to_facility=f.FacilityFactory(),
                status="refused",
            )
        ),
    ),
    (
        "policy_version_once_a_day",
        lambda: PolicyVersion(effective_on=datetime.date(2017, 1, 27), label="重複"),
    ),
    (
        "policy_version_wording_numbered",
        lambda: PolicyVersion(effective_on=D, label="新版", form3_wording=0),
    ),
    (
        "pledge_round_one_open",
        lambda: f.PledgeRoundFactory(status="open") and f.PledgeRoundFactory.build(status="open"),
    ),
    (
        "pledge_round_due_after_opening",
        lambda: f.PledgeRoundFactory.build(opened_on=D, due_on=D, closed_on=D + DAY),
    ),
    (
        "pledge_round_closed_after_opening",
        lambda: f.PledgeRoundFactory.build(status="closed", closed_on=D - DAY),
    ),
    ("pledge_round_closed_has_date", lambda: f.PledgeRoundFactory.build(closed_on=None)),
    (
        "reminder_once_a_day",
        lambda: (
            (sent := f.SentReminderFactory())
            and f.SentReminderFactory.build(recipient=sent.recipient, key=sent.key)
        ),
    ),
    (
        "published_notice_has_publisher",
        lambda: f.NoticeFactory.build(status="published", published_at=NOW),
    ),
    (
        "withdrawn_notice_has_withdrawer",
        lambda: f.PublishedNoticeFactory.build(
            status="withdrawn", published_by=f.CenterUserFactory()
        ),
    ),
    (
        "notice_receipt_once_per_facility",
        lambda: (
            (receipt := f.NoticeReceiptFactory())
            and f.NoticeReceiptFactory.build(notice=receipt.notice, facility=receipt.facility)
        ),
    ),
    (
        "consents_consentsignature_sha256_length",
        lambda: signed_on_screen(pdf_sha256="abc"),
    ),
    ("consent_signature_has_patients", lambda: signed_on_screen(patient_signature=b"")),
    (
        "consent_signature_patient_proxy_whole",
        lambda: signed_on_screen(patient_proxy_name="三郷 花子"),
    ),
    (
        "consent_signature_family_proxy_whole",
        lambda: signed_on_screen(family_signature=b"png", family_proxy_relationship="長男"),
    ),
    (
        "consent_signature_family_proxy_signed",
        lambda: signed_on_screen(family_proxy_name="三郷 一郎", family_proxy_relationship="長男"),
    ),
    (
        "notice_read_when_and_by_whom",
        lambda: f.NoticeReceiptFactory.build(
            notice=f.PublishedNoticeFactory(), facility=f.FacilityFactory(), read_at=NOW
        ),
    ),
]


def test_every_constraint_has_a_case():
    from django.apps import apps

    project_apps = {
        "mcs_admin",
        "facilities",
        "pledges",
        "care_groups",
        "consents",
        "devices",
        "office",
    }
    names = {
        constraint.name
        for model in apps.get_models()
        if model._meta.app_label in project_apps
        for constraint in model._meta.constraints
    }
    # one-row tables no form writes (the chain's head only by the access log's insert), and
    # the compliance figures, which only their counting job writes
    assert names - {name for name, _ in CASES} == {
        "association_profile_singleton",
        "accessloghead_one_row",
        "id_figures_once_a_month",
        "category_figures_once_a_day",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build"), CASES, ids=[name for name, _ in CASES])
def test_constraint_gives_a_clear_message_and_the_database_refuses(name, build):
    obj = build()
    model = type(obj)
    before = model._default_manager.count()
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert str(constraint_message(model, name)) in error.value.messages

    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()
    assert model._default_manager.count() == before


@pytest.mark.django_db
def test_association_profile_is_a_single_row():
    f.AssociationProfileFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AssociationProfile.objects.bulk_create([AssociationProfile(pk=2, name="別の医師会")])
    assert AssociationProfile.objects.count() == 1


@pytest.mark.django_db
def test_closed_states_free_their_unique_slot():
    """A deleted ID, a removed member or an archived group no longer blocks a new one."""
    account = f.McsAccountFactory(status="deleted", deleted_on=f.TODAY)
    again = f.McsAccountFactory.build(staff_member=account.staff_member, login_id=account.login_id)
    again.full_clean()
    again.save()

    membership = f.MembershipFactory(status="removed", ended_at=NOW + DAY)
    rejoin = f.MembershipFactory.build(group=membership.group, staff_member=membership.staff_member)
    rejoin.full_clean()

    group = f.CareGroupFactory(status="archived", archived_on=f.TODAY)
    f.CareGroupFactory.build(owner=group.owner, patient=group.patient).full_clean()


@pytest.mark.django_db
def test_an_administrator_is_staff_of_their_facility():
    person = f.StaffMemberFactory()
    appointment = f.AdministratorAppointmentFactory.build(
        staff_member=person, facility=f.FacilityFactory()
    )
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert "staff_member" in error.value.message_dict


@pytest.mark.django_db
def test_the_attending_physician_is_a_physician():
    group = f.CareGroupFactory.build(
        owner=f.FacilityFactory(),
        patient=f.PatientFactory(),
        attending_physician=f.StaffMemberFactory(profession="nurse"),
    )
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "attending_physician" in error.value.message_dict
    group.attending_physician = f.PhysicianFactory()
    group.full_clean()
