"""The policy's rules hold on every path that writes (issue: one gate per rule).

First, no workflow state is a form field anywhere in the admin: every registered model admin's
add and change form and every inline's form are enumerated, and none offers a field of the
list below. The center moves these states with actions and pages that call the services.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from facilities import services
from facilities.models import (
    AdministratorAppointment,
    ApplicationRosterLine,
    Facility,
    IdRequest,
    McsAccount,
    StaffMember,
    UsageApplication,
)
from facilities.resources import StaffMemberResource
from mcs_admin.documents import document_receive
from mcs_admin.roles import STOPPED, may_log_in
from mcs_admin.services import spreadsheet_import
from mcs_admin.spreadsheets import read_dataset
from pledges.selectors import holders_without_pledge
from tests import factories as f
from tests.every_path import JAPANESE, admin_add, admin_change, admin_url, page, refusal
from tests.sheet_files import csv_bytes
from tests.world import build_world

pytestmark = pytest.mark.django_db

# The final set: the fields only a workflow's services move.
WORKFLOW_FIELDS = {
    "facilities.Facility": {"status", "joined_on", "left_on"},
    "facilities.UsageApplication": {"status", "received_on", "decided_on"},
    "facilities.StaffMember": {"left_on"},
    "facilities.McsAccount": {"status", "requested_on", "issued_on", "deleted_on", "status_reason"},
    "facilities.IdRequest": {
        "status",
        "handled_at",
        "rejection_reason",
        "released_at",
        "holder_deleted_at",
    },
    "facilities.Leave": {"completed_on"},
    "facilities.LeaveItem": {"status", "closed_at"},
    "facilities.RosterReview": {"status", "completed_on"},
    "facilities.RosterReviewEntry": {"outcome", "confirmed_at"},
    "facilities.AdministratorAppointment": {"ended_on"},
    "facilities.Consultation": {"status", "response", "answered_at", "closed_at"},
    "care_groups.CareGroup": {"status", "archived_on", "archive_reason"},
    "care_groups.Membership": {
        "status",
        "responded_at",
        "approved_at",
        "approved_by",
        "ended_at",
        "ended_by",
        "end_reason",
    },
    "care_groups.MembershipReview": {"status", "completed_on"},
    "care_groups.MembershipReviewEntry": {"outcome"},
    "care_groups.OwnershipTransfer": {"status", "decided_at", "refusal_reason"},
    "care_groups.AssemblyRequest": {"status", "decided_at", "decision_note"},
    "consents.PatientConsent": {"status", "received_on", "withdrawn_on", "withdrawal_reason"},
    "pledges.FacilityPledge": {"status", "received_on"},
    "pledges.StaffPledge": {"status", "received_on"},
    "pledges.PledgeRound": {"status", "closed_on"},
    "devices.Device": {"status", "retired_on"},
    "devices.CarryOutNotice": {
        "status",
        "filed_late",
        "acknowledged_at",
        "returned_on",
        "closed_on",
    },
    "devices.Incident": {"status", "closed_at", "preliminary_report_on", "final_report_on"},
    "office.Notice": {"status", "published_at", "published_by", "withdrawn_at", "withdrawn_by"},
}


@pytest.fixture
def center_request():
    world = build_world()
    request = RequestFactory().get("/admin/")
    request.user = world.center
    return request


def _forms(model_admin, request):
    """Every form of one model admin: (what, model, form class) for add, change and inlines."""
    model = model_admin.model
    obj = model._default_manager.first()
    if model_admin.has_add_permission(request):
        yield "add", model, model_admin.get_form(request, None, change=False)
        for inline in model_admin.get_inline_instances(request, None):
            yield "add inline", inline.model, inline.get_formset(request, None).form
    if obj is not None and model_admin.has_change_permission(request, obj):
        yield "change", model, model_admin.get_form(request, obj, change=True)
        for inline in model_admin.get_inline_instances(request, obj):
            yield "change inline", inline.model, inline.get_formset(request, obj).form


def test_no_workflow_field_is_editable_on_any_admin_page(center_request):
    offered = []
    seen = set()
    for model_admin in admin.site._registry.values():
        for what, model, form in _forms(model_admin, center_request):
            seen.add(model._meta.label)
            editable = WORKFLOW_FIELDS.get(model._meta.label, set()) & set(form.base_fields)
            if editable:
                offered.append((type(model_admin).__name__, what, model.__name__, editable))
    assert offered == []
    # the table covers models the admin really shows: a rename would silently skip one
    assert set(WORKFLOW_FIELDS) <= seen


def test_every_model_with_a_status_is_in_the_table():
    with_status = {
        model._meta.label
        for model in apps.get_models()
        if any(field.name in ("status", "outcome") for field in model._meta.fields)
        and not model.__name__.startswith("Historical")
    }
    assert with_status <= set(WORKFLOW_FIELDS)


def test_the_models_declare_the_same_fields_the_admin_keeps_read_only():
    for label, fields in WORKFLOW_FIELDS.items():
        assert set(apps.get_model(label).workflow_fields) == fields, label


# -- the rules of the facilities app, each tried on every path that can write it -------------

FREED = "freed@example.jp"  # an address whose ID was deleted five days ago


@dataclass
class Case:
    world: object
    client: object  # logged in as the center
    person: object  # a current staff member of facility A without an MCS ID or a pledge
    pledged: object  # the same, with a pledge's exemption on record
    holder: object  # a staff member of facility A with an issued MCS ID
    leaver: object  # a staff member of facility A who left three days ago
    requests: dict  # pending ID requests: "issue" for person, "pledged" for pledged, "change"

    @property
    def center(self):
        return self.world.center


@pytest.fixture
def case(client):
    world = build_world()
    person = f.StaffMemberFactory(facility=world.a.facility, email="new@example.jp")
    pledged = f.StaffMemberFactory(facility=world.a.facility, email="pledged@example.jp")
    f.StaffPledgeFactory(staff_member=pledged, basis="exemption", exemption_note="旧誓約書")
    holder = f.StaffMemberFactory(facility=world.a.facility, email="holder@example.jp")
    f.McsAccountFactory(staff_member=holder, login_id="holder@mcs.example")
    f.McsAccountFactory(
        login_id=FREED,
        status="deleted",
        deleted_on=timezone.localdate() - timedelta(days=5),
    )
    leaver = f.StaffMemberFactory(facility=world.a.facility, email="leaver@example.jp")
    services.staff_mark_left(
        staff_member=leaver, by=world.center, left_on=timezone.localdate() - timedelta(days=3)
    )
    requests = {
        "issue": f.IdRequestFactory(staff_member=person, kind="issue"),
        "pledged": f.IdRequestFactory(staff_member=pledged, kind="issue"),
        "change": f.IdRequestFactory(
            staff_member=holder,
            kind="change",
            details="アドレス変更",
            account=holder.mcs_accounts.get(),
        ),
    }
    application = world.a.application  # its paper came back today, with one roster line
    f.ApplicationRosterLineFactory(application=application, email="line@example.jp")
    application.status, application.received_on = "received", timezone.localdate()
    application.save()
    client.force_login(world.center)
    return Case(world, client, person, pledged, holder, leaver, requests)


def _history_rows() -> int:
    return sum(
        model.history.count()
        for model in (
            Facility,
            StaffMember,
            McsAccount,
            IdRequest,
            AdministratorAppointment,
            UsageApplication,
            ApplicationRosterLine,
        )
    )


def _import(case, *rows) -> str:
    header = [
        "事業所名",
        "職種",
        "氏名",
        "メールアドレス",
        "MCS ID",
        "ID状態",
        "ID発行日",
        "退職日",
    ]
    report = spreadsheet_import(
        resource=StaffMemberResource(),
        dataset=read_dataset(csv_bytes([header, *rows])),
        user=case.center,
        file_name="roster.csv",
    )
    assert not report.ok
    return " ".join(problem.message for problem in report.problems)


def _row(person, *, login_id="", status="", issued_on="", left_on=""):
    name = person.full_name.replace("\u3000", " ")
    return [
        person.facility.name,
        "看護師",
        name,
        person.email,
        login_id,
        status,
        issued_on,
        left_on,
    ]


def _handle(case, id_request, **data) -> str:
    url = reverse("admin:facilities_idrequest_handle", args=[id_request.pk])
    return page(case.client.post(url, data, follow=True))


# 第9条: an ID only to staff with a pledge (form 3) or an exemption on record
PLEDGE = {
    "service": lambda case: refusal(
        services.account_issue, staff_member=case.person, login_id="n@mcs.example", by=case.center
    ),
    "ID request": lambda case: _handle(
        case, case.requests["issue"], do="issue", login_id="n@mcs.example"
    ),
    "admin add form": lambda case: admin_add(
        case.client, McsAccount, staff_member=case.person.pk, login_id="n@mcs.example"
    ),
}

# 独自ルール 3: an address freed by a deletion is accepted again only 30 days later
REUSE = {
    "service": lambda case: refusal(
        services.account_issue, staff_member=case.pledged, login_id=FREED, by=case.center
    ),
    "ID request: issue": lambda case: _handle(
        case, case.requests["pledged"], do="issue", login_id=FREED
    ),
    "ID request: change": lambda case: _handle(
        case, case.requests["change"], do="change", login_id=FREED
    ),
    "admin add form": lambda case: admin_add(
        case.client, McsAccount, staff_member=case.pledged.pk, login_id=FREED
    ),
    "admin change form": lambda case: admin_change(
        case.client, case.holder.mcs_accounts.get(), login_id=FREED
    ),
    "import: a new ID": lambda case: _import(
        case, _row(case.pledged, login_id=FREED, issued_on=timezone.localdate().isoformat())
    ),
    "import: a new login id": lambda case: _import(case, _row(case.holder, login_id=FREED)),
}

# An ID's status moves only through its workflow (restrict, ban, lift; delete by a request)
ID_STATUS = {
    "import: a status": lambda case: _import(
        case, _row(case.holder, login_id="holder@mcs.example", status="利用制限")
    ),
    "import: a requested ID": lambda case: _import(case, _row(case.person, status="申請中")),
}

# 第7条: the center or an administrator of the facility appoints its MCS administrators
APPOINTING = {
    "service": lambda case: _permission_refusal(
        services.appointment_start,
        facility=case.world.a.facility,
        staff_member=case.person,
        by=case.world.a.user,
    ),
    "import": lambda case: _permission_refusal(
        services.administrator_record,
        staff_member=case.person,
        appointed=True,
        started_on=None,
        user=case.world.a.user,
    ),
}

# 留意事項 (1)(3): a registered person leaves through the leaver's checklist, never by a date
LEAVING = {
    "import: a changed leaving date": lambda case: _import(
        case, _row(case.leaver, left_on=timezone.localdate().isoformat())
    ),
}


# The paper of a form is received once (mcs_admin.documents.document_receive)
RECEIVING = {
    "service": lambda case: refusal(
        document_receive,
        document_number=case.world.a.application.document_number,
        received_on=timezone.localdate(),
        by=case.center,
    ),
    "receiving page": lambda case: page(
        case.client.post(
            reverse("admin:receive_documents"),
            {
                "number": case.world.a.application.document_number,
                "received_on": timezone.localdate().isoformat(),
            },
            follow=True,
        )
    ),
    "admin action": lambda case: page(
        case.client.post(
            admin_url(UsageApplication, "changelist"),
            {
                "action": "document_receive_today",
                "_selected_action": [case.world.a.application.pk],
            },
            follow=True,
        )
    ),
}


def _changed_line(case):
    line = case.world.a.application.roster_lines.get()
    line.email = "changed@example.jp"
    return line


# 様式1: its roster is what the signed paper says once it is back (approval appoints and
# requests IDs from it)
ROSTER = {
    "service": lambda case: refusal(
        services.roster_line_record, line=_changed_line(case), by=case.center
    ),
    "admin change form: the application's roster": lambda case: admin_change(
        case.client, case.world.a.application, **{"roster_lines-0-email": "changed@example.jp"}
    ),
    "admin change form: the roster line": lambda case: admin_change(
        case.client,
        case.world.a.application.roster_lines.get(),
        email="changed@example.jp",
    ),
    "admin add form: a roster line": lambda case: admin_add(
        case.client,
        ApplicationRosterLine,
        application=case.world.a.application.pk,
        profession="nurse",
        family_name="三郷",
        given_name="花子",
        gender="female",
        email="new-line@example.jp",
    ),
}

RULES = {
    "pledge before an ID": (PLEDGE, "service"),
    "an address freed less than 30 days ago": (REUSE, "service"),
    "an ID's status": (ID_STATUS, None),
    "who appoints": (APPOINTING, None),
    "a leaving date": (LEAVING, None),
    "receiving a form once": (RECEIVING, "service"),
    "a received application's roster": (ROSTER, "service"),
}
# Every path that writes each rule's records; the admin's forms show no workflow field at all
# (test_no_workflow_field_is_editable_on_any_admin_page).
PATHS = {
    "pledge before an ID": {"service", "ID request", "admin add form"},
    "an address freed less than 30 days ago": {
        "service",
        "ID request: issue",
        "ID request: change",
        "admin add form",
        "admin change form",
        "import: a new ID",
        "import: a new login id",
    },
    "an ID's status": {"import: a status", "import: a requested ID"},
    "who appoints": {"service", "import"},
    "a leaving date": {"import: a changed leaving date"},
    "receiving a form once": {"service", "receiving page", "admin action"},
    "a received application's roster": {
        "service",
        "admin change form: the application's roster",
        "admin change form: the roster line",
        "admin add form: a roster line",
    },
}


def _permission_refusal(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as refused:
        service(**kwargs)
    return str(refused.value)


def test_the_table_names_every_path_of_every_rule():
    assert {rule: set(paths) for rule, (paths, _) in RULES.items()} == PATHS


CASES = [(rule, path) for rule, (paths, _) in RULES.items() for path in paths]


@pytest.mark.parametrize(("rule", "path"), CASES, ids=[f"{r}: {p}" for r, p in CASES])
def test_a_rule_is_refused_on_every_path_with_the_same_message(case, rule, path):
    paths, reference = RULES[rule]
    expected = paths[reference](case) if reference else None
    accounts = set(McsAccount.objects.values_list("pk", "login_id", "status"))
    history = _history_rows()
    answer = paths[path](case)
    if expected is not None:
        assert expected in answer
        assert JAPANESE.search(expected), expected
    else:
        assert JAPANESE.search(answer), answer
    assert set(McsAccount.objects.values_list("pk", "login_id", "status")) == accounts
    assert _history_rows() == history


def test_an_import_records_an_issued_id_without_a_pledge_and_flags_it(case):
    header = ["事業所名", "職種", "氏名", "メールアドレス", "MCS ID", "ID発行日"]
    row = [*_row(case.person, login_id="old@mcs.example")[:5], "2025-04-01"]
    report = spreadsheet_import(
        resource=StaffMemberResource(),
        dataset=read_dataset(csv_bytes([header, row])),
        user=case.center,
        file_name="last-year.csv",
    )
    assert report.ok
    account = case.person.mcs_accounts.get()
    assert (account.status, account.issued_on) == ("issued", date(2025, 4, 1))
    assert case.person in holders_without_pledge()


def test_an_import_marks_a_registered_person_as_left_through_the_checklist(case):
    report = spreadsheet_import(
        resource=StaffMemberResource(),
        dataset=read_dataset(
            csv_bytes(
                [
                    ["事業所名", "職種", "氏名", "メールアドレス", "退職日"],
                    [*_row(case.holder)[:4], timezone.localdate().isoformat()],
                ]
            )
        ),
        user=case.center,
        file_name="roster.csv",
    )
    assert report.ok
    case.holder.refresh_from_db()
    assert case.holder.left_on == timezone.localdate()
    assert case.holder.leaves.get().items.count() == 4
    assert case.holder.mcs_accounts.get().status == "deletion_pending"


# -- a stopped login stops at its next request, whatever stopped it -------------------------


def _restrict_by_service(case):
    account = case.world.a.user.staff_member.mcs_accounts.get()
    services.account_restrict(account=account, status="restricted", reason="誤用", by=case.center)


def _ban_by_admin_action(case):
    account = case.world.a.user.staff_member.mcs_accounts.get()
    data = {
        "action": "account_restrict_banned_with_reason",
        "_selected_action": [account.pk],
        "apply": "1",
        "reason": "情報漏えい",
    }
    case.client.post(admin_url(McsAccount, "changelist"), data)


def _suspend_by_admin_action(case):
    data = {
        "action": "facility_suspend_with_reason",
        "_selected_action": [case.world.a.facility.pk],
        "apply": "1",
        "reason": "規程違反の調査中",
    }
    case.client.post(admin_url(Facility, "changelist"), data)


def _leave_by_import(case):
    person = case.world.a.user.staff_member
    report = spreadsheet_import(
        resource=StaffMemberResource(),
        dataset=read_dataset(
            csv_bytes(
                [
                    ["事業所名", "職種", "氏名", "メールアドレス", "退職日"],
                    [*_row(person)[:4], timezone.localdate().isoformat()],
                ]
            )
        ),
        user=case.center,
        file_name="roster.csv",
    )
    assert report.ok


def _ban_in_the_database(case):
    McsAccount.objects.filter(staff_member__user=case.world.a.user).update(status="banned")


def _suspend_in_the_database(case):
    Facility.objects.filter(pk=case.world.a.facility.pk).update(status="suspended")


STOPS = {
    "service": _restrict_by_service,
    "admin action: ban": _ban_by_admin_action,
    "admin action: suspend the facility": _suspend_by_admin_action,
    "import": _leave_by_import,
    "database update: the ID": _ban_in_the_database,
    "database update: the facility": _suspend_in_the_database,
}

ENDED_BY_THE_NEXT_REQUEST = {
    "admin action: suspend the facility",
    "database update: the ID",
    "database update: the facility",
}


@pytest.mark.parametrize("stop", STOPS)
def test_a_stopped_login_is_refused_at_its_next_request(case, stop):
    user_client = Client()
    user_client.force_login(case.world.a.user)
    me = reverse("portal:me")
    assert user_client.get(me).status_code == 200
    STOPS[stop](case)
    account = case.world.a.user.staff_member.mcs_accounts.get()
    history = account.history.count()
    refused = user_client.post(me, {"changed_on": timezone.localdate().isoformat()}, follow=True)
    assert refused.redirect_chain[0][0].startswith(reverse("portal:login"))
    # the services that restrict, ban or record a leaver end the sessions themselves; a stop
    # they did not make is found by the next request, which says why
    assert (str(STOPPED) in page(refused)) == (stop in ENDED_BY_THE_NEXT_REQUEST)
    assert account.history.count() == history  # the POST wrote nothing
    assert user_client.get(me).url.startswith(reverse("portal:login"))


def test_lifting_a_suspension_lets_the_logins_in_again(case):
    services.facility_suspend(facility=case.world.a.facility, reason="調査", by=case.center)
    assert not may_log_in(case.world.a.user)
    services.facility_lift_suspension(facility=case.world.a.facility, by=case.center)
    assert may_log_in(case.world.a.user)


def test_an_administrator_with_a_new_id_after_a_deleted_one_is_not_stopped(case):
    person = case.world.a.admin.staff_member
    old = person.mcs_accounts.get()
    McsAccount.objects.filter(pk=old.pk).update(status="banned")
    assert not may_log_in(case.world.a.admin)
    McsAccount.objects.filter(pk=old.pk).update(status="deleted", deleted_on=timezone.localdate())
    f.McsAccountFactory(staff_member=person, login_id="renewed@mcs.example")
    assert may_log_in(case.world.a.admin)


def test_the_center_registers_a_facility_and_prepares_its_application_in_the_admin(case):
    admin_add(
        case.client, Facility, name="みさと南薬局", category="pharmacy", manager_name="南 一郎"
    )
    facility = Facility.objects.get(name="みさと南薬局")
    assert (facility.status, facility.history.get().history_user) == ("applying", case.center)
    admin_add(
        case.client,
        UsageApplication,
        facility=facility.pk,
        **{
            "roster_lines-TOTAL_FORMS": 1,
            "roster_lines-0-profession": "pharmacist",
            "roster_lines-0-family_name": "南",
            "roster_lines-0-given_name": "一郎",
            "roster_lines-0-gender": "male",
            "roster_lines-0-email": "minami@example.jp",
        },
    )
    application = facility.applications.get()
    line = application.roster_lines.get()
    assert (application.status, line.email) == ("prepared", "minami@example.jp")
    assert line.history.get().history_user == case.center
