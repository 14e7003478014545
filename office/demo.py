"""Builds the demo registry idempotently: what exists is found by its natural key and kept."""

from datetime import timedelta
from itertools import cycle

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from consents.models import ConsentDesignation, PatientConsent
from devices.models import CarryOutNotice, Consideration, Device, Incident
from facilities.models import (
    CONSULTATION_ANSWER_DAYS,
    AdministratorAppointment,
    ApplicationRosterLine,
    Consultation,
    Facility,
    IdRequest,
    Leave,
    LeaveItem,
    McsAccount,
    RosterReview,
    RosterReviewEntry,
    StaffMember,
    UsageApplication,
)
from facilities.services import staff_link_login
from groups.models import (
    AssemblyRequest,
    CareGroup,
    Membership,
    MembershipReview,
    OwnershipTransfer,
    Patient,
)
from groups.services import reviews_schedule_missing, sync_manager_permission
from mcs_admin.history import save_by
from mcs_admin.models import AssociationProfile, PolicyVersion, User
from mcs_admin.policy_versions import policy_versions_seed
from mcs_admin.roles import CENTER_APPS
from mcs_admin.second_factor import demo_enrol
from office import demo_data, figures
from office.models import Notice, NoticeReceipt
from office.notices import notice_confirm_read, notice_publish
from pledges.models import FacilityPledge, PledgeRound, StaffPledge, TrainingSession
from pledges.services import confirmation_round_open_if_due

SUPPORT_CENTER_GROUP = "サポートセンター職員"  # a role group as the center names it
EXEMPTION_NOTE = "入職時の守秘義務誓約書（人事保管）"
RESTRICTION_REASON = "患者情報を目的外に閲覧したため利用を制限"


