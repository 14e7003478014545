"""One factory per model, each building a valid object with the fewest related rows."""

import datetime

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from consents.models import ConsentDesignation, ConsentSignature, PatientConsent
from devices.models import CarryOutNotice, Device, Incident
from facilities import models as facilities
from groups import models as groups
from mcs_admin.models import AccessLog, AssociationProfile, DocumentNumber, PolicyVersion, User
from mcs_admin.policy_versions import policy_versions_seed
from office.demo import SUPPORT_CENTER_GROUP, center_permissions
from office.models import Notice, NoticeReceipt, SentReminder
from pledges.models import (
    FacilityPledge,
    PledgeRound,
    StaffPledge,
    StaffPledgeSignature,
    TrainingSession,
)

TODAY = datetime.date(2026, 4, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"login{n}")
    last_name = "山田"
    first_name = "花子"
    password = factory.django.Password("correct-horse-42")


class CenterUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"center{n}")
    is_staff = True

    @factory.post_generation
    def center_role(user, create, extracted, **kwargs):
        group, _ = Group.objects.get_or_create(name=SUPPORT_CENTER_GROUP)
        group.permissions.set(center_permissions())
        user.groups.add(group)


class RoleGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"role {n}")


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    user = factory.SubFactory(UserFactory)
    username = factory.SelfAttribute("user.username")
    action = "print"
    target_type = "pledges.StaffPledge"
    target_ids = [1]
    description = "様式3"


class DocumentNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentNumber

    form_number = 3


class SentReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentReminder

    sent_on = TODAY
    recipient = factory.Sequence(lambda n: f"admin{n}@example.jp")
    kind = "membership_review"
    key = factory.Sequence(lambda n: f"review:{n}")


class AssociationProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationProfile
        django_get_or_create = ["id"]

    id = 1
    name = "三郷市医師会"
    chair_name = "青木成夫"
    support_center_name = "三郷市在宅医療・介護連携サポートセンター"
    email = "center@example.jp"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.Facility

    name = factory.Sequence(lambda n: f"テスト事業所{n}")
    name_kana = "テストジギョウショ"
    category = "hospital_clinic"
    status = "active"
    postal_code = "341-0011"
    address = "埼玉県三郷市テスト1-2-3"
    phone = "048-123-4567"
    manager_name = "管理 太郎"
    joined_on = TODAY


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.StaffMember

    facility = factory.SubFactory(FacilityFactory)
    family_name = "佐藤"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "サトウ"
    given_name_kana = "タロウ"
    profession = "nurse"
    gender = "male"
    email = factory.Sequence(lambda n: f"staff{n}@example.jp")
    address = "埼玉県三郷市テスト7-8-9"


class PhysicianFactory(StaffMemberFactory):
    profession = "physician"


class McsAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.McsAccount

    staff_member = factory.SubFactory(StaffMemberFactory)
    login_id = factory.Sequence(lambda n: f"mcs{n}@example.jp")
    status = "issued"
    requested_on = TODAY
    issued_on = TODAY
    password_changed_on = TODAY


class UsageApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.UsageApplication

    facility = factory.SubFactory(FacilityFactory, status="applying")
    prepared_on = TODAY


class ApplicationRosterLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.ApplicationRosterLine

    application = factory.SubFactory(UsageApplicationFactory)
    profession = "nurse"
    family_name = "鈴木"
    given_name = "一郎"
    gender = "male"
    email = factory.Sequence(lambda n: f"roster{n}@example.jp")


class ApplicationInvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; its link's token is `token` (the record keeps only its digest)."""

    class Meta:
        model = facilities.ApplicationInvitation

    class Params:
        token = factory.Sequence(lambda n: f"test-token-{n}")

    email = factory.Sequence(lambda n: f"applicant{n}@example.jp")
    token_digest = factory.LazyAttribute(lambda o: facilities.ApplicationInvitation.digest(o.token))
    invited_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.invited_at + datetime.timedelta(days=14))


class ProfessionSynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.ProfessionSynonym

    term = factory.Sequence(lambda n: f"term{n}")
    profession = "nurse"


class IdRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.IdRequest

    staff_member = factory.SubFactory(StaffMemberFactory)
    facility = factory.SelfAttribute("staff_member.facility")
    kind = "issue"


class RosterReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.RosterReview

    facility = factory.SubFactory(FacilityFactory)
    opened_on = TODAY
    due_on = TODAY + datetime.timedelta(days=30)


class RosterReviewEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.RosterReviewEntry

    review = factory.SubFactory(RosterReviewFactory)
    account = factory.SubFactory(
        McsAccountFactory, staff_member__facility=factory.SelfAttribute("...review.facility")
    )


class LeaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.Leave

    staff_member = factory.SubFactory(StaffMemberFactory)
    reason = "left"
    opened_on = TODAY


class LeaveItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.LeaveItem

    leave = factory.SubFactory(LeaveFactory)
    kind = factory.Sequence(
        lambda n: ["id_deletion", "groups", "devices", "pledge_reminder"][n % 4]
    )


class AdministratorAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.AdministratorAppointment

    staff_member = factory.SubFactory(StaffMemberFactory)
    facility = factory.SelfAttribute("staff_member.facility")
    started_on = TODAY


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.Consultation

    kind = "consultation"
    contact_name = "けやき居宅 欅田"
    summary = "ID 発行の手順について"
    referred_to = "support_center"
    due_on = TODAY + datetime.timedelta(days=facilities.CONSULTATION_ANSWER_DAYS)


def policy_version_in_force():
    """The version a new pledge takes, also in a test whose database was flushed."""
    return PolicyVersion.current() or policy_versions_seed()


class FacilityPledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityPledge

    policy_version = factory.LazyFunction(policy_version_in_force)

    facility = factory.SubFactory(FacilityFactory)
    manager_name = "管理 太郎"
    prepared_on = TODAY


class StaffPledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffPledge

    policy_version = factory.LazyFunction(policy_version_in_force)

    staff_member = factory.SubFactory(StaffMemberFactory)
    prepared_on = TODAY


class StaffPledgeSignatureFactory(factory.django.DjangoModelFactory):
    """A form 3 signed on an administrator's session (the witness); no sealed PDF behind it."""

    class Meta:
        model = StaffPledgeSignature

    pledge = factory.SubFactory(
        StaffPledgeFactory, status="received", signed_on=TODAY, received_on=TODAY
    )
    signature = b"\x89PNG"
    own_session = False
    obtained_by = factory.SubFactory(UserFactory)
    witness = factory.SelfAttribute("obtained_by")
    obtained_at = factory.LazyFunction(timezone.now)
    policy_version = factory.SelfAttribute("pledge.policy_version")
    pdf_sha256 = "0" * 64


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """An earlier version than the seeded ones (附則), so that it changes no pledge's rule."""

    class Meta:
        model = PolicyVersion

    effective_on = factory.Sequence(lambda n: datetime.date(2000, 1, 1) + datetime.timedelta(n))
    label = factory.Sequence(lambda n: f"試行版{n}")


class PledgeRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgeRound

    kind = PledgeRound.Kind.AMENDMENT
    policy_version = factory.LazyFunction(policy_version_in_force)
    opened_on = factory.LazyFunction(timezone.localdate)  # not yet due
    due_on = factory.LazyAttribute(lambda r: r.opened_on + datetime.timedelta(days=14))
    # closed: one round is open at a time, and a test opens it itself (status="open")
    status = PledgeRound.Status.CLOSED
    closed_on = factory.LazyAttribute(lambda r: r.opened_on if r.status == "closed" else None)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = "MCS 利用者研修"
    held_on = TODAY


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.Patient

    family_name = "三郷"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "ミサト"
    given_name_kana = "タロウ"
    address = "埼玉県三郷市テスト4-5-6"


class CareGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.CareGroup

    kind = "patient"
    owner = factory.SubFactory(FacilityFactory)
    patient = factory.SubFactory(PatientFactory)
    created_on = TODAY


