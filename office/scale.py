"""A prefecture-sized registry for benchmarks (`seed_scale`): bulk creation, history included.

Per facility: 10 staff with MCS IDs (the first its MCS administrator), 6 groups (5 patient
groups, 1 free) with 60 memberships in every state, 6 devices; history entries spread over the
past year. 5,000 facilities give 50,000 staff, 30,000 groups, 300,000 memberships and 30,000
devices, and a year of the access log: 10,000,000 entries (office.scale_access_log). The
association profile gets a support center address if it has none.
"""

import datetime
import random
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
    McsAccount,
    StaffMember,
)
from groups.models import CareGroup, Membership, Patient
from mcs_admin.choices import Gender, Profession
from mcs_admin.models import AccessLog, AssociationProfile, DocumentNumber
from office.scale_access_log import build_access_log

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
        for chunk_start in range(0, self.count, 500):
            self._chunk(range(chunk_start, min(chunk_start + 500, self.count)))
        build_access_log(self.count, self.rng)
        return {
            "facilities": Facility.objects.count(),
            "staff": StaffMember.objects.count(),
            "groups": CareGroup.objects.count(),
            "memberships": Membership.objects.count(),
            "devices": Device.objects.count(),
            "access log": AccessLog.objects.count(),
        }

    def _chunk(self, numbers):
        rng = self.rng
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
                    joined_on=self.today - datetime.timedelta(days=400),
                )
                for n in numbers
            ],
            rng,
        )
        professions = Profession.values
        staff = _create(
            StaffMember,
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
            rng,
        )
        _create(  # 第7条: each facility's first staff member is its MCS administrator
            AdministratorAppointment,
            [
                AdministratorAppointment(
                    facility=person.facility,
                    staff_member=person,
                    started_on=self.today - datetime.timedelta(days=300),
                )
                for person in staff[::STAFF]
            ],
            rng,
        )
        _create(
            McsAccount,
            [
                McsAccount(
                    staff_member=person,
                    login_id=person.email,
                    status="issued",
                    requested_on=self.today - datetime.timedelta(days=300),
                    issued_on=self.today - datetime.timedelta(days=299),
                    password_changed_on=self.today - datetime.timedelta(days=rng.randrange(90)),
                )
                for person in staff
            ],
            rng,
        )
        patients = _create(
            Patient,
            [
                Patient(family_name=f"患者{facility.pk}", given_name=f"{g}", address="埼玉県")
                for facility in facilities
                for g in range(GROUPS - 1)
            ],
            rng,
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
                        created_on=self.today - datetime.timedelta(days=200),
                    )
                )
        groups = _create(CareGroup, groups, rng)
        patient_groups = [group for group in groups if group.kind == "patient"]
        numbers = DocumentNumber.objects.issue_many(PatientConsent.form_number, len(patient_groups))
        _create(
            PatientConsent,
            [
                PatientConsent(
                    group=group,
                    document_number=number,
                    status="received",
                    signed_on=group.created_on,
                    received_on=group.created_on,
                    prepared_on=group.created_on,
                    family_name="家族 花子",
                )
                for group, number in zip(patient_groups, numbers, strict=True)
            ],
            rng,
        )
        by_facility = {}
        for person in staff:
            by_facility.setdefault(person.facility_id, []).append(person)
        everyone = staff
        memberships = []
        invited_at = timezone.now() - datetime.timedelta(days=100)
        for index, group in enumerate(groups):
            chosen = by_facility[group.owner_id][:5] + [
                everyone[(index * 7 + k * 13) % len(everyone)] for k in range(5)
            ]
            seen = set()
            for k, person in enumerate(chosen):
                if person.pk in seen:
                    continue
                seen.add(person.pk)
                state = MEMBERSHIP_STATES[(index + k) % len(MEMBERSHIP_STATES)]
                answered = None if state == "invited" else invited_at + datetime.timedelta(days=1)
                approved = (
                    invited_at + datetime.timedelta(days=2)
                    if state in ("approved", "removed")
                    else None
                )
                ended = (
                    invited_at + datetime.timedelta(days=3)
                    if state in ("declined", "removed")
                    else None
                )
                memberships.append(
                    Membership(
                        group=group,
                        staff_member=person,
                        status=state,
                        invited_at=invited_at,
                        responded_at=answered,
                        approved_at=approved,
                        ended_at=ended,
                    )
                )
        _create(Membership, memberships, rng)
        _create(
            Device,
            [
                Device(
                    facility=person.facility,
                    kind="tablet",
                    label=f"端末{person.pk}",
                    ownership="facility",
                    assigned_to=person,
                    registered_on=self.today - datetime.timedelta(days=300),
                    boot_password=True,
                    no_file_sharing=True,
                    antivirus=bool(person.pk % 5),
                    browser_saves_no_password=True,
                )
                for person in staff
                if person.pk % 10 < DEVICES
            ],
            rng,
        )
