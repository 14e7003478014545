"""Devices, carry-out notices (第12条) and incidents (留意事項 (3)): each transition allowed and
refused, with the history entry it leaves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from devices import services
from devices.models import CarryOutNotice, Device, Incident
from mcs_admin.dates import shown_date
from tests import factories as f
from tests.world import build_world

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    return build_world()


def latest(obj):
    return obj.history.order_by("-history_id").first()


MEASURES = {
    "boot_password": True,
    "no_file_sharing": True,
    "antivirus": True,
    "browser_saves_no_password": True,
}


# --- the register (第12条 (1)–(8), (10)) -------------------------------------------------------


def test_a_device_lacking_a_measure_of_1_to_4_is_flagged(world):
    device = services.device_register(
        facility=world.a.facility,
        by=world.a.admin,
        kind="pc",
        label="受付PC",
        ownership="facility",
        **{**MEASURES, "antivirus": False},
    )
    assert device.missing_measures == ["（3）ウイルス対策ソフト"]
    with pytest.raises(PermissionDenied):
        services.device_update(device=device, by=world.b.admin, antivirus=True)
    services.device_update(device=device, by=world.a.admin, antivirus=True)
    device.refresh_from_db()
    assert device.missing_measures == []
    assert latest(device).history_user == world.a.admin


def test_measures_6_to_8_are_recorded_as_considered_or_adopted(world):
    device = services.device_register(
        facility=world.a.facility,
        by=world.a.admin,
        kind="smartphone",
        label="往診用スマホ",
        ownership="facility",
        remote_wipe="adopted",
        emergency_line_stop="considered",
        **MEASURES,
    )
    assert (device.remote_wipe, device.emergency_line_stop, device.mdm) == (
        "adopted",
        "considered",
        "not_considered",
    )
    assert device.unconsidered_measures == ["（8）端末管理・利用者管理（MDM）サービス"]


def test_a_personal_device_needs_the_facilitys_recorded_permission(world):
    fields = {"kind": "smartphone", "label": "私物スマホ", "ownership": "personal", **MEASURES}
    with pytest.raises(ValidationError) as error:
        services.device_register(facility=world.a.facility, by=world.a.admin, **fields)
    assert "書面で許可した日付" in " ".join(error.value.messages)
    assert not Device.objects.filter(label="私物スマホ").exists()
    device = services.device_register(
        facility=world.a.facility,
        by=world.a.admin,
        personal_use_permitted_on=timezone.localdate(),
        **fields,
    )
    assert device.personal_use_permitted_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.device_register(facility=world.a.facility, by=world.b.admin, **fields)


def test_a_device_is_retired_once_by_its_facilitys_administrator(world):
    device = world.a.device
    with pytest.raises(PermissionDenied):
        services.device_retire(device=device, by=world.b.admin)
    with pytest.raises(PermissionDenied):
        services.device_retire(device=device, by=world.a.user)
    with pytest.raises(ValidationError) as error:
        services.device_retire(
            device=device, by=world.a.admin, retired_on=timezone.localdate() + DAY
        )
    assert "retired_on" in error.value.message_dict
    with pytest.raises(ValidationError, match="登録"):  # before it was registered
        services.device_retire(device=device, by=world.a.admin, retired_on=f.TODAY - DAY)
    services.device_retire(device=device, by=world.a.admin)
    device.refresh_from_db()
    assert (device.status, device.retired_on) == ("retired", timezone.localdate())
    assert latest(device).history_user == world.a.admin
    with pytest.raises(ValidationError, match="既に使用終了"):
        services.device_retire(device=device, by=world.a.admin)


def test_a_device_reported_lost_is_back_in_use_when_found(world):
    device = world.a.device
    with pytest.raises(ValidationError, match="紛失・盗難と報告された端末だけ"):
        services.device_recover(device=device, by=world.a.admin)
    report(world)
    device.refresh_from_db()
    assert device.status == "lost"
    with pytest.raises(PermissionDenied):
        services.device_recover(device=device, by=world.b.admin)
    services.device_recover(device=device, by=world.a.admin)
    device.refresh_from_db()
    assert device.status == "in_use"
    assert latest(device).history_user == world.a.admin
    assert device.incidents.count() == 1  # the report stays on record


def test_a_devices_update_leaves_its_state_alone(world):
    device = services.device_update(
        device=world.a.device,
        by=world.a.admin,
        status="retired",
        retired_on=timezone.localdate(),
        label="新しい名前",
    )
    device.refresh_from_db()
    assert (device.label, device.status, device.retired_on) == ("新しい名前", "in_use", None)


# --- carry-out notices (第12条(9)) -------------------------------------------------------------


def test_a_user_files_a_carry_out_notice_for_their_facility(world):
    notice = services.carry_out_file(
        by=world.a.user,
        content="訪問予定の確認",
        medium="タブレット",
        purpose="訪問",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + 7 * DAY,
        device=world.a.device,
    )
    assert (notice.facility, notice.status) == (world.a.facility, "filed")
    assert latest(notice).history_user == world.a.user
    with pytest.raises(ValidationError) as error:
        services.carry_out_file(
            by=world.a.user,
            content="x",
            medium="USB",
            purpose="x",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            device=world.b.device,
        )
    assert "device" in error.value.message_dict
    with pytest.raises(PermissionDenied):  # the center has no staff record to file as
        services.carry_out_file(
            by=world.center,
            content="x",
            medium="USB",
            purpose="x",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )


def test_a_notice_is_acknowledged_by_its_facilitys_administrator_once(world):
    notice = world.a.carry_out
    with pytest.raises(PermissionDenied):
        services.carry_out_acknowledge(notice=notice, by=world.b.admin)
    with pytest.raises(PermissionDenied):
        services.carry_out_acknowledge(notice=notice, by=world.a.user)
    services.carry_out_acknowledge(notice=notice, by=world.a.admin)
    notice.refresh_from_db()
    assert (notice.status, notice.acknowledged_by) == ("acknowledged", world.a.admin)
    assert latest(notice).history_user == world.a.admin
    with pytest.raises(ValidationError, match="確認済み"):
        services.carry_out_acknowledge(notice=notice, by=world.a.admin)


def test_a_notice_closes_when_the_item_returns(world):
    notice = world.a.carry_out
    with pytest.raises(PermissionDenied):
        services.carry_out_return(notice=notice, by=world.b.user)
    with pytest.raises(ValidationError) as error:
        services.carry_out_return(
            notice=notice, by=world.a.user, returned_on=timezone.localdate() + DAY
        )
    assert "returned_on" in error.value.message_dict
    with pytest.raises(ValidationError):  # before it was taken out
        services.carry_out_return(notice=notice, by=world.a.user, returned_on=f.TODAY - DAY)
    services.carry_out_return(notice=notice, by=world.a.user)  # the person who took it out
    notice.refresh_from_db()
    assert (notice.status, notice.returned_on, notice.closed_on) == (
        "closed",
        timezone.localdate(),
        timezone.localdate(),
    )
    assert latest(notice).history_user == world.a.user
    with pytest.raises(ValidationError, match="終了"):
        services.carry_out_return(notice=notice, by=world.a.admin)
    services.carry_out_return(notice=world.b.carry_out, by=world.b.admin)  # or the administrator
    assert CarryOutNotice.objects.get(pk=world.b.carry_out.pk).status == "closed"


def test_notices_close_when_their_period_ends(world):
    ended = f.CarryOutNoticeFactory(
        staff_member=world.a.user.staff_member,
        starts_on=timezone.localdate() - 10 * DAY,
        ends_on=timezone.localdate() - DAY,
        status="acknowledged",
    )
    running = f.CarryOutNoticeFactory(
        staff_member=world.a.user.staff_member,
        starts_on=timezone.localdate() - DAY,
        ends_on=timezone.localdate(),
    )
    past_period = CarryOutNotice.objects.filter(status__in=["filed", "acknowledged"])
    ended_count = past_period.filter(ends_on__lt=timezone.localdate()).count()  # the world's too
    assert services.carry_outs_close_ended(today=timezone.localdate()) == ended_count
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, ended.closed_on, ended.returned_on) == (
        "closed",
        timezone.localdate() - DAY,
        None,
    )
    assert latest(ended).history_change_reason == "持ち出し期間が終わりました。"
    assert latest(ended).history_user is None  # the system closed it
    assert running.status == "filed"
    assert services.carry_outs_close_ended(today=timezone.localdate()) == 0


# --- incidents (留意事項 (3)) ------------------------------------------------------------------


def report(world, **extra):
    return services.incident_report(
        by=world.a.user,
        kind="lost",
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        description="訪問先でタブレットを紛失",
        device=world.a.device,
        **extra,
    )


def test_an_incident_is_reported_at_once_to_the_administrators_and_the_center(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    f.AssociationProfileFactory(email="center@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(world, involves_personal_data=True)
    (mail,) = mailoutbox
    admin_email = world.a.admin.staff_member.email
    assert set(mail.to) == {admin_email, "center@example.jp"}
    assert "端末の紛失" in mail.subject and world.a.facility.name in mail.subject
    assert "訪問先でタブレットを紛失" not in mail.body  # free text may name a patient
    assert "リモートワイプ" in mail.body
    assert f"/f/{world.a.facility.pk}/incidents/{incident.pk}/" in mail.body
    preliminary = shown_date(incident.preliminary_due_on)
    assert preliminary in mail.body
    world.a.device.refresh_from_db()
    assert world.a.device.status == "lost"
    assert latest(incident).history_user == world.a.user


def test_a_report_is_refused_without_a_staff_record_or_from_the_future(world):
    with pytest.raises(PermissionDenied):
        services.incident_report(
            by=world.center, kind="leak", occurred_at=timezone.now(), description="x"
        )
    with pytest.raises(ValidationError) as error:
        services.incident_report(
            by=world.a.user,
            kind="leak",
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
            description="x",
        )
    assert "occurred_at" in error.value.message_dict
    assert Incident.objects.count() == 2  # the world's


def test_report_deadlines_under_the_personal_information_law(world):
    incident = report(world)
    assert (incident.preliminary_due_on, incident.final_due_on) == (None, None)
    assert not incident.reports_outstanding
    known = timezone.localdate(incident.reported_at)
    incident = services.incident_record_actions(
        incident=incident, by=world.a.admin, involves_personal_data=True
    )
    assert incident.preliminary_due_on == known + 3 * DAY
    assert incident.final_due_on == known + 30 * DAY
    assert incident.reports_outstanding
    incident = services.incident_record_actions(
        incident=incident, by=world.a.admin, deliberate=True
    )
    assert incident.final_due_on == known + 60 * DAY


def test_the_administrator_records_the_actions_taken(world):
    incident = world.a.incident
    with pytest.raises(PermissionDenied):
        services.incident_record_actions(incident=incident, by=world.b.admin, line_stopped=True)
    with pytest.raises(PermissionDenied):
        services.incident_record_actions(incident=incident, by=world.a.user, line_stopped=True)
    services.incident_record_actions(
        incident=incident,
        by=world.a.admin,
        remote_wipe_done=True,
        line_stopped=True,
        password_changed=True,
        actions_taken="キャリアに回線停止を依頼",
    )
    incident.refresh_from_db()
    assert (incident.remote_wipe_done, incident.line_stopped, incident.password_changed) == (
        True,
        True,
        True,
    )
    assert latest(incident).history_user == world.a.admin


def test_the_center_records_both_reports_and_only_then_it_closes(world):
    incident = services.incident_record_actions(
        incident=world.a.incident, by=world.a.admin, involves_personal_data=True
    )
    with pytest.raises(PermissionDenied):
        services.incident_record_report(incident=incident, stage="preliminary", by=world.a.admin)
    with pytest.raises(ValidationError, match="先に速報"):
        services.incident_record_report(incident=incident, stage="final", by=world.center)
    with pytest.raises(ValidationError, match="速報と確報"):
        services.incident_close(incident=incident, by=world.a.admin)
    services.incident_record_report(incident=incident, stage="preliminary", by=world.center)
    with pytest.raises(ValidationError, match="既に記録"):
        services.incident_record_report(incident=incident, stage="preliminary", by=world.center)
    services.incident_record_report(incident=incident, stage="final", by=world.center)
    incident.refresh_from_db()
    assert (incident.preliminary_report_on, incident.final_report_on) == (
        timezone.localdate(),
        timezone.localdate(),
    )
    assert latest(incident).history_user == world.center
    assert not incident.reports_outstanding
    with pytest.raises(PermissionDenied):
        services.incident_close(incident=incident, by=world.b.admin)
    services.incident_close(incident=incident, by=world.a.admin)
    incident.refresh_from_db()
    assert incident.status == "closed" and latest(incident).history_user == world.a.admin
    with pytest.raises(ValidationError, match="終了"):
        services.incident_close(incident=incident, by=world.a.admin)
    with pytest.raises(ValidationError, match="終了"):
        services.incident_record_actions(incident=incident, by=world.a.admin, line_stopped=True)


def test_no_report_is_recorded_for_an_incident_without_personal_data(world):
    with pytest.raises(ValidationError, match="報告は不要"):
        services.incident_record_report(
            incident=world.a.incident, stage="preliminary", by=world.center
        )
    services.incident_close(incident=world.a.incident, by=world.a.admin)
    assert Incident.objects.get(pk=world.a.incident.pk).status == "closed"
