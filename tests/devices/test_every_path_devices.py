"""The devices app's rules hold on every path that writes them (issue 15), as in
tests/test_every_path.py: each rule is tried through the service, the self-service page, the
admin's add and change forms and the register's import, and is refused with the same Japanese
message, with nothing written and no history row. The reports a user files themself (a
carry-out notice, an incident) have no admin form that files or rewrites them.

And 第12条(9): a carry-out notice filed after its period is accepted and marked 事後届出 on every
list of notices.
"""

import datetime
import importlib
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devices import services
from devices.models import CarryOutNotice, Device, Incident
from devices.resources import DeviceResource
from facilities.services import staff_mark_left
from mcs_admin.services import spreadsheet_import
from mcs_admin.spreadsheets import read_dataset
from office import reminders
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
from tests.sheet_files import csv_bytes
from tests.world import build_world

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LATE = "事後届出"


@dataclass
class Case:
    world: object
    client: Client  # the center, in the admin
    admin: Client  # facility A's MCS administrator, on the self-service pages
    user: Client  # facility A's user
    outsider: object  # a staff member of facility B
    leaver: object  # a staff member of facility A who left three days ago
    closed: object  # a closed incident of facility A
    retired: object  # a retired device of facility A

    @property
    def a(self):
        return self.world.a


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case():
    world = build_world()
    leaver = f.StaffMemberFactory(facility=world.a.facility, email="leaver@example.jp")
    staff_mark_left(staff_member=leaver, by=world.center, left_on=timezone.localdate() - 3 * DAY)
    closed = services.incident_close(incident=world.a.incident, by=world.a.admin)
    retired = services.device_retire(
        device=f.DeviceFactory(facility=world.a.facility), by=world.a.admin
    )
    return Case(
        world=world,
        client=_client(world.center),
        admin=_client(world.a.admin),
        user=_client(world.a.user),
        outsider=world.b.staff,
        leaver=leaver,
        closed=closed,
        retired=retired,
    )


def _written() -> tuple:
    """Every row of the devices app and the number of its history rows."""
    models = (Device, CarryOutNotice, Incident)
    rows = tuple(frozenset(model.objects.values_list()) for model in models)
    return rows, sum(model.history.count() for model in models)


# -- the paths -------------------------------------------------------------------------------

NEW_DEVICE = {"kind": "pc", "label": "受付PC", "ownership": "facility"}


def _initial(client, url) -> dict:
    """What the self-service form at `url` submits as it is shown."""
    data = {}
    for bound in client.get(url).context["form"]:
        value = bound.value()
        if value in (None, "", False):
            continue
        data[bound.name] = "on" if value is True else value
    return data


def _self_service(client, url, **changes) -> str:
    data = {**_initial(client, url), **changes}
    return page(client.post(url, data))


def _device_add_page(case, **fields) -> str:
    url = reverse("devices:device_add", args=[case.a.facility.pk])
    return _self_service(case.admin, url, **{**NEW_DEVICE, **fields})


def _device_edit_page(case, **changes) -> str:
    url = reverse("devices:device_edit", args=[case.a.facility.pk, case.a.device.pk])
    return _self_service(case.admin, url, **changes)


def _device_admin_add(case, **fields) -> str:
    return admin_add(case.client, Device, facility=case.a.facility.pk, **{**NEW_DEVICE, **fields})


def _import(case, **cells) -> str:
    """The register's import (the admin's import button) of one row of facility A."""
    resource = DeviceResource()
    row = {"facility": case.a.facility.name, **cells}
    header = [resource.fields[name].column_name for name in row]
    report = spreadsheet_import(
        resource=resource,
        dataset=read_dataset(csv_bytes([header, list(row.values())])),
        user=case.world.center,
        file_name="devices.csv",
    )
    assert not report.ok
    return " ".join(problem.message for problem in report.problems)


def _import_new(case, **cells) -> str:
    return _import(
        case, **{"label": "受付PC", "kind": "パソコン", "ownership": "事業所貸与", **cells}
    )


def _import_existing(case, **cells) -> str:
    return _import(
        case,
        label=case.a.device.label,
        **{"kind": "タブレット", "ownership": "事業所貸与", **cells},
    )


