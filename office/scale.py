"""A prefecture-sized registry for benchmarks (`seed_scale`): bulk creation, history included.

Per facility: three logins, 10 staff with MCS IDs (the first its MCS administrator) and their
pledges (様式3), one in twenty with an earlier ID deleted, an ID request for each, 6 groups
(5 patient groups with their consents, 1 free) with 60 memberships in every state, 6 devices;
the history a year of their steps leaves (office.scale_history), by the logins that took them.
5,000 facilities give 50,000 staff, 30,000 groups, 300,000 memberships and 30,000 devices, and
a year of the access log: 10,000,000 entries (office.scale_access_log). The association
profile gets a support center address if it has none.
"""

import datetime
import random
from collections import defaultdict
from itertools import cycle

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from consents.models import PatientConsent
from devices.models import Device
from facilities.models import (
    AdministratorAppointment,
    Category,
    Facility,
    IdRequest,
    McsAccount,
    StaffMember,
)
from groups.models import CareGroup, Membership, Patient
from mcs_admin.choices import Gender, Profession
from mcs_admin.models import AccessLog, AssociationProfile, DocumentNumber, PolicyVersion, User
from office.scale_access_log import build_access_log
from office.scale_history import CLERKS, HistoryWriter, at
from pledges.models import StaffPledge

KANA_DIGITS = str.maketrans("0123456789", "アイウエオカキクケコ")

STAFF, GROUPS, DEVICES = 10, 6, 6
MEMBERS_PER_GROUP = 10
MEMBERSHIP_STATES = ["approved"] * 6 + ["invited", "accepted", "declined", "removed"]
BATCH = 2000


def _dated(objects, days_back: int, rng: random.Random):
    """Spread the objects' first history entries over the past `days_back` days."""
    now = timezone.now()
    for obj in objects:
        obj._history_date = now - datetime.timedelta(
            days=rng.randrange(days_back), hours=rng.randrange(24)
        )
    return objects


def _day_after(day: datetime.date, rng: random.Random) -> datetime.date:
    """A day after `day`, by today."""
    return day + datetime.timedelta(days=rng.randint(1, (timezone.localdate() - day).days))


def _create(model, objects, rng):
    return bulk_create_with_history(_dated(objects, 365, rng), model, batch_size=BATCH)


