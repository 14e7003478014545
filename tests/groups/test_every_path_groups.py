"""The groups' and consents' rules hold on every path that writes (issue 15), as
tests/test_every_path.py does for the facilities: each rule tried on the service, the
self-service page, the admin's forms and actions; refused with the same Japanese message,
nothing written, no history row. Then what a move or a reopening does without a consent, and
who obtains a consent (独自ルール 1)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consents import services as consents
from consents.models import ConsentDesignation, PatientConsent
from facilities.services import facility_suspend
from groups import services
from groups.models import CareGroup, Membership, Patient
from tests import factories as f
from tests.every_path import (
    JAPANESE,
    admin_action,
    admin_add,
    admin_change,
    admin_url,
    page,
    refusal,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db


def _tomorrow():
    # Read at each call: a run that crosses midnight (JST) must still mean tomorrow.
    return timezone.localdate() + timedelta(days=1)


@dataclass
class Case:
    world: object
    center_client: Client
    group: CareGroup  # A's patient group, no consent; its physician is B's administrator
    outsider: Membership  # B's staff, accepted in the group, awaiting approval
    own: Membership  # the physician's own approved membership of A's group

    @property
    def a(self):
        return self.world.a

    @property
    def b(self):
        return self.world.b


@pytest.fixture
def case():
    world = build_world()
    group = f.CareGroupFactory(
        owner=world.a.facility, attending_physician=world.a.admin.staff_member
    )
    outsider = _membership(group, world.b.staff, "accepted")
    own = _membership(world.a.group, world.a.admin.staff_member, "approved")
    center_client = Client()
    center_client.force_login(world.center)
    return Case(world, center_client, group, outsider, own)


def _membership(group, person, status) -> Membership:
    """A membership as its workflow leaves it: invited an hour ago, accepted, perhaps approved."""
    now = timezone.now()
    return f.MembershipFactory(
        group=group,
        staff_member=person,
        status=status,
        invited_at=now - timedelta(hours=1),
        responded_at=now,
        approved_at=now if status == "approved" else None,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _consent_page(case, **data) -> str:
    url = reverse("groups:group_consent", args=[case.group.pk])
    fields = {"basis": "signed_form", "signed_on": timezone.localdate().isoformat()} | data
    return page(_client(case.a.admin).post(url, fields, follow=True))


# 第6条: without the patient's consent no one of another facility is approved
CONSENT_GATE = {
    "service": lambda case: refusal(
        services.membership_approve, membership=case.outsider, by=case.b.admin
    ),
    "page": lambda case: page(
        _client(case.b.admin).post(
            reverse("groups:invitation_approve", args=[case.b.facility.pk, case.outsider.pk]),
            follow=True,
        )
    ),
    "admin action": lambda case: admin_action(
        case.center_client, Membership, "membership_approve", case.outsider
    ),
}

# 独自ルール 1: the attending physician, or a person the physician designated, obtains it
OBTAINER = {
    "service": lambda case: refusal(
        consents.consent_record,
        group=case.group,
        by=case.a.admin,
        basis="signed_form",
        signed_on=timezone.localdate(),
        obtained_by=case.a.user.staff_member,
    ),
    "page": lambda case: _consent_page(case, obtained_by=case.a.user.staff_member.pk),
    "admin add form": lambda case: admin_add(
        case.center_client,
        PatientConsent,
        group=case.group.pk,
        basis="signed_form",
        obtained_by=case.a.user.staff_member.pk,
        family_name="三郷 花子",
    ),
    "admin change form": lambda case: admin_change(
        case.center_client, case.a.consent, obtained_by=case.a.user.staff_member.pk
    ),
}

# A consent is not signed in the future
SIGNED_ON = {
    "service": lambda case: refusal(
        consents.consent_record,
        group=case.group,
        by=case.a.admin,
        basis="signed_form",
        signed_on=_tomorrow(),
        obtained_by=case.a.admin.staff_member,
    ),
    "page": lambda case: _consent_page(
        case, signed_on=_tomorrow().isoformat(), obtained_by=case.a.admin.staff_member.pk
    ),
    "admin add form": lambda case: admin_add(
        case.center_client,
        PatientConsent,
        group=case.group.pk,
        basis="signed_form",
        signed_on=_tomorrow().isoformat(),
        obtained_by=case.a.admin.staff_member.pk,
    ),
    "admin change form": lambda case: admin_change(
        case.center_client, case.a.consent, signed_on=_tomorrow().isoformat()
    ),
}

# 独自ルール 1: an administrator records a designation on the physician's instruction, said
DESIGNATION = {
    "service": lambda case: refusal(
        consents.designation_add,
        group=case.b.transfer_in.group,  # A's group whose physician is not A's administrator
        staff_member=case.a.user.staff_member,
        by=case.a.admin,
    ),
    "page": lambda case: page(
        _client(case.a.admin).post(
            reverse("groups:designations", args=[case.b.transfer_in.group.pk]),
            {"staff_member": case.a.user.staff_member.pk, "instruction": ""},
        )
    ),
    "admin add form": lambda case: admin_add(
        case.center_client,
        ConsentDesignation,
        group=case.b.transfer_in.group.pk,
        staff_member=case.a.user.staff_member.pk,
    ),
}

# 独自ルール 8: a physician removes others for a leak, never themselves
LEAK = {
    "service": lambda case: refusal(
        services.membership_remove_for_leak, membership=case.own, reason="漏えい", by=case.a.admin
    ),
    "page": lambda case: page(
        _client(case.a.admin).post(
            reverse("groups:leak_remove", args=[case.own.pk]), {"reason": "漏えい"}, follow=True
        )
    ),
}

RULES = {
    "the consent gate": (CONSENT_GATE, "service"),
    "who obtains the consent": (OBTAINER, "service"),
    "a signing date not in the future": (SIGNED_ON, "service"),
    "a designation on the physician's instruction": (DESIGNATION, "service"),
    "no removal of oneself for a leak": (LEAK, "service"),
}
PATHS = {
    "the consent gate": {"service", "page", "admin action"},
    "who obtains the consent": {"service", "page", "admin add form", "admin change form"},
    "a signing date not in the future": {
        "service",
        "page",
        "admin add form",
        "admin change form",
    },
    "a designation on the physician's instruction": {"service", "page", "admin add form"},
    "no removal of oneself for a leak": {"service", "page"},
}


def test_the_table_names_every_path_of_every_rule():
    assert {rule: set(paths) for rule, (paths, _) in RULES.items()} == PATHS


def _state():
    """Every row of the groups and consents apps, and every history row: what a refusal keeps."""
    labels = ["care_groups", "consents"]
    models = [m for m in apps.get_models() if m._meta.app_label in labels]
    return {m._meta.label: sorted(map(repr, m.objects.values())) for m in models}


CASES = [(rule, path) for rule, (paths, _) in RULES.items() for path in paths]


@pytest.mark.parametrize(("rule", "path"), CASES, ids=[f"{r}: {p}" for r, p in CASES])
def test_a_rule_is_refused_on_every_path_with_the_same_message(case, rule, path):
    paths, reference = RULES[rule]
    before = _state()
    answer = paths[path](case)
    assert _state() == before  # nothing written, no history row
    expected = paths[reference](case)
    assert JAPANESE.search(expected), expected
    assert expected in answer


# -- a move and a reopening keep the consent gate ------------------------------------------


def _approved_outsider(group, person) -> Membership:
    return _membership(group, person, "approved")


def test_a_move_without_consent_sets_the_new_outsiders_back_to_awaiting_approval(client):
    world = build_world()
    transfer = world.b.transfer_in  # A's group, no consent, asked to move to B
    group = transfer.group
    old_staff = _approved_outsider(group, world.a.user.staff_member)  # A's own staff now
    receiver = _approved_outsider(group, world.b.staff)  # B's staff: inside after the move
    client.force_login(world.b.admin)
    page = client.get(reverse("groups:transfers", args=[world.b.facility.pk])).content.decode()
    assert "患者同意の記録がありません" in page and "1 人が再び承認待ち" in page
    client.force_login(world.center)  # the center, approving by an admin action, sees it too
    listed = client.get(admin_url(type(transfer), "changelist")).content.decode()
    assert "なし：1 人が再び承認待ちになります" in listed

    services.transfer_approve(transfer=transfer, by=world.b.admin)

    old_staff.refresh_from_db()
    receiver.refresh_from_db()
    assert (old_staff.status, old_staff.approved_at, old_staff.approved_by) == (
        "accepted",
        None,
        None,
    )
    assert receiver.status == "approved"
    assert "承認待ちに戻りました" in old_staff.history.latest().history_change_reason
    with pytest.raises(ValidationError):  # approved again only once the consent is on record
        services.membership_approve(membership=old_staff, by=world.a.admin)


def test_a_move_with_a_consent_keeps_its_members(client):
    world = build_world()
    transfer = world.b.transfer_in
    f.PatientConsentFactory(group=transfer.group, status="received", received_on=f.TODAY)
    member = _approved_outsider(transfer.group, world.a.user.staff_member)
    services.transfer_approve(transfer=transfer, by=world.b.admin)
    member.refresh_from_db()
    assert member.status == "approved"


def test_reopening_without_consent_sets_outsiders_back_to_awaiting_approval():
    world = build_world()
    group = f.CareGroupFactory(owner=world.a.facility)
    outsider = _approved_outsider(group, world.b.staff)
    own = _approved_outsider(group, world.a.staff)
    services.group_archive(group=group, by=world.a.admin, reason="入院")
    services.group_reopen(group=group, by=world.a.admin, reason="退院")
    outsider.refresh_from_db()
    own.refresh_from_db()
    assert (outsider.status, own.status) == ("accepted", "approved")


# -- 独自ルール 1: who obtains the consent ----------------------------------------------------


def test_the_physician_designates_and_the_designated_person_obtains_the_consent():
    world = build_world()
    group = f.CareGroupFactory(
        owner=world.a.facility, attending_physician=world.b.admin.staff_member
    )
    nurse = world.a.user.staff_member
    with pytest.raises(ValidationError) as refused:
        consents.consent_record(
            group=group, by=world.a.admin, basis="signed_form", signed_on=f.TODAY, obtained_by=nurse
        )
    assert "obtained_by" in refused.value.message_dict
    designation = consents.designation_add(group=group, staff_member=nurse, by=world.b.admin)
    assert (designation.designated_by, designation.history.get().history_user) == (
        world.b.admin,
        world.b.admin,
    )
    consent = consents.consent_record(
        group=group, by=world.a.admin, basis="signed_form", signed_on=f.TODAY, obtained_by=nurse
    )
    assert consent.obtained_by == nurse
    consents.designation_end(designation=designation, by=world.b.admin)
    assert not consents.consent_obtainers(group).filter(pk=nurse.pk).exists()
    with pytest.raises(PermissionDenied):  # a plain user designates no one
        consents.designation_add(group=group, staff_member=world.a.staff, by=world.a.user)


def test_the_owners_administrator_records_a_designation_with_the_instruction(client):
    world = build_world()
    group = world.b.transfer_in.group  # owned by A, its physician is not A's administrator
    group.attending_physician = world.b.admin.staff_member
    group.save()
    client.force_login(world.a.admin)
    url = reverse("groups:designations", args=[group.pk])
    response = client.post(
        url, {"staff_member": world.a.staff.pk, "instruction": "12/1 電話で主治医より指示"}
    )
    assert response.status_code == 302
    designation = group.consent_designations.get()
    assert (designation.staff_member, designation.designated_by) == (world.a.staff, world.a.admin)
    page = client.get(url).content.decode()
    assert str(world.a.staff) in page and "12/1 電話で主治医より指示" in page


def test_the_physician_designates_from_the_groups_they_attend(client):
    world = build_world()
    client.force_login(world.a.admin)  # the attending physician of A's group
    attended = client.get(reverse("groups:attended_groups")).content.decode()
    url = reverse("groups:attended_designations", args=[world.a.group.pk])
    assert url in attended
    person = world.b.user.staff_member  # of another facility, invited to the group
    assert client.post(url, {"staff_member": person.pk}).status_code == 302
    assert world.a.group.consent_designations.filter(staff_member=person).exists()
    client.force_login(world.b.admin)  # not this group's physician
    assert client.get(url).status_code == 404


def test_a_suspended_facilitys_staff_cannot_be_invited():
    world = build_world()
    group = f.CareGroupFactory(owner=world.a.facility)
    assert services.membership_invite(group=group, staff_member=world.b.staff, by=world.a.admin)
    facility_suspend(facility=world.b.facility, reason="調査", by=world.center)
    with pytest.raises(ValidationError):
        services.membership_invite(
            group=group, staff_member=world.b.admin.staff_member, by=world.a.admin
        )


def test_the_center_registers_a_patient_and_their_group_in_the_admin_as_the_owner_would(case):
    answer = admin_add(
        case.center_client, Patient, family_name="彦成", given_name="三郎", family_name_kana="ﾋｺﾅﾘ"
    )
    patient = Patient.objects.get(family_name="彦成")
    assert patient.family_name_kana == "ヒコナリ", answer
    admin_add(
        case.center_client,
        CareGroup,
        owner=case.a.facility.pk,
        kind="patient",
        patient=patient.pk,
        attending_physician=case.a.admin.staff_member.pk,
    )
    group = CareGroup.objects.get(patient=patient)
    assert group.history.get().history_user == case.world.center
    assert group.reviews.get().status == "open"  # its first review, as group_create schedules
    # a member added in the admin is invited, never approved, as on the owner's page
    admin_add(case.center_client, Membership, group=group.pk, staff_member=case.b.staff.pk)
    assert group.memberships.get().status == "invited"


def test_the_physicians_page_offers_no_removal_of_themselves(client, case):
    client.force_login(case.a.admin)
    html = client.get(reverse("groups:attended_groups")).content.decode()
    assert reverse("groups:leak_remove", args=[case.own.pk]) not in html
    assert reverse("groups:leak_remove", args=[case.a.member.pk]) in html