def _register(case, **fields) -> str:
    return refusal(
        services.device_register,
        facility=case.a.facility,
        by=case.a.admin,
        **{**NEW_DEVICE, **fields},
    )


def _update(case, **fields) -> str:
    return refusal(services.device_update, device=case.a.device, by=case.a.admin, **fields)


# a device is assigned to a staff member of its own facility ...
ASSIGNEE_ELSEWHERE = {
    "service: register": lambda case: _register(case, assigned_to=case.outsider),
    "service: update": lambda case: _update(case, assigned_to=case.outsider),
    "page: register": lambda case: _device_add_page(case, assigned_to=case.outsider.pk),
    "page: edit": lambda case: _device_edit_page(case, assigned_to=case.outsider.pk),
    "admin add form": lambda case: _device_admin_add(case, assigned_to=case.outsider.pk),
    "admin change form": lambda case: admin_change(
        case.client, case.a.device, assigned_to=case.outsider.pk
    ),
}

# ... who has not left (留意事項 (3): a leaver returns what was lent)
ASSIGNEE_LEFT = {
    "service: register": lambda case: _register(case, assigned_to=case.leaver),
    "service: update": lambda case: _update(case, assigned_to=case.leaver),
    "page: register": lambda case: _device_add_page(case, assigned_to=case.leaver.pk),
    "page: edit": lambda case: _device_edit_page(case, assigned_to=case.leaver.pk),
    "admin add form": lambda case: _device_admin_add(case, assigned_to=case.leaver.pk),
    "admin change form": lambda case: admin_change(
        case.client, case.a.device, assigned_to=case.leaver.pk
    ),
    "import: a new device": lambda case: _import_new(case, assigned_to=case.leaver.email),
    "import: a registered device": lambda case: _import_existing(
        case, assigned_to=case.leaver.email
    ),
}

# 第12条(10), 様式3 第2条2: a personal device needs the facility's written permission
PERSONAL = {
    "service: register": lambda case: _register(case, ownership="personal"),
    "service: update": lambda case: _update(case, ownership="personal"),
    "page: register": lambda case: _device_add_page(case, ownership="personal"),
    "page: edit": lambda case: _device_edit_page(case, ownership="personal"),
    "admin add form": lambda case: _device_admin_add(case, ownership="personal"),
    "admin change form": lambda case: admin_change(
        case.client, case.a.device, ownership="personal"
    ),
    "import: a new device": lambda case: _import_new(case, ownership="個人所有端末"),
    "import: a registered device": lambda case: _import_existing(case, ownership="個人所有端末"),
}

# 留意事項 (3): what was done about an incident is recorded while it is open
CLOSED_INCIDENT = {
    "service": lambda case: refusal(
        services.incident_record_actions,
        incident=case.closed,
        by=case.a.admin,
        actions_taken="回線停止を依頼",
    ),
    "page": lambda case: _self_service(
        case.admin,
        reverse("devices:incident_actions", args=[case.a.facility.pk, case.closed.pk]),
        actions_taken="回線停止を依頼",
    ),
    "admin change form": lambda case: admin_change(
        case.client, case.closed, actions_taken="回線停止を依頼"
    ),
}

# 第12条(9), 留意事項 (3): a user names a device of their own facility in what they file
NOTICE_DEVICE = {
    "service": lambda case: refusal(
        services.carry_out_file,
        by=case.a.user,
        content="訪問予定の確認",
        medium="USB メモリ",
        purpose="訪問",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + DAY,
        device=case.world.b.device,
    ),
    "page": lambda case: page(
        case.user.post(
            reverse("devices:carry_out_file"),
            {
                "content": "訪問予定の確認",
                "medium": "USB メモリ",
                "purpose": "訪問",
                "starts_on": timezone.localdate().isoformat(),
                "ends_on": (timezone.localdate() + DAY).isoformat(),
                "device": case.world.b.device.pk,
            },
        )
    ),
}
INCIDENT_DEVICE = {
    "service": lambda case: refusal(
        services.incident_report,
        by=case.a.user,
        kind="lost",
        occurred_at=timezone.now() - timedelta(hours=1),
        description="訪問先で紛失",
        device=case.world.b.device,
    ),
    "page": lambda case: page(
        case.user.post(
            reverse("devices:incident_report"),
            {
                "kind": "lost",
                "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "description": "訪問先で紛失",
                "device": case.world.b.device.pk,
            },
        )
    ),
}