class ScaleBuilder:
    def __init__(self, facilities: int, seed: int = 2026):
        self.count = facilities
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.start = Facility.objects.count()

    @transaction.atomic
    def build(self) -> dict:
        profile = AssociationProfile.current()
        if not profile.email:  # so that the support center's reminders go out too
            profile.email = "center@scale.example"
            profile.save()
        self.clerks = [
            User.objects.get_or_create(username=f"center{n + 1:02d}", defaults={"password": "!"})[
                0
            ].pk
            for n in range(CLERKS)
        ]
        self.history = 0
        for chunk_start in range(0, self.count, 500):
            self._chunk(range(chunk_start, min(chunk_start + 500, self.count)))
        build_access_log(self.count, self.rng)
        return {
            "facilities": Facility.objects.count(),
            "staff": StaffMember.objects.count(),
            "groups": CareGroup.objects.count(),
            "memberships": Membership.objects.count(),
            "devices": Device.objects.count(),
            "history entries of the year": self.history,
            "access log": AccessLog.objects.count(),
        }

    def _logins(self, facilities) -> dict[int, list[int]]:
        """Each facility's three logins (its MCS administrator and two staff), named as the
        access log names them: the acting logins of the history."""
        users = _create(
            User,
            [
                User(username=f"f{facility.pk:05d}-{k}", password="!")
                for facility in facilities
                for k in range(3)
            ],
            self.rng,
        )
        return {
            facility.pk: [user.pk for user in users[3 * n : 3 * n + 3]]
            for n, facility in enumerate(facilities)
        }

    def _chunk(self, numbers):
        rng, story, today = self.rng, HistoryWriter(), self.today
        categories = cycle(Category.values)
        facilities = _create(
            Facility,
            [
                Facility(
                    name=f"県内事業所{self.start + n:05d}",
                    name_kana=f"ケンナイジギョウショ{self.start + n:05d}".translate(KANA_DIGITS),
                    category=next(categories),
                    status="active",
                    postal_code=f"3{n % 100:02d}-{n % 10000:04d}",
                    address=f"埼玉県（規模試験）{n}",
                    phone=f"048-{n % 1000:03d}-{n % 10000:04d}",
                    manager_name="管理 太郎",
                    joined_on=today - datetime.timedelta(days=400),
                )
                for n in numbers
            ],
            rng,
        )
        logins = self._logins(facilities)
        professions = Profession.values
        staff = StaffMember.objects.bulk_create(
            [
                StaffMember(
                    facility=facility,
                    family_name=f"試験{i}",
                    given_name=f"職員{facility.pk}",
                    family_name_kana="シケン",
                    given_name_kana="ショクイン",
                    profession=professions[(facility.pk + i) % len(professions)],
                    gender=Gender.FEMALE if i % 2 else Gender.MALE,
                    email=f"s{facility.pk}-{i}@scale.example",
                )
                for facility in facilities
                for i in range(STAFF)
            ],
            batch_size=BATCH,
        )
        registered = today - datetime.timedelta(days=330)
        for person in staff:  # registered by the administrator; a quarter edited since
            admin = logins[person.facility_id][0]
            edited = rng.random() < 0.25
            was = {"email": f"old-{person.email}"} if edited else {}
            story.add(person, at(registered, rng), admin, "+", **was)
            if edited:
                story.add(person, at(_day_after(registered, rng), rng), admin)
        _create(  # 第7条: each facility's first staff member is its MCS administrator
            AdministratorAppointment,
            [
                AdministratorAppointment(
                    facility=person.facility,
                    staff_member=person,
                    started_on=today - datetime.timedelta(days=300),
                )
                for person in staff[::STAFF]
            ],
            rng,
        )
        self._accounts(staff, logins, story)
        self._pledges(staff, logins, story)
        patients = _create(
            Patient,
            [
                Patient(family_name=f"患者{facility.pk}", given_name=f"{g}", address="埼玉県")
                for facility in facilities
                for g in range(GROUPS - 1)
            ],
            rng,
        )
        for patient in patients:  # a tenth moved house
            if rng.random() < 0.1:
                story.add(
                    patient,
                    at(_day_after(today - datetime.timedelta(days=300), rng), rng),
                    rng.choice(self.clerks),
                )
        patient_iter = iter(patients)
        groups = []
        for facility in facilities:
            for g in range(GROUPS):
                patient = next(patient_iter) if g < GROUPS - 1 else None
                groups.append(
                    CareGroup(
                        kind="patient" if patient else "free",
                        name="" if patient else f"連絡会{facility.pk}",
                        owner=facility,
                        patient=patient,
                        created_on=today - datetime.timedelta(days=rng.randrange(30, 330)),
                    )
                )
        groups = CareGroup.objects.bulk_create(groups, batch_size=BATCH)
        for group in groups:
            story.add(group, at(group.created_on, rng), logins[group.owner_id][0], "+")
        patient_groups = [group for group in groups if group.kind == "patient"]
        numbers = DocumentNumber.objects.issue_many(PatientConsent.form_number, len(patient_groups))
        consents = PatientConsent.objects.bulk_create(
            [
                PatientConsent(
                    group=group,
                    document_number=number,
                    status="received",
                    signed_on=group.created_on,
                    received_on=min(
                        today, group.created_on + datetime.timedelta(days=rng.randrange(3, 21))
                    ),
                    prepared_on=group.created_on,
                    family_name="家族 花子",
                )
                for group, number in zip(patient_groups, numbers, strict=True)
            ],
            batch_size=BATCH,
        )
        for consent, group in zip(consents, patient_groups, strict=True):
            prepared = {"status": "prepared", "signed_on": None, "received_on": None}
            story.add(
                consent, at(consent.prepared_on, rng), logins[group.owner_id][0], "+", **prepared
            )
            story.add(consent, at(consent.received_on, rng), rng.choice(self.clerks))
        self._memberships(groups, staff, logins, story)
        devices = Device.objects.bulk_create(
            [
                Device(
                    facility=person.facility,
                    kind="tablet",
                    label=f"端末{person.pk}",
                    ownership="facility",
                    assigned_to=person,
                    registered_on=today - datetime.timedelta(days=300),
                    boot_password=True,
                    no_file_sharing=True,
                    antivirus=bool(person.pk % 5),
                    browser_saves_no_password=True,
                )
                for person in staff
                if person.pk % 10 < DEVICES
            ],
            batch_size=BATCH,
        )
        for device in devices:  # a fifth changed: its antivirus put in later
            admin = logins[device.facility_id][0]
            changed = device.antivirus and rng.random() < 0.25
            story.add(
                device,
                at(device.registered_on, rng),
                admin,
                "+",
                **({"antivirus": False} if changed else {}),
            )
            if changed:
                story.add(device, at(_day_after(device.registered_on, rng), rng), admin)
        self.history += story.flush()

    def _accounts(self, staff, logins, story):
        """Each person's ID requested, issued and its password changed every 90 days or so;
        one person in twenty had an earlier ID, deleted; each step asked for by a request."""
        rng, today = self.rng, self.today
        requested, issued = (
            today - datetime.timedelta(days=300),
            today - datetime.timedelta(days=299),
        )
        accounts, former = [], []
        for person in staff:
            accounts.append(
                McsAccount(
                    staff_member=person,
                    login_id=person.email,
                    status="issued",
                    requested_on=requested,
                    issued_on=issued,
                    password_changed_on=today - datetime.timedelta(days=rng.randrange(90)),
                )
            )
            if person.pk % 20 == 0:
                former.append(
                    McsAccount(
                        staff_member=person,
                        login_id=f"old-{person.email}",
                        status="deleted",
                        requested_on=today - datetime.timedelta(days=400),
                        issued_on=today - datetime.timedelta(days=399),
                        deleted_on=requested,
                    )
                )
        accounts = McsAccount.objects.bulk_create(accounts + former, batch_size=BATCH)
        requests = []
        for account in accounts:
            admin, holder = logins[account.staff_member.facility_id][:2]
            request = IdRequest(
                facility_id=account.staff_member.facility_id,
                staff_member=account.staff_member,
                account=account,
                kind="issue" if account.status == "issued" else "delete",
                status="done",
                requested_at=at(
                    account.requested_on
                    if account.status == "issued"
                    else account.deleted_on - datetime.timedelta(days=1),
                    rng,
                ),
                requested_by_id=admin,
                handled_by_id=rng.choice(self.clerks),
            )
            request.handled_at = request.requested_at + datetime.timedelta(days=1)
            requests.append(request)
            if account.status == "deleted":  # issued before the year, deleted in it
                blank = {"status": "requested", "login_id": "", "issued_on": None}
                story.add(
                    account, at(account.requested_on, rng), admin, "+", **blank, deleted_on=None
                )
                story.add(
                    account,
                    at(account.issued_on, rng),
                    rng.choice(self.clerks),
                    status="issued",
                    deleted_on=None,
                )
                story.add(
                    account, request.requested_at, admin, status="deletion_pending", deleted_on=None
                )
                story.add(account, request.handled_at, request.handled_by_id)
                continue
            blank = {"status": "requested", "login_id": "", "issued_on": None}
            story.add(account, at(requested, rng), admin, "+", **blank, password_changed_on=None)
            story.add(account, at(issued, rng), request.handled_by_id, password_changed_on=None)
            changed = account.password_changed_on
            steps = []
            while changed > issued:
                steps.append(changed)
                changed -= datetime.timedelta(days=rng.randrange(80, 100))
            for day in reversed(steps):
                story.add(account, at(day, rng), holder, password_changed_on=day)
        requests = IdRequest.objects.bulk_create(requests, batch_size=BATCH)
        for request in requests:
            story.add(
                request,
                request.requested_at,
                request.requested_by_id,
                "+",
                status="pending",
                handled_at=None,
                handled_by_id=None,
            )
            story.add(request, request.handled_at, request.handled_by_id)

    def _pledges(self, staff, logins, story):
        """Each person's pledge (様式3) prepared by the facility, received by the center."""
        rng, today = self.rng, self.today
        numbers = DocumentNumber.objects.issue_many(StaffPledge.form_number, len(staff))
        version = PolicyVersion.current()  # bulk rows name their version themselves
        pledges = []
        for person, number in zip(staff, numbers, strict=True):
            prepared = today - datetime.timedelta(days=rng.randrange(200, 320))
            received = prepared + datetime.timedelta(days=rng.randrange(5, 30))
            pledges.append(
                StaffPledge(
                    staff_member=person,
                    document_number=number,
                    status="received",
                    prepared_on=prepared,
                    signed_on=prepared,
                    received_on=received,
                    policy_version=version,
                )
            )
        for pledge in StaffPledge.objects.bulk_create(pledges, batch_size=BATCH):
            admin = logins[pledge.staff_member.facility_id][0]
            out = {"status": "prepared", "signed_on": None, "received_on": None}
            story.add(pledge, at(pledge.prepared_on, rng), admin, "+", **out)
            story.add(pledge, at(pledge.received_on, rng), rng.choice(self.clerks))

    def _memberships(self, groups, staff, logins, story):
        """Ten people a group, in every state; each step by whoever takes it: invited and
        approved by the owner's administrator, answered by the member's facility."""
        rng, now = self.rng, timezone.now()
        by_facility = defaultdict(list)
        for person in staff:
            by_facility[person.facility_id].append(person)
        memberships = []
        for index, group in enumerate(groups):
            chosen = by_facility[group.owner_id][:5] + [
                staff[(index * 7 + k * 13) % len(staff)] for k in range(5)
            ]
            owner = logins[group.owner_id][0]
            seen = set()
            for k, person in enumerate(chosen):
                if person.pk in seen:
                    continue
                seen.add(person.pk)
                state = MEMBERSHIP_STATES[(index + k) % len(MEMBERSHIP_STATES)]
                invited = at(group.created_on, rng) + datetime.timedelta(days=rng.randrange(20))
                answered = invited + datetime.timedelta(days=rng.randrange(1, 5), hours=1)
                approved = answered + datetime.timedelta(days=rng.randrange(1, 3))
                ended = min(now, approved + datetime.timedelta(days=rng.randrange(10, 100)))
                memberships.append(
                    Membership(
                        group=group,
                        staff_member=person,
                        status=state,
                        invited_at=invited,
                        invited_by_id=owner,
                        responded_at=None if state == "invited" else answered,
                        approved_at=approved if state in ("approved", "removed") else None,
                        approved_by_id=owner if state in ("approved", "removed") else None,
                        ended_at=ended
                        if state == "removed"
                        else answered
                        if state == "declined"
                        else None,
                        ended_by_id=owner if state == "removed" else None,
                    )
                )
        for membership in Membership.objects.bulk_create(memberships, batch_size=BATCH):
            owner = membership.invited_by_id
            member = rng.choice(logins[membership.staff_member.facility_id][1:])
            steps = {"responded_at": None, "approved_at": None, "approved_by_id": None}
            steps.update(ended_at=None, ended_by_id=None)
            story.add(membership, membership.invited_at, owner, "+", status="invited", **steps)
            if membership.status == "invited":
                continue
            del steps["responded_at"]
            answer = "declined" if membership.status == "declined" else "accepted"
            if answer == "declined":
                story.add(membership, membership.responded_at, member)
                continue
            story.add(membership, membership.responded_at, member, status=answer, **steps)
            if membership.status == "accepted":
                continue
            del steps["approved_at"], steps["approved_by_id"]
            story.add(membership, membership.approved_at, owner, status="approved", **steps)
            if membership.status == "removed":
                story.add(membership, membership.ended_at, owner)
