"""操作マニュアル f04（患者グループとフリーグループ）: the screenshots of the chapter, taken
while the MCS administrator of facility A (also a physician) creates a patient group and a
free group, invites a nurse of facility B, whose administrator cannot approve her before the
patient's consent (様式4) is on record and can once it is (第5条, 第6条, 第8条); then moves,
archiving and the periodic membership review (精査, 留意事項 (1)(2))."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consents.models import PatientConsent
from facilities.models import Facility
from groups import services
from groups.models import CareGroup, Membership, MembershipReview, OwnershipTransfer
from mcs_admin.models import User
from tests.test_browser import log_in, log_out, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


NO_CONSENT = "患者同意書（様式4）またはその省略がまだ記録されていません（第6条）。"


@pytest.mark.django_db(transaction=True)
def test_a_patient_group_is_created_its_consent_recorded_and_a_member_approved(page):
    today = timezone.localdate()
    physician = User.objects.get(username="admin-a").staff_member
    nurse_b = User.objects.get(username="user-b").staff_member

    # facility A's administrator creates the patient's group
    log_in(page, "admin-a")
    page.get_by_role("link", name="グループ", exact=True).click()
    expect(page.get_by_role("link", name="グループを作成")).to_be_visible()
    shot(page, "f04-groups")
    page.get_by_role("link", name="グループを作成").click()
    page.get_by_label("患者グループ").check()
    page.get_by_label("姓", exact=True).fill("新和")
    page.get_by_label("名", exact=True).fill("三郎")
    page.get_by_label("姓（フリガナ）").fill("ﾆｲﾜ")
    page.get_by_label("名（フリガナ）").fill("サブロウ")
    page.get_by_label("住所").fill("埼玉県三郷市新和（デモ）3-2-1")
    page.get_by_label("主治医").select_option(str(physician.pk))
    shot(page, "f04-group-form")
    page.get_by_role("button", name="グループを作成する").click()
    expect(page.get_by_text("グループを作成しました。")).to_be_visible()
    group = CareGroup.objects.get(patient__family_name="新和", patient__given_name="三郎")
    assert group.patient.family_name_kana == "ニイワ"
    assert group.owner == physician.facility and group.reviews.filter(status="open").exists()
    expect(page.get_by_text("患者同意の記録がありません。")).to_be_visible()
    shot(page, "f04-group-created")

    # … and invites a nurse of facility B, found by the facility's name
    page.get_by_role("link", name="メンバーを招待").click()
    page.locator("form.search input[name=q]").fill("訪問看護")
    page.get_by_role("button", name="検索").click()
    page.get_by_label("職員").select_option(str(nurse_b.pk))
    shot(page, "f04-invite")
    page.get_by_role("button", name="招待する").click()
    expect(page.get_by_text("招待しました。")).to_be_visible()
    invitation = Membership.objects.get(group=group, staff_member=nurse_b)
    assert invitation.status == Membership.Status.INVITED
    log_out(page)

    # the nurse accepts
    log_in(page, "user-b")
    page.get_by_role("link", name="受けた招待").click()
    expect(page.get_by_test_id(f"accept-{invitation.pk}")).to_be_visible()
    shot(page, "f04-my-invitations")
    page.get_by_test_id(f"accept-{invitation.pk}").click()
    expect(page.get_by_text("招待を受理しました。")).to_be_visible()
    log_out(page)

    # facility B's administrator cannot approve her yet: no consent is on record (第6条)
    log_in(page, "admin-b")
    page.get_by_role("link", name="職員への招待").click()
    page.get_by_test_id(f"approve-{invitation.pk}").click()
    expect(page.get_by_text(NO_CONSENT)).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == Membership.Status.ACCEPTED
    shot(page, "f04-approve-refused")
    log_out(page)

    # facility A records the consent signed on paper, and prints the form for the patient
    log_in(page, "admin-a")
    page.goto(f"/groups/{group.pk}/")
    page.get_by_role("link", name="患者同意を記録").click()
    page.get_by_label("様式4による同意").check()
    page.get_by_label("署名日").fill(today.isoformat())
    page.get_by_label("同意取得者").select_option(str(physician.pk))
    page.get_by_label("家族の氏名").fill("新和 花子")
    page.get_by_label("続柄", exact=True).fill("妻")
    page.get_by_label("家族の住所").fill("埼玉県三郷市新和（デモ）3-2-1")
    shot(page, "f04-record-consent")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("患者同意を記録しました。")).to_be_visible()
    consent = PatientConsent.objects.get(group=group)
    assert consent.status == PatientConsent.Status.RECEIVED and consent.obtained_by == physician
    with page.expect_download() as download:
        page.get_by_role("link", name="様式4を印刷").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    shot(page, "f04-consent-recorded")

    # … and a free group: a name is required
    page.get_by_role("link", name="グループ", exact=True).click()
    page.get_by_role("link", name="グループを作成").click()
    page.get_by_label("自由グループ").check()
    page.get_by_role("button", name="グループを作成する").click()
    expect(page.get_by_text("自由グループにはグループ名を入力してください。")).to_be_visible()
    shot(page, "f04-free-group-refused")
    page.get_by_label("グループ名").fill("みさと中央クリニック 在宅チーム連絡")
    page.get_by_role("button", name="グループを作成する").click()
    expect(page.get_by_text("グループを作成しました。")).to_be_visible()
    free = CareGroup.objects.get(name="みさと中央クリニック 在宅チーム連絡")
    assert free.kind == CareGroup.Kind.FREE and free.patient is None
    log_out(page)

    # now facility B's administrator approves the nurse
    log_in(page, "admin-b")
    page.get_by_role("link", name="職員への招待").click()
    shot(page, "f04-staff-invitations")
    page.get_by_test_id(f"approve-{invitation.pk}").click()
    expect(page.get_by_text("招待を承認しました。")).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == Membership.Status.APPROVED
    assert invitation.history.latest().history_user.username == "admin-b"


@pytest.mark.django_db(transaction=True)
def test_groups_are_moved_archived_and_their_members_reviewed(page):
    admin_a = User.objects.get(username="admin-a")
    clinic = admin_a.staff_member.facility
    nursing = Facility.objects.get(name="みさと訪問看護ステーション")
    incoming = OwnershipTransfer.objects.get(status="requested", to_facility=clinic)
    own = list(
        CareGroup.objects.filter(owner=clinic, kind="patient", status="active").order_by("pk")
    )
    reviewed, moved, archived = own[0], own[1], own[2]

    # a group another facility hands over: approved
    log_in(page, "admin-a")
    page.get_by_role("link", name="管理施設の変更", exact=True).click()
    expect(page.get_by_test_id(f"approve-transfer-{incoming.pk}")).to_be_visible()
    shot(page, "f04-moves")
    page.get_by_test_id(f"approve-transfer-{incoming.pk}").click()
    expect(page.get_by_text("グループの管理施設がこの事業所になりました。")).to_be_visible()
    incoming.refresh_from_db()
    assert incoming.status == "approved" and incoming.group.owner == clinic

    # one of ours moves to facility B: asked for here, decided there
    page.goto(f"/groups/{moved.pk}/")
    page.get_by_role("link", name="管理施設を変更").click()
    page.locator("form.search input[name=q]").fill("訪問看護")
    page.get_by_role("button", name="検索").click()
    page.get_by_label("変更先事業所").select_option(str(nursing.pk))
    page.get_by_label("理由").fill("主治医の交代により訪問看護ステーションが連携元となるため")
    shot(page, "f04-move-request")
    page.get_by_role("button", name="移管を依頼する").click()
    expect(page.get_by_text("変更先の事業所に申請しました。")).to_be_visible()
    assert moved.transfers.get(status="requested").to_facility == nursing
    expect(page.get_by_role("button", name="管理施設の変更を取り下げる")).to_be_visible()
    expect(page.get_by_role("link", name="グループを保管")).to_have_count(0)
    shot(page, "f04-move-requested")

    # a patient who no longer uses MCS: the group is archived, with the reason
    page.goto(f"/groups/{archived.pk}/")
    page.get_by_role("link", name="グループを保管").click()
    page.get_by_role("button", name="グループを保管").click()
    expect(page.get_by_text("この項目は必須です。")).to_be_visible()
    page.get_by_label("理由").fill("入院のため在宅療養を終了")
    shot(page, "f04-archive")
    page.get_by_role("button", name="グループを保管").click()
    expect(page.get_by_text("グループを保管しました。")).to_be_visible()
    archived.refresh_from_db()
    assert archived.status == "archived" and archived.archive_reason == "入院のため在宅療養を終了"
    page.get_by_role("link", name="グループ", exact=True).click()
    page.get_by_role("link", name="保管済みのグループ").click()
    expect(page.get_by_role("link", name=str(archived))).to_be_visible()
    shot(page, "f04-archived-groups")

    # the periodic review of the members (精査): one removed with the reason, the rest confirmed
    review = MembershipReview.objects.get(group=reviewed, status="open")
    page.goto(f"/groups/{reviewed.pk}/")
    page.get_by_role("link", name="メンバーを精査").click()
    expect(page.get_by_text("期限切れ")).to_be_visible()
    shot(page, "f04-review")
    pending = list(services.review_pending(review).order_by("pk"))
    leaver = next(m for m in pending if m.staff_member.facility_id != clinic.pk)
    page.get_by_test_id(f"remove-{leaver.pk}").click()
    expect(page.get_by_text("メンバーを解除する理由を書いてください。")).to_be_visible()
    shot(page, "f04-review-refused")
    row = page.get_by_role("row").filter(has=page.get_by_test_id(f"remove-{leaver.pk}"))
    row.get_by_label("理由").fill("担当から外れたため")
    page.get_by_test_id(f"remove-{leaver.pk}").click()
    expect(page.get_by_text("記録しました。")).to_be_visible()
    others = [m for m in pending if m != leaver]
    for membership in others[:-1]:
        page.get_by_test_id(f"confirm-{membership.pk}").click()
        expect(page.get_by_test_id(f"confirm-{membership.pk}")).to_have_count(0)
    expect(page.get_by_role("heading", name="今回判断したメンバー")).to_be_visible()
    shot(page, "f04-review-decided")
    # the last decision completes the review and schedules the next
    page.get_by_test_id(f"confirm-{others[-1].pk}").click()
    expect(page.get_by_role("heading", name="完了したメンバー精査")).to_be_visible()
    outcome = f"{len(others)} 名を確認、1 名を解除。"
    expect(page.get_by_text(outcome)).to_be_visible()
    review.refresh_from_db()
    assert review.status == "completed" and review.reviewer == admin_a
    assert review.outcome == outcome
    leaver.refresh_from_db()
    assert leaver.status == Membership.Status.REMOVED
    assert reviewed.reviews.filter(status="open").get().due_on > review.due_on
    shot(page, "f04-review-completed")