def _device_button(case, view, device) -> str:
    url = reverse(f"devices:{view}", args=[case.a.facility.pk, device.pk])
    return page(case.admin.post(url, follow=True))


# a device's state moves by its workflow: retired once ...
RETIRED_ONCE = {
    "service": lambda case: refusal(services.device_retire, device=case.retired, by=case.a.admin),
    "page": lambda case: _device_button(case, "device_retire", case.retired),
    "admin action": lambda case: admin_action(case.client, Device, "device_retire", case.retired),
}

# ... and back in use only when it was reported lost or stolen
FOUND_AGAIN = {
    "service": lambda case: refusal(services.device_recover, device=case.a.device, by=case.a.admin),
    "page": lambda case: _device_button(case, "device_recover", case.a.device),
    "admin action": lambda case: admin_action(case.client, Device, "device_recover", case.a.device),
}

RULES = {
    "a device's assignee: another facility's staff": (ASSIGNEE_ELSEWHERE, "service: register"),
    "a device's assignee: a leaver": (ASSIGNEE_LEFT, "service: register"),
    "a personal device's permission": (PERSONAL, "service: register"),
    "a closed incident's actions": (CLOSED_INCIDENT, "service"),
    "retiring a device once": (RETIRED_ONCE, "service"),
    "finding a device that was not lost": (FOUND_AGAIN, "service"),
    "a carry-out notice's device": (NOTICE_DEVICE, "service"),
    "an incident's device": (INCIDENT_DEVICE, "service"),
}
# Every path that writes each rule's records. The admin has no add form for a carry-out notice
# or an incident, and their change forms do not offer the device (test_the_admin_neither_files
# _nor_rewrites_a_users_report below).
PATHS = {
    "a device's assignee: another facility's staff": {
        "service: register",
        "service: update",
        "page: register",
        "page: edit",
        "admin add form",
        "admin change form",
    },
    "a device's assignee: a leaver": {
        "service: register",
        "service: update",
        "page: register",
        "page: edit",
        "admin add form",
        "admin change form",
        "import: a new device",
        "import: a registered device",
    },
    "a personal device's permission": {
        "service: register",
        "service: update",
        "page: register",
        "page: edit",
        "admin add form",
        "admin change form",
        "import: a new device",
        "import: a registered device",
    },
    "a closed incident's actions": {"service", "page", "admin change form"},
    "retiring a device once": {"service", "page", "admin action"},
    "finding a device that was not lost": {"service", "page", "admin action"},
    "a carry-out notice's device": {"service", "page"},
    "an incident's device": {"service", "page"},
}


def test_the_table_names_every_path_of_every_rule():
    assert {rule: set(paths) for rule, (paths, _) in RULES.items()} == PATHS


CASES = [(rule, path) for rule, (paths, _) in RULES.items() for path in paths]


@pytest.mark.parametrize(("rule", "path"), CASES, ids=[f"{r}: {p}" for r, p in CASES])
def test_a_devices_rule_is_refused_on_every_path_with_the_same_message(case, rule, path):
    paths, reference = RULES[rule]
    expected = paths[reference](case)
    assert JAPANESE.search(expected), expected
    written = _written()
    answer = paths[path](case)
    assert expected in answer
    assert _written() == written


