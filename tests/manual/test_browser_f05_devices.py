"""操作マニュアル f05（端末・持出し届・インシデント）: the screenshots of the chapter, taken
while an MCS administrator of facility A registers a device for a user, the user files a
carry-out notice, the administrator acknowledges it, the user records the return and reports
the device lost, and the administrator records what was done (第12条, 留意事項 (3))."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import CarryOutNotice, Device, Incident
from mcs_admin.models import User
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


LABEL = "訪問用 iPad 7"


@pytest.mark.django_db(transaction=True)
def test_a_device_is_registered_taken_out_returned_and_reported_lost(page):
    today = timezone.localdate()
    user_a = User.objects.get(username="user-a").staff_member

    # the administrator registers a personal device for user-a: first without the permission
    log_in(page, "admin-a")
    page.get_by_role("link", name="端末", exact=True).click()
    expect(page.get_by_role("heading", name="端末")).to_be_visible()
    shot(page, "f05-devices")
    page.get_by_role("link", name="端末を登録").click()
    page.get_by_label("種別").select_option(label="タブレット")
    page.get_by_label("端末名").fill(LABEL)
    page.get_by_label("所有区分").select_option(label="個人所有端末")
    page.get_by_label("使用者").select_option(str(user_a.pk))
    for measure in [
        "（1）起動時パスワード",
        "（2）ファイル交換ソフト未導入",
        "（3）ウイルス対策ソフト",
        "（4）ブラウザにID・パスワードを記憶させない",
        "（5）ダウンロード・コピー・スクリーンショットをしない",
    ]:
        page.get_by_label(measure).check()
    page.get_by_label("（6）リモートワイプサービス").select_option(label="導入済")
    page.get_by_label("（7）緊急回線停止サービス").select_option(label="検討済（導入せず）")
    page.get_by_label("（8）端末管理・利用者管理（MDM）サービス").select_option(
        label="検討済（導入せず）"
    )
    shot(page, "f05-device-form")
    page.get_by_role("button", name="保存").click()
    refusal = (
        "個人所有端末には、事業所が書面で許可した日付（個人端末使用許可日）を入力してください。"
    )
    expect(page.get_by_text(refusal)).to_be_visible()
    assert not Device.objects.filter(label=LABEL).exists()
    shot(page, "f05-device-refused")
    page.get_by_label("個人端末使用許可日").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("端末を登録しました。")).to_be_visible()
    device = Device.objects.get(label=LABEL)
    assert device.assigned_to == user_a and device.missing_measures == []
    expect(page.get_by_role("link", name=LABEL)).to_be_visible()
    shot(page, "f05-device-registered")
    log_out(page)

    # user-a files a carry-out notice: first with the period the wrong way round
    log_in(page, "user-a")
    page.get_by_role("link", name="自分の持ち出し届出").click()
    page.get_by_role("link", name="持ち出しを届け出る").click()
    page.get_by_label("持ち出す情報").fill("訪問予定患者 3 名の MCS グループ閲覧")
    page.get_by_label("媒体").fill("訪問用タブレット")
    page.get_by_label("目的").fill("訪問診療に同行する際の情報確認")
    page.get_by_label("持ち出し日").fill(today.isoformat())
    page.get_by_label("返却予定日").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("端末").select_option(str(device.pk))
    page.get_by_role("button", name="届け出る").click()
    expect(page.get_by_text("期間の終了日を開始日より前にすることはできません。")).to_be_visible()
    assert not CarryOutNotice.objects.filter(staff_member=user_a).exists()
    shot(page, "f05-carry-out-refused")
    page.get_by_label("返却予定日").fill((today + datetime.timedelta(days=7)).isoformat())
    shot(page, "f05-carry-out-form")
    page.get_by_role("button", name="届け出る").click()
    expect(page.get_by_text("届出を MCS 管理者に送りました。")).to_be_visible()
    notice = CarryOutNotice.objects.get(staff_member=user_a)
    assert notice.status == CarryOutNotice.Status.FILED and notice.device == device
    expect(page.get_by_role("cell", name="届出済")).to_be_visible()
    shot(page, "f05-carry-out-filed")
    log_out(page)

    # the administrator acknowledges it
    log_in(page, "admin-a")
    page.get_by_role("link", name="持ち出し届出", exact=True).click()
    row = page.get_by_role("row").filter(has_text="訪問予定患者 3 名")
    expect(row.get_by_role("cell", name="届出済")).to_be_visible()
    shot(page, "f05-carry-outs")
    row.get_by_role("button", name="確認").click()
    expect(page.get_by_text("持ち出し届出を確認しました。")).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == CarryOutNotice.Status.ACKNOWLEDGED
    assert notice.acknowledged_by.username == "admin-a"
    expect(row.get_by_role("cell", name="確認済")).to_be_visible()
    shot(page, "f05-carry-out-acknowledged")
    log_out(page)

    # user-a brings it back, then reports the device lost
    log_in(page, "user-a")
    page.get_by_role("link", name="自分の持ち出し届出").click()
    page.get_by_test_id(f"return-{notice.pk}").click()
    expect(page.get_by_text("返却を記録し、届出を終了しました。")).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == CarryOutNotice.Status.CLOSED and notice.returned_on == today
    shot(page, "f05-carry-out-returned")

    page.get_by_role("link", name="自分の端末").click()
    page.get_by_role("link", name="紛失を報告").click()
    expect(page.get_by_label("種別")).to_have_value("lost")
    expect(page.get_by_label("端末")).to_have_value(str(device.pk))
    page.get_by_label("事象の内容").fill(
        "訪問先から戻る途中、駅のホームで端末を入れたかばんを置き忘れた。端末ロックあり。"
    )
    page.get_by_label("発生日時").fill(
        (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="報告する").click()
    expect(page.get_by_text("発生日時が未来になっています。")).to_be_visible()
    assert not Incident.objects.filter(reported_by=user_a).exists()
    shot(page, "f05-incident-refused")
    occurred = timezone.localtime() - datetime.timedelta(hours=2)
    page.get_by_label("発生日時").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("個人データを含む").check()
    shot(page, "f05-incident-form")
    page.get_by_role("button", name="報告する").click()
    expect(page.get_by_text("報告を MCS 管理者とサポートセンターに送りました。")).to_be_visible()
    expect(page.get_by_text("リモートワイプを利用している場合は")).to_be_visible()
    incident = Incident.objects.get(reported_by=user_a)
    assert incident.kind == Incident.Kind.LOST and incident.involves_personal_data
    device.refresh_from_db()
    assert device.status == Device.Status.LOST
    shot(page, "f05-incident-reported")
    log_out(page)

    # the administrator records what was done
    log_in(page, "admin-a")
    page.get_by_role("link", name="インシデント報告", exact=True).click()
    page.get_by_role("row").filter(has_text=user_a.full_name).get_by_role("link").click()
    expect(page.get_by_role("heading", name="個人情報保護法による報告")).to_be_visible()
    shot(page, "f05-incident-detail")
    page.get_by_role("link", name="対応を記録").click()
    page.get_by_label("リモートワイプ実施済").check()
    page.get_by_label("回線停止済").check()
    page.get_by_label("パスワード変更済").check()
    page.get_by_label("その他の対応").fill(
        "駅の遺失物窓口と警察に届出。本人に MCS のパスワードを変更させた。"
    )
    shot(page, "f05-incident-actions")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("対応を記録しました。")).to_be_visible()
    incident.refresh_from_db()
    assert incident.remote_wipe_done and incident.line_stopped and incident.password_changed
    assert incident.history.latest().history_user.username == "admin-a"
    # involving personal data, it stays open until the center records both reports
    expect(page.get_by_role("button", name="インシデントを終了")).to_have_count(0)
    shot(page, "f05-incident-recorded")
