"""The pledges app's rules hold on every path that writes them (issue 15, pledges part).

For each rule of 第9条 (staff pledges 様式3 and their exemption), 様式2 (the facility pledge) and
the training sessions, every path that can write it — the service, the self-service page, the
admin's add form and change form — is tried with input that breaks the rule. Expected: refused
with the same Japanese message, nothing written, no history row. Then a valid add or change in
the admin writes exactly one history row, with the clerk as its user.
"""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facilities.models import Facility
from mcs_admin.documents import document_receive
from pledges import services
from pledges.models import FacilityPledge, StaffPledge, TrainingSession
from tests import factories as f
from tests.every_path import JAPANESE, admin_add, admin_change, admin_url, page, refusal
from tests.html_forms import form_data
from tests.world import build_world

pytestmark = pytest.mark.django_db

ATTENDANCE = TrainingSession.attendees.through


@dataclass
class Case:
    world: object
    client: object  # logged in as the center (the admin)
    facility_client: object  # logged in as facility A's MCS administrator (self-service)
    person: object  # staff of A without any pledge
    leaver: object  # staff of A who left ten days before the session day
    outsider: object  # staff of facility B
    exemption: object  # an exemption (earlier pledge) of a staff member of A
    received: object  # a signed form 3 of A, back at the office, with its signing date
    received_facility: object  # a form 2 of a facility, back at the office, signed
    newcomer: object  # an applying facility with a manager and no pledge yet
    session: object  # a training session of A, held on the session day, one attendee

    @property
    def center(self):
        return self.world.center

    @property
    def a(self):
        return self.world.a


SESSION_DAY = f.TODAY


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def case(client):
    world = build_world()
    a = world.a.facility
    person = f.StaffMemberFactory(facility=a)
    leaver = f.StaffMemberFactory(facility=a, left_on=SESSION_DAY - timedelta(days=10))
    exemption = f.StaffPledgeFactory(
        staff_member=f.StaffMemberFactory(facility=a),
        basis="exemption",
        exemption_note="入職時の守秘義務誓約書（人事保管）",
    )
    received = f.StaffPledgeFactory(
        staff_member=f.StaffMemberFactory(facility=a), signed_on=SESSION_DAY
    )
    received_facility = f.FacilityPledgeFactory(manager_name="前任 一郎", signed_on=SESSION_DAY)
    for pledge in (received, received_facility):
        document_receive(
            document_number=pledge.document_number, received_on=SESSION_DAY, by=world.center
        )
        pledge.refresh_from_db()
    newcomer = f.FacilityFactory(status="applying", joined_on=None, manager_name="新規 花子")
    session = f.TrainingSessionFactory(facility=a, held_on=SESSION_DAY)
    session.attendees.add(world.a.user.staff_member)
    client.force_login(world.center)
    facility_client = Client()
    facility_client.force_login(world.a.admin)
    return Case(
        world,
        client,
        facility_client,
        person,
        leaver,
        world.b.staff,
        exemption,
        received,
        received_facility,
        newcomer,
        session,
    )


def _written():
    """Every row a pledges path can write: the pledges, the sessions and their attendance, the
    facilities' managers."""
    return (
        set(FacilityPledge.objects.values_list()),
        set(StaffPledge.objects.values_list()),
        set(TrainingSession.objects.values_list()),
        set(ATTENDANCE.objects.values_list("trainingsession_id", "staffmember_id")),
        set(Facility.objects.values_list("pk", "manager_name")),
    )