def test_a_leavers_device_stays_theirs_until_it_is_returned(case):
    """The assignee rule refuses a new assignment, not the one a leaver already has."""
    device = f.DeviceFactory(facility=case.a.facility, assigned_to=case.a.staff)
    staff_mark_left(staff_member=case.a.staff, by=case.world.center)
    services.device_update(device=device, by=case.a.admin, antivirus=True)
    url = reverse("devices:device_edit", args=[case.a.facility.pk, device.pk])
    response = case.admin.post(url, {**_initial(case.admin, url), "mdm": "adopted"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.assigned_to, device.antivirus, device.mdm) == (case.a.staff, True, "adopted")


def test_a_devices_state_is_no_field_of_its_forms(case):
    device = case.a.device
    url = reverse("devices:device_edit", args=[case.a.facility.pk, device.pk])
    assert not {"status", "retired_on"} & set(case.admin.get(url).context["form"].fields)
    today = timezone.localdate().isoformat()
    case.admin.post(url, {**_initial(case.admin, url), "status": "retired", "retired_on": today})
    admin_change(case.client, device, status="retired", retired_on=today)
    device.refresh_from_db()
    assert (device.status, device.retired_on) == ("in_use", None)


def test_a_device_is_retired_and_found_again_by_the_same_services_everywhere(case):
    lost = f.DeviceFactory(facility=case.a.facility, status="lost")
    admin_action(case.client, Device, "device_recover", lost)
    lost.refresh_from_db()
    assert lost.status == "in_use"
    assert lost.history.latest().history_user == case.world.center
    _device_button(case, "device_retire", lost)
    lost.refresh_from_db()
    assert (lost.status, lost.retired_on) == ("retired", timezone.localdate())
    assert lost.history.latest().history_user == case.a.admin
    html = page(case.admin.get(reverse("devices:device_list", args=[case.a.facility.pk])))
    retire = reverse("devices:device_retire", args=[case.a.facility.pk, lost.pk])
    assert retire not in html  # no button for what the service would refuse


# -- the admin writes through the services ---------------------------------------------------


def test_the_admin_registers_and_changes_a_device_through_the_services(case):
    answer = _device_admin_add(case, assigned_to=case.a.user.staff_member.pk, antivirus="on")
    device = Device.objects.get(label="受付PC")
    assert "errornote" not in answer
    assert (device.facility, device.assigned_to, device.antivirus, device.status) == (
        case.a.facility,
        case.a.user.staff_member,
        True,
        "in_use",
    )
    assert device.history.get().history_user == case.world.center

    form = case.client.get(admin_url(Device, "change", device.pk)).context["adminform"].form
    assert "facility" not in form.fields  # it stays in its facility's register
    assert {"label", "assigned_to", "ownership", "antivirus"} <= set(form.fields)
    admin_change(case.client, device, label="受付PC 2", facility=case.world.b.facility.pk)
    device.refresh_from_db()
    assert (device.label, device.facility) == ("受付PC 2", case.a.facility)
    assert device.history.latest().history_user == case.world.center


def test_the_admin_neither_files_nor_rewrites_a_users_report(case):
    notice = case.a.carry_out
    for model in (CarryOutNotice, Incident):
        assert case.client.get(admin_url(model, "add")).status_code == 403

    form = case.client.get(admin_url(CarryOutNotice, "change", notice.pk)).context["adminform"]
    assert set(form.form.fields) == {"version"}  # read-only: acknowledged and closed by actions
    admin_change(
        case.client, notice, content="書き換え", ends_on="2030-01-01", device=case.world.b.device.pk
    )
    notice.refresh_from_db()
    assert (notice.content, notice.device) == ("訪問予定患者のグループ閲覧", case.a.device)

    open_incident = f.IncidentFactory(
        facility=case.a.facility, reported_by=case.a.user.staff_member
    )
    form = case.client.get(admin_url(Incident, "change", open_incident.pk)).context["adminform"]
    assert set(form.form.fields) == {*services.INCIDENT_ACTION_FIELDS, "version"}
    admin_change(
        case.client,
        open_incident,
        actions_taken="キャリアに回線停止を依頼",
        line_stopped="on",
        description="書き換え",
        device=case.world.b.device.pk,
    )
    open_incident.refresh_from_db()
    assert (open_incident.actions_taken, open_incident.line_stopped) == (
        "キャリアに回線停止を依頼",
        True,
    )
    assert (open_incident.description, open_incident.device) == ("訪問先でタブレットを紛失", None)
    assert open_incident.history.latest().history_user == case.world.center


# -- 第12条(9): a notice filed after its period ---------------------------------------------


def _file(by, *, ends_on, medium):
    return services.carry_out_file(
        by=by,
        content="訪問記録の確認",
        medium=medium,
        purpose="訪問",
        starts_on=ends_on - 3 * DAY,
        ends_on=ends_on,
    )


def _row_of(page: str, text: str) -> str:
    (row,) = [row for row in re.split(r"<tr[ >]", page) if text in row]
    return row


def test_a_notice_filed_after_its_period_is_accepted_and_marked(case):
    today = timezone.localdate()
    late = _file(case.a.user, ends_on=today - DAY, medium="USB メモリ")
    current = _file(case.a.user, ends_on=today, medium="ノートPC")
    assert (late.status, late.filed_late) == ("filed", True)
    assert (current.status, current.filed_late) == ("filed", False)
    assert late.history.get().filed_late

    facility_list = page(
        case.admin.get(reverse("devices:carry_out_list", args=[case.a.facility.pk]))
    )
    my_list = page(case.user.get(reverse("devices:my_carry_outs")))
    for html in (facility_list, my_list):
        assert LATE in _row_of(html, "USB メモリ")
        assert LATE not in _row_of(html, "ノートPC")

    changelist = case.client.get(admin_url(CarryOutNotice, "changelist"))
    assert LATE in page(changelist)  # the column and the filter
    marked = case.client.get(admin_url(CarryOutNotice, "changelist"), {"filed_late__exact": "1"})
    assert list(marked.context["cl"].result_list) == [late]
    unmarked = case.client.get(admin_url(CarryOutNotice, "changelist"), {"filed_late__exact": "0"})
    assert late not in unmarked.context["cl"].result_list
    assert current in unmarked.context["cl"].result_list


def test_the_user_filing_late_on_the_page_is_told_it_is_marked(case):
    today = timezone.localdate()
    response = case.user.post(
        reverse("devices:carry_out_file"),
        {
            "content": "訪問記録の確認",
            "medium": "USB メモリ",
            "purpose": "訪問",
            "starts_on": (today - 5 * DAY).isoformat(),
            "ends_on": (today - DAY).isoformat(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("devices:my_carry_outs")
    notice = CarryOutNotice.objects.get(medium="USB メモリ")
    assert (notice.status, notice.filed_late) == ("filed", True)
    assert notice.history.get().history_user == case.a.user
    html = page(response)
    assert "事後届出として記録されました" in html
    assert LATE in _row_of(html, "USB メモリ")


def test_a_late_notice_waits_for_its_acknowledgement_and_its_reminder_says_so(case):
    today = timezone.localdate()
    late = _file(case.a.user, ends_on=today - DAY, medium="USB メモリ")
    ended = _file(case.a.user, ends_on=today, medium="ノートPC")  # ended by tomorrow

    texts = {item.key: item.text for item in reminders.collect(today)}
    assert texts[f"carry_out:{late.pk}"].endswith("（事後届出）")
    assert LATE not in texts[f"carry_out:{ended.pk}"]

    services.carry_outs_close_ended(today=today + DAY)
    late.refresh_from_db()
    ended.refresh_from_db()
    assert (late.status, ended.status) == ("filed", "closed")  # the administrator sees it first
    services.carry_out_acknowledge(notice=late, by=case.a.admin)
    services.carry_outs_close_ended(today=today + DAY)
    late.refresh_from_db()
    assert (late.status, late.closed_on, late.filed_late) == ("closed", today - DAY, True)


def test_the_migration_marks_the_notices_filed_late_before_it(case):
    migration = importlib.import_module("devices.migrations.0005_carry_out_filed_late")
    today = timezone.localdate()

    def notice(ends_on, filed_at):
        return f.CarryOutNoticeFactory(
            staff_member=case.a.user.staff_member,
            starts_on=ends_on - 9 * DAY,
            ends_on=ends_on,
            filed_at=timezone.make_aware(filed_at),  # in Japan's time (TIME_ZONE)
        )

    midnight = datetime.datetime.combine(today, datetime.time())
    # filed half an hour into the day after the period: still the period's last day in UTC
    late = notice(today - DAY, midnight + timedelta(minutes=30))
    # filed on the period's last day, late in the evening: the next day in no time zone here
    on_time = notice(today - DAY, midnight - timedelta(minutes=30))
    migration.mark_notices_filed_late(apps, None)
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.filed_late, on_time.filed_late) == (True, False)
    # the history of each notice carries the mark as the notice does
    assert set(late.history.values_list("filed_late", flat=True)) == {True}
    assert set(on_time.history.values_list("filed_late", flat=True)) == {False}