def ensure(model, lookup: dict, **values):
    """The object matching `lookup`, created (validated) with `values` if it is missing."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
    return obj


def center_permissions():
    """The support center's model permissions: every model of the registry, but not the
    per-object roles of facility administrators and group managers."""
    return Permission.objects.filter(content_type__app_label__in=CENTER_APPS).exclude(
        codename__in=["administer_facility", "manage_caregroup"]
    )


class DemoBuilder:
    def __init__(self, password: str):
        self.password = password
        self.today = timezone.localdate()
        self.now = timezone.now()

    def days_ago(self, days: int):
        return self.today - timedelta(days=days)

    @transaction.atomic
    def build(self) -> list[User]:
        policy_versions_seed()  # as migrated (a flushed test database has none)
        profile = AssociationProfile.objects.filter(pk=1).first()
        if profile is None:
            profile = AssociationProfile(pk=1, **demo_data.ASSOCIATION)
            profile.full_clean()
            profile.save()
        facilities = [self.facility(i, *row) for i, row in enumerate(demo_data.FACILITIES)]
        staff = {facility.pk: self.staff(i, facility) for i, facility in enumerate(facilities)}
        self.training(facilities, staff)
        self.applications(facilities)
        groups = self.groups(facilities, staff)
        reviews_schedule_missing()  # every active group has its review, as in production
        self.devices(facilities, staff)
        self.requests_and_reviews(facilities, staff)
        self.leaver(staff[facilities[6].pk][2])
        self.pledge_rounds(facilities)
        logins = self.logins(facilities, staff, groups)
        self.notices(facilities, logins)
        return logins

    def pledge_rounds(self, facilities):
        """Last year's confirmation of participation, which one facility never answered, and
        this year's, opened as the daily job opens it."""
        opened = self.days_ago(380)
        ensure(
            PledgeRound,
            {"kind": PledgeRound.Kind.CONFIRMATION, "opened_on": opened},
            policy_version=PolicyVersion.current(opened),
            due_on=self.days_ago(366),
            status=PledgeRound.Status.CLOSED,
            closed_on=self.days_ago(360),
        )
        active = [facility for facility in facilities if facility.status == "active"]
        for facility in active[:-1]:
            ensure(
                FacilityPledge,
                {"facility": facility, "prepared_on": opened},
                manager_name=facility.manager_name,
                status="received",
                signed_on=self.days_ago(375),
                received_on=self.days_ago(370),
            )
        confirmation_round_open_if_due()

    def facility(self, index, name, kana, category, status, manager):
        joined = None if status == "applying" else self.days_ago(900 - index * 30)
        facility = ensure(
            Facility,
            {"name": name},
            name_kana=kana,
            category=category,
            status=status,
            postal_code=f"341-{index:04d}",
            address=f"埼玉県三郷市（デモ）{index + 1}-{index + 2}",
            phone=f"048-{950 + index:03d}-{1000 + index * 7:04d}",
            email=f"office{index:02d}@mcs-demo.example",
            manager_name=manager,
            applied_on=self.days_ago(930 - index * 30),
            joined_on=joined,
            left_on=self.days_ago(60) if status == "withdrawn" else None,
        )
        if status in ("active", "suspended", "withdrawn"):
            ensure(
                FacilityPledge,
                {"facility": facility},
                manager_name=manager,
                status="received",
                prepared_on=facility.applied_on,
                signed_on=facility.applied_on,
                received_on=facility.joined_on,
            )
        return facility

    def staff(self, index, facility) -> list[StaffMember]:
        people = []
        professions = demo_data.PROFESSIONS[facility.category]
        for n, profession in enumerate(professions):
            family, family_kana = demo_data.FAMILY_NAMES[(index * 3 + n) % 20]
            given, given_kana, gender = demo_data.GIVEN_NAMES[(index * 5 + n * 2) % 13]
            person = ensure(
                StaffMember,
                {"facility": facility, "email": f"staff{index:02d}{n}@mcs-demo.example"},
                family_name=family,
                given_name=given,
                family_name_kana=family_kana,
                given_name_kana=given_kana,
                profession=profession,
                gender=gender,
                address=f"埼玉県三郷市（デモ）{index + 20}-{n + 1}",
                joined_on=facility.joined_on,
            )
            people.append(person)
            if facility.status == "applying":
                continue
            self.account(index, n, person)
            if n == 0:
                ensure(
                    AdministratorAppointment,
                    {"facility": facility, "staff_member": person},
                    started_on=facility.joined_on,
                    ended_on=facility.left_on,
                )
            if (index + n) % 7 != 3:  # a few staff without a pledge, for the dashboards
                basis = "exemption" if (index + n) % 5 == 4 else "signed"
                ensure(
                    StaffPledge,
                    {"staff_member": person},
                    basis=basis,
                    status="received",
                    prepared_on=facility.joined_on,
                    signed_on=facility.joined_on,
                    received_on=facility.joined_on,
                    exemption_note="入職時の守秘義務誓約書（人事保管）"
                    if basis == "exemption"
                    else "",
                )
        return people

    def account(self, index, n, person):
        if person.mcs_accounts.exists():
            return
        status = "deleted" if person.facility.status == "withdrawn" else "issued"
        if person.facility.status == "active" and (index, n) == (6, 2):
            status = "restricted"
        elif person.facility.status == "active" and (index, n) == (3, 2):
            status = "deletion_pending"
        # password ages that cover every reminder: fresh, due within 7 days, older than 2 months
        password_age = [10, 55, 75, 30][(index + n) % 4]
        ensure(
            McsAccount,
            {"staff_member": person},
            login_id=f"misato{index:02d}{n}@mcs-demo.example",
            status=status,
            requested_on=person.joined_on,
            issued_on=person.joined_on,
            deleted_on=self.days_ago(40) if status == "deleted" else None,
            password_changed_on=self.days_ago(password_age),
            status_reason="患者情報を目的外に閲覧したため利用を制限"
            if status == "restricted"
            else "",
        )

    def training(self, facilities, staff):
        active = [f for f in facilities if f.status == "active"]
        for title, days, attendee_count in [
            ("MCS 利用者研修（個人情報保護と IT 機器の管理）", 400, 3),
            ("MCS 管理者研修（ID・グループ管理）", 90, 1),
        ]:
            session = TrainingSession.objects.filter(title=title).first()
            if session is None:
                session = ensure(
                    TrainingSession,
                    {"title": title},
                    held_on=self.days_ago(days),
                    description="サポートセンター主催、市内参加事業所向け",
                )
                session.attendees.set(
                    person for f in active for person in staff[f.pk][:attendee_count]
                )

    def applications(self, facilities):
        applying = next(f for f in facilities if f.status == "applying")
        application = ensure(UsageApplication, {"facility": applying}, prepared_on=self.days_ago(5))
        roster = [
            ("physician", "早川", "道夫", "ハヤカワ", "ミチオ", "male", True),
            ("nurse", "早川", "紀子", "ハヤカワ", "ノリコ", "female", False),
            ("clerk", "今井", "朋美", "イマイ", "トモミ", "female", False),
        ]
        for n, (profession, family, given, fkana, gkana, gender, is_admin) in enumerate(roster):
            ensure(
                ApplicationRosterLine,
                {"application": application, "email": f"waseda{n}@mcs-demo.example"},
                profession=profession,
                family_name=family,
                given_name=given,
                family_name_kana=fkana,
                given_name_kana=gkana,
                gender=gender,
                is_administrator=is_admin,
            )
        for facility in facilities[:2]:
            ensure(
                UsageApplication,
                {"facility": facility},
                status="approved",
                prepared_on=facility.applied_on,
                received_on=facility.applied_on,
                decided_on=facility.joined_on,
                note="デモ: 承認済みの申込",
            )

    def groups(self, facilities, staff) -> dict:
        clinic, nursing = facilities[0], facilities[1]
        physician = staff[clinic.pk][0]
        patients = [
            ensure(
                Patient,
                {"family_name": family, "given_name": given},
                family_name_kana=fkana,
                given_name_kana=gkana,
                address=address,
            )
            for family, given, fkana, gkana, address in demo_data.PATIENTS
        ]
        owners = cycle([clinic, nursing, clinic, nursing, facilities[5], clinic, nursing])
        groups = {}
        for n, (patient, owner) in enumerate(zip(patients, owners, strict=False)):
            archived = n == 6
            groups[patient.pk] = ensure(
                CareGroup,
                {"patient": patient, "kind": "patient"},
                owner=owner,
                attending_physician=physician,
                created_on=self.days_ago(300 - n * 20),
                status="archived" if archived else "active",
                archived_on=self.days_ago(10) if archived else None,
                archive_reason="施設入所により在宅療養終了" if archived else "",
            )
        free = ensure(
            CareGroup,
            {"kind": "free", "name": "三郷市北部 多職種連絡会"},
            owner=facilities[4],
            created_on=self.days_ago(200),
        )
        ensure(
            CareGroup,
            {"kind": "free", "name": "みさと訪問看護 事業所内連絡"},
            owner=nursing,
            created_on=self.days_ago(150),
        )
        self.consents(list(groups.values()), staff[clinic.pk][1])
        self.memberships(list(groups.values()), free, facilities, staff)
        return groups

    def consents(self, groups, nurse):
        basis_status = [
            ("signed_form", "received"),
            ("signed_form", "received"),
            ("contract", "received"),
            ("signed_form", "prepared"),
            ("signed_form", "withdrawn"),
            ("signed_form", "received"),
            ("signed_form", "received"),
        ]
        # 独自ルール 1: the physician of the second group had the clinic's nurse obtain it
        ensure(
            ConsentDesignation,
            {"group": groups[1], "staff_member": nurse},
            designated_on=groups[1].created_on,
            instruction="主治医の口頭指示により訪問看護師が取得",
        )
        for n, (group, (basis, status)) in enumerate(zip(groups, basis_status, strict=False)):
            signed = None if status == "prepared" else group.created_on
            ensure(
                PatientConsent,
                {"group": group},
                basis=basis,
                status=status,
                family_name="" if basis == "contract" else f"{group.patient.family_name} 花子",
                family_relationship="" if basis == "contract" else "長女",
                family_address=group.patient.address,
                prepared_on=group.created_on,
                signed_on=signed,
                received_on=signed if status != "prepared" else None,
                obtained_by=nurse if n == 1 else group.attending_physician,
                exemption_note="訪問看護契約書 第12条に連携先への情報提供の同意あり"
                if basis == "contract"
                else "",
                withdrawn_on=self.days_ago(3) if status == "withdrawn" else None,
                withdrawal_reason="家族の意向により同意撤回" if status == "withdrawn" else "",
            )

    def memberships(self, groups, free, facilities, staff):
        clinic, nursing = facilities[0], facilities[1]
        pharmacy, care_planning = facilities[3], facilities[5]
        states = cycle(["approved", "approved", "accepted", "invited", "declined", "removed"])
        invitees = [
            staff[nursing.pk][0],
            staff[nursing.pk][1],
            staff[pharmacy.pk][0],
            staff[care_planning.pk][0],
            staff[clinic.pk][1],
            staff[facilities[6].pk][1],
        ]
        for g, group in enumerate(groups):
            owner_staff = staff[group.owner_id]
            self.membership(group, owner_staff[0], "approved", role="manager")
            for n, person in enumerate(invitees):
                if person.facility_id == group.owner_id:
                    continue
                self.membership(group, person, next(states) if (g + n) % 2 == 0 else "approved")
        # user-a (clinic staff 1) invited to a group of the nursing station, to accept;
        # and nursing staff 2 accepted a clinic group, for admin-b to approve
        self.membership(groups[1], staff[clinic.pk][2], "invited")
        # and a clinic physician accepted a nursing station's group, for admin-a to approve
        self.membership(groups[1], staff[clinic.pk][3], "accepted")
        self.membership(groups[0], staff[nursing.pk][2], "accepted")
        self.membership(groups[0], staff[nursing.pk][3], "cancelled")
        for person in staff[facilities[4].pk] + staff[care_planning.pk]:
            self.membership(free, person, "approved")
        for g, group in enumerate(groups[:5]):
            due = self.days_ago(20) if g % 2 == 0 else self.today + timedelta(days=40)
            ensure(MembershipReview, {"group": group, "due_on": due})
        # 独自ルール 5: the clinic's physician asked the center to assemble members
        ensure(
            AssemblyRequest,
            {"group": groups[0]},
            requested_by=groups[0].attending_physician,
            note="退院後の訪問歯科医と管理栄養士の招集をお願いします",
            requested_at=self.now - timedelta(days=2),
        )
        ensure(
            MembershipReview,
            {"group": groups[0], "due_on": self.days_ago(200)},
            status="completed",
            completed_on=self.days_ago(195),
            outcome="全メンバーの担当継続を確認",
        )
        ensure(
            OwnershipTransfer,
            {"group": groups[3], "status": "requested"},
            from_facility=groups[3].owner,
            to_facility=clinic,
            reason="主治医の変更に伴い管理施設を変更",
        )

    def membership(self, group, person, status, role="member"):
        invited = self.now - timedelta(days=30)
        answered = invited + timedelta(days=1) if status != "invited" else None
        approved = answered + timedelta(days=1) if status in ("approved", "removed") else None
        ended = invited + timedelta(days=5) if status in ("cancelled", "removed") else None
        ensure(
            Membership,
            {"group": group, "staff_member": person},
            role=role,
            status=status,
            invited_at=invited,
            responded_at=answered,
            approved_at=approved,
            ended_at=ended,
            end_reason="担当から外れたため" if status == "removed" else "",
        )

    def devices(self, facilities, staff):
        kinds = cycle(["tablet", "pc", "smartphone"])
        for index, facility in enumerate(facilities):
            if facility.status != "active":
                continue
            for n, person in enumerate(staff[facility.pk][:2]):
                personal = (index + n) % 6 == 5
                complete = (index + n) % 4 != 1
                ensure(
                    Device,
                    {"facility": facility, "label": f"MCS端末 {index:02d}-{n + 1}"},
                    kind=next(kinds),
                    ownership="personal" if personal else "facility",
                    assigned_to=person,
                    registered_on=facility.joined_on,
                    personal_use_permitted_on=facility.joined_on if personal else None,
                    boot_password=True,
                    no_file_sharing=True,
                    antivirus=complete,
                    browser_saves_no_password=complete,
                    follows_procedures=True,
                    remote_wipe=Consideration.ADOPTED if complete else Consideration.CONSIDERED,
                    mdm=Consideration.CONSIDERED,
                )
        clinic, nursing = facilities[0], facilities[1]
        tablet = Device.objects.filter(facility=nursing).first()
        ensure(
            CarryOutNotice,
            {
                "facility": nursing,
                "staff_member": staff[nursing.pk][1],
                "medium": "訪問用タブレット",
            },
            device=tablet,
            content="訪問予定患者の MCS グループ閲覧",
            purpose="訪問看護時の情報確認",
            starts_on=self.today,
            ends_on=self.today + timedelta(days=30),
        )
        ensure(
            CarryOutNotice,
            {"facility": clinic, "staff_member": staff[clinic.pk][0], "medium": "往診用ノートPC"},
            content="往診先での MCS 参照",
            purpose="往診",
            starts_on=self.days_ago(20),
            ends_on=self.today + timedelta(days=10),
            status="acknowledged",
            acknowledged_at=self.now - timedelta(days=19),
        )
        ensure(
            Incident,
            {"facility": nursing, "kind": "lost"},
            occurred_at=self.now - timedelta(days=2),
            reported_at=self.now - timedelta(days=2) + timedelta(hours=3),
            reported_by=staff[nursing.pk][1],
            device=tablet,
            description="訪問先からの帰路で訪問用タブレットを紛失。端末ロックあり。",
            involves_personal_data=True,
            remote_wipe_done=True,
        )

    def requests_and_reviews(self, facilities, staff):
        clinic, nursing = facilities[0], facilities[1]
        newcomer = ensure(
            StaffMember,
            {"facility": clinic, "email": "newcomer@mcs-demo.example"},
            family_name="新井",
            given_name="純",
            family_name_kana="アライ",
            given_name_kana="ジュン",
            profession="nurse",
            gender="female",
            joined_on=self.days_ago(7),
        )
        ensure(
            IdRequest,
            {"staff_member": newcomer, "kind": "issue"},
            facility=clinic,
            requested_at=self.now - timedelta(days=6),
        )
        leaver = staff[nursing.pk][3]
        ensure(
            IdRequest,
            {"staff_member": leaver, "kind": "change"},
            facility=nursing,
            account=leaver.mcs_accounts.first(),
            details="メールアドレス変更",
            status="done",
            requested_at=self.now - timedelta(days=50),
            handled_at=self.now - timedelta(days=48),
        )
        ensure(
            IdRequest,
            {"staff_member": staff[facilities[3].pk][2], "kind": "delete"},
            facility=facilities[3],
            account=staff[facilities[3].pk][2].mcs_accounts.first(),
            requested_at=self.now - timedelta(days=12),
        )
        review = ensure(
            RosterReview,
            {"facility": clinic, "due_on": self.today + timedelta(days=14)},
            opened_on=self.days_ago(16),
        )
        for n, account in enumerate(
            McsAccount.objects.filter(staff_member__facility=clinic).exclude(status="deleted")
        ):
            ensure(
                RosterReviewEntry,
                {"review": review, "account": account},
                outcome="current" if n == 0 else "pending",
                confirmed_at=self.now - timedelta(days=2) if n == 0 else None,
            )
        ensure(
            Consultation,
            {"contact_name": "けやき居宅介護支援事業所 欅田"},
            kind="consultation",
            facility=facilities[5],
            summary="新しいケアマネジャーの ID 発行手順について",
            referred_to="support_center",
            response="様式1の追記と様式3の提出を案内",
            received_at=self.now - timedelta(days=9),
            due_on=self.days_ago(9) + timedelta(days=CONSULTATION_ANSWER_DAYS),
            status="closed",
            answered_at=self.now - timedelta(days=8),
            closed_at=self.now - timedelta(days=8),
        )
        ensure(
            Consultation,
            {"contact_name": "患者家族（匿名希望）"},
            kind="complaint",
            summary="グループ内の書き込みが第三者に見られたのではないかとの不安",
            referred_to="attending_physician",
            received_at=self.now - timedelta(days=1),
            due_on=self.days_ago(1) + timedelta(days=CONSULTATION_ANSWER_DAYS),
        )
        # one the center has not answered in time, from the clinic's own pages
        ensure(
            Consultation,
            {"contact_name": f"{facilities[0].name} 管理者"},
            kind="consultation",
            facility=facilities[0],
            summary="退職者の MCS ID 削除の依頼後、削除完了の確認方法を知りたい",
            referred_to="support_center",
            received_at=self.now - timedelta(days=20),
            due_on=self.days_ago(20) + timedelta(days=CONSULTATION_ANSWER_DAYS),
        )

    def leaver(self, person):
        """A home helper no longer in charge of MCS: the checklist waits for the reminder of
        the pledge's duty after leaving (and for the center to delete the ID)."""
        opened = self.days_ago(5)
        ensure(
            IdRequest,
            {"staff_member": person, "kind": "delete"},
            facility=person.facility,
            account=person.mcs_accounts.first(),
            requested_at=self.now - timedelta(days=5),
        )
        leave = ensure(Leave, {"staff_member": person}, reason="not_in_charge", opened_on=opened)
        for kind in LeaveItem.Kind:
            done = kind != LeaveItem.Kind.PLEDGE_REMINDER
            ensure(
                LeaveItem,
                {"leave": leave, "kind": kind},
                status="done" if done else "open",
                closed_at=self.now - timedelta(days=5) if done else None,
            )

    def notices(self, facilities, logins):
        """Two notices from the center: one to every facility, published ten days ago, that the
        nursing station (admin-b) has read and the clinic (admin-a) has not, so it is reminded;
        one to the visiting-nursing stations, published two days ago."""
        center, admin_b = logins[0], logins[2]
        for title, body, audience, categories, days in demo_data.NOTICES:
            notice = ensure(
                Notice, {"title": title}, body=body, audience=audience, categories=categories
            )
            if notice.status == Notice.Status.DRAFT:
                notice = notice_publish(notice=notice, by=center)
                notice.published_at = self.now - timedelta(days=days)  # as if then
                save_by(notice, center)
        notice = Notice.objects.get(title=demo_data.NOTICES[0][0])
        if not NoticeReceipt.objects.filter(notice=notice, facility=facilities[1]).first().read_at:
            notice_confirm_read(notice=notice, facility=facilities[1], by=admin_b)

    def logins(self, facilities, staff, groups) -> list[User]:
        center_group, _ = Group.objects.get_or_create(name=SUPPORT_CENTER_GROUP)
        center_group.permissions.set(center_permissions())
        center = self.login("center", "センター", "サポート", is_staff=True)
        center.groups.add(center_group)
        clinic, nursing = facilities[0], facilities[1]
        people = {
            "admin-a": staff[clinic.pk][0],
            "admin-b": staff[nursing.pk][0],
            "user-a": staff[clinic.pk][2],
            "user-b": staff[nursing.pk][1],
        }
        logins = [center]
        for username, person in people.items():
            user = self.login(username, person.given_name, person.family_name, email=person.email)
            if person.user_id is None:
                staff_link_login(staff_member=person, user=user)
            logins.append(user)
        for membership in Membership.objects.filter(
            staff_member__user__in=logins, role=Membership.Role.MANAGER
        ):
            sync_manager_permission(membership)
        return logins

    def login(self, username, first_name, last_name, **extra) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first_name, last_name=last_name, **extra)
            validate_password(self.password, user)
            user.set_password(self.password)
            user.save()
        elif not user.check_password(self.password):
            validate_password(self.password, user)
            user.set_password(self.password)
            user.save()
        demo_enrol(user)  # a known authenticator secret: `manage.py demo_code` shows its code
        return user


def build_demo() -> list[User]:
    logins = DemoBuilder(settings.DEMO_PASSWORD).build()
    figures.recount()  # the compliance dashboard's figures, as the scheduled job counts them
    return logins