class FreeGroupFactory(CareGroupFactory):
    kind = "free"
    patient = None
    name = factory.Sequence(lambda n: f"連絡会{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.Membership

    group = factory.SubFactory(CareGroupFactory)
    staff_member = factory.SubFactory(StaffMemberFactory)


class MembershipReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.MembershipReview

    group = factory.SubFactory(CareGroupFactory)
    due_on = TODAY


class MembershipReviewEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.MembershipReviewEntry

    review = factory.SubFactory(MembershipReviewFactory)
    membership = factory.SubFactory(
        MembershipFactory, group=factory.SelfAttribute("..review.group"), status="approved"
    )
    outcome = "confirmed"


class OwnershipTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.OwnershipTransfer

    group = factory.SubFactory(CareGroupFactory)
    from_facility = factory.SelfAttribute("group.owner")
    to_facility = factory.SubFactory(FacilityFactory)


class AssemblyRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.AssemblyRequest

    group = factory.SubFactory(CareGroupFactory)
    requested_by = factory.SubFactory(PhysicianFactory)
    note = "訪問看護師と薬剤師の招集をお願いします"


class PatientConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientConsent

    group = factory.SubFactory(CareGroupFactory)
    family_name = "三郷 花子"
    prepared_on = TODAY


class ConsentDesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDesignation

    group = factory.SubFactory(CareGroupFactory)
    staff_member = factory.SubFactory(StaffMemberFactory)
    instruction = "主治医の口頭指示"


class ConsentSignatureFactory(factory.django.DjangoModelFactory):
    """The record of a consent signed on the screen, without its sealed PDF (the signing
    service makes one: tests/consents/test_sign_on_screen.py)."""

    class Meta:
        model = ConsentSignature

    consent = factory.SubFactory(PatientConsentFactory, status="received", received_on=TODAY)
    obtained_by = factory.SubFactory(UserFactory)
    obtained_at = factory.LazyFunction(timezone.now)
    policy_version = factory.LazyFunction(policy_version_in_force)
    pdf_sha256 = "0" * 64
    patient_name = "三郷 太郎"
    patient_address = "埼玉県三郷市テスト4-5-6"
    patient_signature = b"\x89PNG\r\n\x1a\n"


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    facility = factory.SubFactory(FacilityFactory)
    kind = "tablet"
    label = factory.Sequence(lambda n: f"iPad {n}")
    ownership = "facility"
    registered_on = TODAY


class CarryOutNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarryOutNotice

    staff_member = factory.SubFactory(StaffMemberFactory)
    facility = factory.SelfAttribute("staff_member.facility")
    content = "訪問予定患者のグループ閲覧"
    medium = "タブレット"
    purpose = "訪問時の確認"
    starts_on = TODAY
    ends_on = TODAY + datetime.timedelta(days=7)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    facility = factory.SubFactory(FacilityFactory)
    kind = "lost"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    description = "訪問先でタブレットを紛失"


class FacilityUserObjectPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.FacilityUserObjectPermission

    user = factory.SubFactory(UserFactory)
    content_object = factory.SubFactory(FacilityFactory)
    permission = factory.LazyFunction(
        lambda: Permission.objects.get(
            codename="view_facility", content_type__app_label="facilities"
        )
    )


class FacilityGroupObjectPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = facilities.FacilityGroupObjectPermission

    group = factory.SubFactory(RoleGroupFactory)
    content_object = factory.SubFactory(FacilityFactory)
    permission = FacilityUserObjectPermissionFactory.permission


class CareGroupUserObjectPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.CareGroupUserObjectPermission

    user = factory.SubFactory(UserFactory)
    content_object = factory.SubFactory(CareGroupFactory)
    permission = factory.LazyFunction(
        lambda: Permission.objects.get(
            codename="view_caregroup", content_type__app_label="care_groups"
        )
    )


class CareGroupGroupObjectPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = groups.CareGroupGroupObjectPermission

    group = factory.SubFactory(RoleGroupFactory)
    content_object = factory.SubFactory(CareGroupFactory)
    permission = CareGroupUserObjectPermissionFactory.permission


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"研修会のお知らせ{n}")
    body = "MCS運用研修会を開催します。各事業所の管理者は出席してください。"


class PublishedNoticeFactory(NoticeFactory):
    status = Notice.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    published_by = factory.SubFactory(CenterUserFactory)


class NoticeReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeReceipt

    notice = factory.SubFactory(PublishedNoticeFactory)
    facility = factory.SubFactory(FacilityFactory)


# The factory of each model, for the tests that go over every model.
FACTORIES = {
    factory_class._meta.model: factory_class
    for factory_class in [
        UserFactory,
        RoleGroupFactory,
        AccessLogFactory,
        DocumentNumberFactory,
        SentReminderFactory,
        NoticeFactory,
        NoticeReceiptFactory,
        AssociationProfileFactory,
        FacilityFactory,
        StaffMemberFactory,
        McsAccountFactory,
        UsageApplicationFactory,
        ApplicationRosterLineFactory,
        ApplicationInvitationFactory,
        ProfessionSynonymFactory,
        IdRequestFactory,
        RosterReviewFactory,
        RosterReviewEntryFactory,
        AdministratorAppointmentFactory,
        LeaveFactory,
        LeaveItemFactory,
        ConsultationFactory,
        FacilityPledgeFactory,
        StaffPledgeFactory,
        StaffPledgeSignatureFactory,
        TrainingSessionFactory,
        PolicyVersionFactory,
        PledgeRoundFactory,
        PatientFactory,
        CareGroupFactory,
        MembershipFactory,
        MembershipReviewFactory,
        MembershipReviewEntryFactory,
        OwnershipTransferFactory,
        AssemblyRequestFactory,
        PatientConsentFactory,
        ConsentDesignationFactory,
        ConsentSignatureFactory,
        DeviceFactory,
        CarryOutNoticeFactory,
        IncidentFactory,
        FacilityUserObjectPermissionFactory,
        FacilityGroupObjectPermissionFactory,
        CareGroupUserObjectPermissionFactory,
        CareGroupGroupObjectPermissionFactory,
    ]
}