def _history_rows() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def _permission_refusal(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as refused:
        service(**kwargs)
    return str(refused.value)


def _self_service(case, name, *args, data=None) -> str:
    url = reverse(f"pledges:{name}", args=[case.a.facility.pk, *args])
    return page(case.facility_client.post(url, data or {}, follow=True))


def _exemption_page(case, person, **data) -> str:
    data = {"exemption_note": "入職時の誓約書", "signed_on": "", **data}
    return _self_service(case, "staff_pledge_exempt", person.pk, data=data)


def _training_page(case, **data) -> str:
    data = {"title": "MCS 利用者研修", "held_on": SESSION_DAY.isoformat(), **data}
    return _self_service(case, "training_add", data=data)


def _training_add_form(case, **data) -> str:
    data = {
        "title": "MCS 利用者研修",
        "held_on": SESSION_DAY.isoformat(),
        "facility": case.a.facility.pk,
        **data,
    }
    return admin_add(case.client, TrainingSession, **data)


def _record(case, **kwargs) -> str:
    values = {
        "title": "MCS 利用者研修",
        "held_on": SESSION_DAY,
        "facility": case.a.facility,
        "by": case.a.admin,
        **kwargs,
    }
    return refusal(services.training_session_record, **values)


# 第9条 なお書き: an exemption says which earlier pledge makes form 3 unnecessary
EXEMPTION_NOTE = {
    "service": lambda case: refusal(
        services.staff_pledge_exempt, staff_member=case.person, exemption_note=" ", by=case.center
    ),
    "service: update": lambda case: refusal(
        services.staff_pledge_update, pledge=case.exemption, exemption_note="", by=case.center
    ),
    "self-service page": lambda case: _exemption_page(case, case.person, exemption_note=""),
    "admin add form": lambda case: admin_add(
        case.client, StaffPledge, staff_member=case.person.pk, basis="exemption", exemption_note=""
    ),
    "admin change form": lambda case: admin_change(case.client, case.exemption, exemption_note=""),
}

# ... and only an exemption has that note: a signed form 3 is its own pledge
NOTE_ON_A_SIGNED_FORM = {
    "service: update": lambda case: refusal(
        services.staff_pledge_update,
        pledge=case.a.staff_pledge,
        exemption_note="旧誓約書",
        by=case.center,
    ),
    "admin add form": lambda case: admin_add(
        case.client,
        StaffPledge,
        staff_member=case.person.pk,
        basis="signed",
        exemption_note="旧誓約書",
    ),
    "admin change form": lambda case: admin_change(
        case.client, case.a.staff_pledge, exemption_note="旧誓約書"
    ),
}

# An exemption is recorded for someone whose pledge is not on record yet
EXEMPTION_ONCE = {
    "service": lambda case: refusal(
        services.staff_pledge_exempt,
        staff_member=case.exemption.staff_member,
        exemption_note="入職時の誓約書",
        by=case.a.admin,
    ),
    "self-service page": lambda case: _exemption_page(case, case.exemption.staff_member),
    "admin add form": lambda case: admin_add(
        case.client,
        StaffPledge,
        staff_member=case.exemption.staff_member.pk,
        basis="exemption",
        exemption_note="入職時の誓約書",
    ),
}

# One form 3 of a person out for signing at a time
FORM3_WAITING = {
    "service": lambda case: refusal(
        services.staff_pledge_prepare, staff_member=case.a.staff, by=case.a.admin
    ),
    "self-service page": lambda case: _self_service(case, "staff_pledge_prepare", case.a.staff.pk),
    "admin add form": lambda case: admin_add(
        case.client, StaffPledge, staff_member=case.a.staff.pk, basis="signed"
    ),
}

# One form 2 of the same manager out for signing at a time
FORM2_WAITING = {
    "service": lambda case: refusal(
        services.facility_pledge_prepare, facility=case.a.facility, by=case.center
    ),
    "service: a new manager": lambda case: refusal(
        services.facility_manager_change,
        facility=case.a.facility,
        manager_name=case.a.facility.manager_name,
        by=case.a.admin,
    ),
    "self-service page: a new manager": lambda case: _self_service(
        case, "manager_change", data={"manager_name": case.a.facility.manager_name}
    ),
    "admin add form": lambda case: admin_add(
        case.client, FacilityPledge, facility=case.a.facility.pk
    ),
}

# A staff member who has left signs no new pledge (the one signed goes on binding them)
LEAVER = {
    "service: form 3": lambda case: refusal(
        services.staff_pledge_prepare, staff_member=case.leaver, by=case.center
    ),
    "service: exemption": lambda case: refusal(
        services.staff_pledge_exempt,
        staff_member=case.leaver,
        exemption_note="入職時の誓約書",
        by=case.center,
    ),
    "self-service page: form 3": lambda case: _self_service(
        case, "staff_pledge_prepare", case.leaver.pk
    ),
    "self-service page: exemption": lambda case: _exemption_page(case, case.leaver),
    "admin add form": lambda case: admin_add(
        case.client, StaffPledge, staff_member=case.leaver.pk, basis="signed"
    ),
}

# The day a pledge was signed is not in the future
SIGNED_ON = {
    "service: form 3": lambda case: refusal(
        services.staff_pledge_prepare,
        staff_member=case.person,
        signed_on=tomorrow(),
        by=case.center,
    ),
    "service: exemption": lambda case: refusal(
        services.staff_pledge_exempt,
        staff_member=case.person,
        exemption_note="入職時の誓約書",
        signed_on=tomorrow(),
        by=case.center,
    ),
    "service: form 2": lambda case: refusal(
        services.facility_pledge_prepare,
        facility=case.newcomer,
        signed_on=tomorrow(),
        by=case.center,
    ),
    "service: update": lambda case: refusal(
        services.staff_pledge_update, pledge=case.exemption, signed_on=tomorrow(), by=case.center
    ),
    "self-service page": lambda case: _exemption_page(
        case, case.person, signed_on=tomorrow().isoformat()
    ),
    "admin add form: form 3": lambda case: admin_add(
        case.client,
        StaffPledge,
        staff_member=case.person.pk,
        basis="signed",
        signed_on=tomorrow().isoformat(),
    ),
    "admin add form: form 2": lambda case: admin_add(
        case.client, FacilityPledge, facility=case.newcomer.pk, signed_on=tomorrow().isoformat()
    ),
    "admin change form: form 3": lambda case: admin_change(
        case.client, case.exemption, signed_on=tomorrow().isoformat()
    ),
    "admin change form: form 2": lambda case: admin_change(
        case.client, case.a.facility_pledge, signed_on=tomorrow().isoformat()
    ),
}

# A signed paper back at the office: the record keeps saying what the paper says
RECEIVED_PAPER = {
    "service: form 3": lambda case: refusal(
        services.staff_pledge_update,
        pledge=case.received,
        signed_on=SESSION_DAY - timedelta(days=1),
        by=case.center,
    ),
    "service: form 2": lambda case: refusal(
        services.facility_pledge_update,
        pledge=case.received_facility,
        manager_name="別人 花子",
        by=case.center,
    ),
    "admin change form: form 3": lambda case: admin_change(
        case.client, case.received, signed_on=(SESSION_DAY - timedelta(days=1)).isoformat()
    ),
    "admin change form: form 2": lambda case: admin_change(
        case.client, case.received_facility, manager_name="別人 花子"
    ),
}

# 第9条: a facility's session is attended by its own staff
ATTENDEES_OF_THE_FACILITY = {
    "service": lambda case: _record(case, attendees=[case.outsider]),
    "service: update": lambda case: refusal(
        services.training_session_update,
        session=case.session,
        attendees=[case.outsider],
        by=case.center,
    ),
    "self-service page": lambda case: _training_page(case, attendees=[case.outsider.pk]),
    "admin add form": lambda case: _training_add_form(case, attendees=[case.outsider.pk]),
    "admin change form": lambda case: admin_change(
        case.client, case.session, attendees=[case.outsider.pk]
    ),
}

# ... who were at their facility on the day of the session
ATTENDEES_THAT_DAY = {
    "service": lambda case: _record(case, attendees=[case.leaver]),
    "service: update": lambda case: refusal(
        services.training_session_update,
        session=case.session,
        attendees=[case.leaver],
        by=case.center,
    ),
    "self-service page": lambda case: _training_page(case, attendees=[case.leaver.pk]),
    "admin add form": lambda case: _training_add_form(case, attendees=[case.leaver.pk]),
    "admin change form": lambda case: admin_change(
        case.client, case.session, attendees=[case.leaver.pk]
    ),
}

# A session is recorded once it was held
HELD_ON = {
    "service": lambda case: _record(case, held_on=tomorrow()),
    "service: update": lambda case: refusal(
        services.training_session_update, session=case.session, held_on=tomorrow(), by=case.center
    ),
    "self-service page": lambda case: _training_page(case, held_on=tomorrow().isoformat()),
    "admin add form": lambda case: _training_add_form(case, held_on=tomorrow().isoformat()),
    "admin change form": lambda case: admin_change(
        case.client, case.session, held_on=tomorrow().isoformat()
    ),
}

# A facility's session is its administrators' to record, the association's the center's
# (another facility's administrator never reaches the self-service page:
# tests/office/test_access_matrix)
ORGANISER = {
    "service: another facility's administrator": lambda case: _permission_refusal(
        services.training_session_record,
        title="研修",
        held_on=SESSION_DAY,
        facility=case.a.facility,
        by=case.world.b.admin,
    ),
    "service: the association's session": lambda case: _permission_refusal(
        services.training_session_record, title="研修", held_on=SESSION_DAY, by=case.a.admin
    ),
    "service: update": lambda case: _permission_refusal(
        services.training_session_update, session=case.session, title="x", by=case.world.b.admin
    ),
}

RULES = {
    "an exemption has a note": (EXEMPTION_NOTE, "service"),
    "only an exemption has a note": (NOTE_ON_A_SIGNED_FORM, "service: update"),
    "an exemption where no pledge is on record": (EXEMPTION_ONCE, "service"),
    "one form 3 waiting": (FORM3_WAITING, "service"),
    "one form 2 of a manager waiting": (FORM2_WAITING, "service"),
    "no new pledge for a leaver": (LEAVER, "service: form 3"),
    "signed on no later than today": (SIGNED_ON, "service: form 3"),
    "a received paper's data": (RECEIVED_PAPER, "service: form 3"),
    "attendees of the session's facility": (ATTENDEES_OF_THE_FACILITY, "service"),
    "attendees at their facility that day": (ATTENDEES_THAT_DAY, "service"),
    "held on no later than today": (HELD_ON, "service"),
    "who records a session": (ORGANISER, None),
}
# Every path that writes each rule's records.
PATHS = {
    "an exemption has a note": {
        "service",
        "service: update",
        "self-service page",
        "admin add form",
        "admin change form",
    },
    "only an exemption has a note": {"service: update", "admin add form", "admin change form"},
    "an exemption where no pledge is on record": {"service", "self-service page", "admin add form"},
    "one form 3 waiting": {"service", "self-service page", "admin add form"},
    "one form 2 of a manager waiting": {
        "service",
        "service: a new manager",
        "self-service page: a new manager",
        "admin add form",
    },
    "no new pledge for a leaver": {
        "service: form 3",
        "service: exemption",
        "self-service page: form 3",
        "self-service page: exemption",
        "admin add form",
    },
    "signed on no later than today": {
        "service: form 3",
        "service: exemption",
        "service: form 2",
        "service: update",
        "self-service page",
        "admin add form: form 3",
        "admin add form: form 2",
        "admin change form: form 3",
        "admin change form: form 2",
    },
    "a received paper's data": {
        "service: form 3",
        "service: form 2",
        "admin change form: form 3",
        "admin change form: form 2",
    },
    "attendees of the session's facility": {
        "service",
        "service: update",
        "self-service page",
        "admin add form",
        "admin change form",
    },
    "attendees at their facility that day": {
        "service",
        "service: update",
        "self-service page",
        "admin add form",
        "admin change form",
    },
    "held on no later than today": {
        "service",
        "service: update",
        "self-service page",
        "admin add form",
        "admin change form",
    },
    "who records a session": {
        "service: another facility's administrator",
        "service: the association's session",
        "service: update",
    },
}


def test_the_table_names_every_path_of_every_rule():
    assert {rule: set(paths) for rule, (paths, _) in RULES.items()} == PATHS


CASES = [(rule, path) for rule, (paths, _) in RULES.items() for path in paths]


@pytest.mark.parametrize(("rule", "path"), CASES, ids=[f"{r}: {p}" for r, p in CASES])
def test_a_rule_is_refused_on_every_path_with_the_same_message(case, rule, path):
    paths, reference = RULES[rule]
    expected = paths[reference](case) if reference else None
    written, history = _written(), _history_rows()
    answer = paths[path](case)
    if expected is not None:
        assert JAPANESE.search(expected), expected
        assert expected in answer
    else:
        assert JAPANESE.search(answer), answer
    assert _written() == written
    assert _history_rows() == history


# -- a valid add or change in the admin: one history row, by the clerk ----------------------


def _saved(response):
    assert response.status_code == 302, page(response)


def _add(case, model, **data):
    _saved(case.client.post(admin_url(model, "add"), data))
    return model.objects.latest("pk")


def _change(case, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    data = form_data(page(case.client.get(url)), f"{obj._meta.model_name}_form")
    _saved(case.client.post(url, {**data, **changes}))
    obj.refresh_from_db()
    return obj


ADMIN_SAVES = {
    "form 2: add": lambda case: _add(case, FacilityPledge, facility=case.newcomer.pk, signed_on=""),
    "form 2: change": lambda case: _change(case, case.a.facility_pledge, manager_name="管理 次郎"),
    "form 3: add": lambda case: _add(
        case, StaffPledge, staff_member=case.person.pk, basis="signed", exemption_note=""
    ),
    "exemption: add": lambda case: _add(
        case,
        StaffPledge,
        staff_member=case.person.pk,
        basis="exemption",
        exemption_note="入職時の誓約書",
        signed_on=(SESSION_DAY - timedelta(days=400)).isoformat(),
    ),
    "form 3: change": lambda case: _change(
        case, case.exemption, exemption_note="入職時の誓約書（本部保管）"
    ),
    "training: add": lambda case: _add(
        case,
        TrainingSession,
        title="MCS 管理者研修",
        held_on=SESSION_DAY.isoformat(),
        facility=case.a.facility.pk,
        attendees=[case.person.pk, case.a.user.staff_member.pk],
    ),
    "training: change": lambda case: _change(
        case, case.session, attendees=[case.person.pk], title="MCS 利用者研修 第2回"
    ),
}


@pytest.mark.parametrize("save", ADMIN_SAVES)
def test_a_valid_admin_save_writes_one_history_row_by_the_clerk(case, save):
    history = _history_rows()
    obj = ADMIN_SAVES[save](case)
    # one row of the record's history; a session's attendance is stored with that row
    m2m = obj.history.latest().attendees.count() if isinstance(obj, TrainingSession) else 0
    assert _history_rows() == history + 1 + m2m
    latest = obj.history.latest()
    assert latest.history_user == case.center
    assert latest.history_type == ("+" if save.endswith("add") else "~")
    if hasattr(obj, "status"):
        assert obj.status == "prepared"  # added in its first state; a change leaves it


def test_the_admin_saves_what_the_clerk_typed_through_the_services(case):
    pledge = ADMIN_SAVES["form 2: add"](case)
    assert (pledge.facility, pledge.manager_name) == (case.newcomer, "新規 花子")
    exemption = ADMIN_SAVES["exemption: add"](case)
    assert (exemption.staff_member, exemption.basis) == (case.person, "exemption")
    session = ADMIN_SAVES["training: add"](case)
    assert set(session.attendees.all()) == {case.person, case.a.user.staff_member}
    assert {row.staffmember_id for row in session.history.latest().attendees.all()} == {
        case.person.pk,
        case.a.user.staff_member.pk,
    }
    changed = ADMIN_SAVES["training: change"](case)
    assert list(changed.attendees.all()) == [case.person]
    assert changed.title == "MCS 利用者研修 第2回"


def test_the_admin_leaves_a_sessions_attendees_to_the_service(case):
    """Django's save_related would set the attendees from the form (form.save_m2m())."""
    model_admin = admin.site._registry[TrainingSession]

    def save_m2m():
        raise AssertionError("the attendees were written outside the service")

    model_admin.save_related(None, SimpleNamespace(save_m2m=save_m2m), [], change=True)


def test_a_received_paper_still_takes_its_scan_and_a_missing_signing_date(case):
    pledge = f.StaffPledgeFactory(staff_member=case.person)
    document_receive(
        document_number=pledge.document_number, received_on=SESSION_DAY, by=case.center
    )
    scan = SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 400)
    updated = services.staff_pledge_update(
        pledge=pledge, signed_on=SESSION_DAY, scanned_copy=scan, by=case.center
    )
    assert updated.signed_on == SESSION_DAY and updated.scanned_copy.name.endswith(".jpg")
    with pytest.raises(ValidationError):
        services.staff_pledge_update(
            pledge=updated, signed_on=SESSION_DAY - timedelta(days=1), by=case.center
        )
    with pytest.raises(ValidationError):  # the scan of a signed paper stays
        services.staff_pledge_update(pledge=updated, scanned_copy=False, by=case.center)
    with pytest.raises(ValidationError) as refused:
        services.staff_pledge_update(
            pledge=f.StaffPledgeFactory(
                staff_member=case.person, status="received", received_on=SESSION_DAY
            ),
            signed_on=SESSION_DAY + timedelta(days=1),
            by=case.center,
        )
    assert "受領日より後" in " ".join(refused.value.messages)


# -- the self-service pages write through the same services --------------------------------


def test_an_administrator_records_an_exemption_on_the_pledges_page(case):
    html = page(case.facility_client.get(reverse("pledges:pledges", args=[case.a.facility.pk])))
    url = reverse("pledges:staff_pledge_exempt", args=[case.a.facility.pk, case.person.pk])
    assert url in html
    _exemption_page(case, case.person, signed_on="2020-04-01")
    pledge = case.person.pledges.get()
    assert (pledge.basis, pledge.exemption_note, str(pledge.signed_on)) == (
        "exemption",
        "入職時の誓約書",
        "2020-04-01",
    )
    assert pledge.history.get().history_user == case.a.admin


def test_an_administrator_records_a_session_of_the_facility_with_its_staff(case):
    form = case.facility_client.get(reverse("pledges:training_add", args=[case.a.facility.pk]))
    choices = set(form.context["form"].fields["attendees"].queryset)
    assert case.person in choices and case.outsider not in choices
    _training_page(case, title="個人情報保護研修", attendees=[case.person.pk])
    session = TrainingSession.objects.get(title="個人情報保護研修")
    assert (session.facility, list(session.attendees.all())) == (case.a.facility, [case.person])
    assert session.history.get().history_user == case.a.admin
    html = page(case.facility_client.get(reverse("pledges:training", args=[case.a.facility.pk])))
    assert "個人情報保護研修" in html


def test_a_session_without_attendees_is_listed_for_its_facility(case):
    services.training_session_record(
        title="欠席者のみの研修", held_on=SESSION_DAY, facility=case.a.facility, by=case.a.admin
    )
    html = page(case.facility_client.get(reverse("pledges:training", args=[case.a.facility.pk])))
    assert "欠席者のみの研修" in html
