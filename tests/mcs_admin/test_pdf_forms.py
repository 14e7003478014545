"""The forms 様式1–4 rendered filled in and blank, read back as text, fonts and QR codes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.pdf import CONSENT_FORM
from facilities.pdf import APPLICATION_FORM
from mcs_admin.models import AccessLog
from mcs_admin.pdf import print_form, render_form
from pledges.pdf import FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM
from tests import factories as f
from tests.pdf_reading import embedded_fonts, pages_text, qr_codes, squeeze

pytestmark = pytest.mark.django_db

# Every heading, article and item of each form, as the original reads (DESIGN §7).
FORM1_TEXT = [
    "＜別紙様式１＞",
    "医療機関等",
    "医師会",
    "メディカルケアステーション（ＭＣＳ）利用申込書",
    "本事業所において、メディカルケアステーションを利用した情報共有を行いたいので、申し込みます。",
    "事業所名：",
    "事業所住所：〒",
    "事業所電話番号：",
    "管理者氏名：",
    "印",
    "記",
    "利用者名簿",
    "職種",
    "氏名",
    "性別",
    "メールアドレス",
]
FORM2_TEXT = [
    "＜別紙様式２＞",
    "メディカルケアステーション（ＭＣＳ）利用に係る連携守秘誓約書",
    "第１条（連携情報保持の誓約）",
    "「テスト市医師会メディカルケアステーション運用ポリシー」（以下、「運用ポリシー」という。）",
    "①患者、患者の家族及び連携業務に関わる者並びにこれらの関係者の一切の個人情報",
    "②その他連携業務内で知り得た情報",
    "③その他業務に関連して知り得た情報",
    "第２条（連携情報の管理等）",
    "１私は、従事者が連携情報",
    "２私は、機器（携帯電話、ノートパソコンを含みますがこれらに限られません）",
    "３私は、従事者に対して個人情報保護やIT機器のセキュリティについて定期的に教育を実施します。",
    "第３条（利用目的外での使用の禁止）",
    "第４条（退職後の業務情報保持の誓約）",
    "第５条（損害賠償）",
    "私は、本誓約書の各条の規定に違反した場合、誠意をもって協議致します。",
    "事業所名",
    "事業所所在地",
    "管理者氏名",
]
FORM3_TEXT = [
    "＜別紙様式３＞",
    "従業者",
    "医療機関等",
    "業務情報保持に関する誓約書",
    "（業務情報保持の誓約）",
    "第１条私は、貴事業所の業務の従業者として",
    "①患者、患者の家族及び貴事業所に関わる者並びにこれらの関係者の一切の個人情報",
    # 第1条② as the original reads, not the extraction's "これらの係者"
    "②その他貴事業所内で知り得た情報（患者、患者の家族及び貴事業所に関わる者並びにこれらの関係者",
    "③その他業務に関連して知り得た情報",
    "（情報の管理等）",
    "第２条",
    "１私は、貴事業所の業務に関連して取得する情報",
    "２私は、貴事業所から貸与を受けた機器",
    "また、許可を得た機器に保存されている情報については",
    "３私は、貴事業所のシステムにアクセスする際に",
    "（利用目的外での使用の禁止）",
    "第３条私は、当該情報を貴事業所が定める目的以外で利用しない",
    "（退職後の業務情報保持の誓約）",
    "第４条私は、貴事業所を退職した後も",
    "（損害賠償）",
    "第５条私は、本誓約書の各条の規定に違反した場合、貴事業所が被った一切の損害を賠償することを誓約します。",
    "住所",
    "氏名",
]
FORM4_TEXT = [
    "＜別紙様式４＞",
    "患者",
    "医療機関等",
    "在宅医療における個人情報使用同意書",
    "下記の事項をご了承いただきますようお願い申し上げます。",
    "１）在宅医療は、医師による継続的な診療が必要であるにもかかわらず",
    "２）在宅医療は、医療環境が整った病院等で",
    "３）在宅医療は、病院診療に比べて十分ではない事項（例えば以下の事項）があります。",
    "①訪問（往診）に時間を要すること",
    "②検査内容及び診療内容が限られており",
    "③医療設備等について万全ではない部分があること",
    "４）在宅医療の開始にあたっては",
    "５）在宅医療の継続にあたっては",
    "６）容態の変化や療養環境の変化を把握するため",
    "７）円滑な自宅での療養生活を継続していただくため",
    "８）在宅医療期間中に患者から取得する個人情報の利用目的は、裏面に記載のとおりです。",
    "以上",
    "（西暦）",
    "私は、上記事項について説明を受け、いずれも同意します。",
    "＜患者＞",
    "＜家族＞",
    "㊞",
]
FORM4_BACK_TEXT = [
    "患者の個人情報の利用目的",
    "１当施設での利用",
    "(１)患者に提供する医療サービス",
    "(９)その他患者に係る管理運営業務",
    "２当施設外への情報提供としての利用",
    "(１)他の病院、診療所、薬局、訪問看護ステーション、介護事業者等との連携",
    "(10)その他医療・介護・労災保険・公費負担医療等に関する診療費請求のための利用及びその照会に対する回答",
    "(14)患者個人を識別あるいは特定できない状態にした上での症例研究、発表及び教育",
    "３その他の利用",
    "(２)外部監査機関への情報提供",
    "以上",
]


@pytest.fixture(autouse=True)
def profile():
    # not the demo's association: the name and chair come from the profile, never a literal
    return f.AssociationProfileFactory(
        name="テスト市医師会", chair_title="会長", chair_name="試験 太郎"
    )


def assert_contains(text: str, expected: list[str]):
    missing = [part for part in expected if squeeze(part) not in text]
    assert missing == []


def test_form1_filled(profile):
    application = f.UsageApplicationFactory(
        facility__name="みさと中央クリニック",
        facility__postal_code="341-0044",
        facility__address="埼玉県三郷市戸ヶ崎2-10",
        facility__phone="048-955-1234",
        facility__manager_name="早川 道夫",
    )
    f.ApplicationRosterLineFactory(
        application=application,
        profession="care_manager",
        family_name="今井",
        given_name="朋美",
        gender="female",
        email="imai@example.jp",
    )
    pdf = render_form(APPLICATION_FORM, [application])
    (page,) = pages_text(pdf)
    assert_contains(page, FORM1_TEXT)
    assert_contains(
        page,
        [
            "テスト市医師会会長試験太郎殿",
            "令和8年4月1日",
            "みさと中央クリニック",
            "〒341-0044",
            "埼玉県三郷市戸ヶ崎2-10",
            "048-955-1234",
            "早川　道夫",
            "ケアマネジャー",
            "今井　朋美",
            "女性",
            "imai@example.jp",
            application.document_number,
        ],
    )
    assert "三郷市医師会" not in page and "平成" not in page
    assert embedded_fonts(pdf) == {"IPAexMincho"}
    assert qr_codes(pdf) == [application.document_number]


def test_form1_roster_of_25_lines_continues_on_three_pages():
    application = f.UsageApplicationFactory()
    for n in range(25):
        f.ApplicationRosterLineFactory(application=application, given_name=f"名{n:02d}")
    pages = pages_text(render_form(APPLICATION_FORM, [application]))
    assert len(pages) == 3
    for number, page in enumerate(pages):
        names = [f"名{n:02d}" for n in range(number * 10, min(number * 10 + 10, 25))]
        assert_contains(page, ["利用者名簿", "職種", "メールアドレス", *names])
        assert f"{number + 1}/3" in page and application.document_number in page
    assert "本事業所において" not in pages[1]  # the letter is on the first page only


def test_form1_empty_roster_prints_one_page():
    application = f.UsageApplicationFactory()
    (page,) = pages_text(render_form(APPLICATION_FORM, [application]))
    assert_contains(page, FORM1_TEXT)
    assert "1/1" not in page


def test_form2_filled():
    pledge = f.FacilityPledgeFactory(
        facility__name="みさと薬局",
        facility__address="埼玉県三郷市早稲田1-2-3",
        manager_name="堀切 和子",
        signed_on=f.TODAY,
    )
    pdf = render_form(FACILITY_PLEDGE_FORM, [pledge])
    (page,) = pages_text(pdf)
    assert_contains(page, FORM2_TEXT)
    assert_contains(
        page,
        [
            "テスト市医師会会長試験太郎殿",
            "令和8年4月1日",
            "事業所名みさと薬局",
            "事業所所在地埼玉県三郷市早稲田1-2-3",
            "管理者氏名堀切　和子印",
            pledge.document_number,
        ],
    )
    assert embedded_fonts(pdf) == {"IPAexMincho"}
    assert qr_codes(pdf) == [pledge.document_number]


def test_form3_filled():
    pledge = f.StaffPledgeFactory(
        staff_member__facility__name="みさと訪問看護ステーション",
        staff_member__facility__manager_name="中川 明美",
        staff_member__family_name="佐藤",
        staff_member__given_name="花子",
        staff_member__address="埼玉県三郷市彦成3-4-5",
    )
    pdf = render_form(STAFF_PLEDGE_FORM, [pledge])
    (page,) = pages_text(pdf)
    assert_contains(page, FORM3_TEXT)
    assert_contains(
        page,
        [
            "みさと訪問看護ステーション管理者中川　明美殿",
            "令和8年4月1日",
            "住所埼玉県三郷市彦成3-4-5",
            "氏名佐藤　花子印",
            pledge.document_number,
        ],
    )
    assert "係者の一切の情報" not in page.replace("関係者", "")
    assert embedded_fonts(pdf) == {"IPAexMincho"}
    assert qr_codes(pdf) == [pledge.document_number]


def test_form4_filled_has_its_back_page():
    consent = f.PatientConsentFactory(
        group__patient__family_name="三郷",
        group__patient__given_name="太郎",
        group__patient__address="埼玉県三郷市高州1-1",
        family_name="三郷 花子",
        family_address="埼玉県三郷市高州1-2",
        signed_on=f.TODAY,
    )
    pdf = render_form(CONSENT_FORM, [consent])
    front, back = pages_text(pdf)
    assert_contains(front, FORM4_TEXT)
    assert_contains(
        front,
        [
            "（西暦）2026年4月1日",
            "氏名三郷　太郎㊞",
            "住所埼玉県三郷市高州1-1",
            "氏名三郷　花子㊞",
            "住所埼玉県三郷市高州1-2",
        ],
    )
    assert "令和" not in front  # form 4 dates in the Western calendar, as its original
    assert_contains(back, FORM4_BACK_TEXT)
    assert embedded_fonts(pdf) == {"IPAexMincho"}
    assert qr_codes(pdf, page=1) == [consent.document_number]


@pytest.mark.parametrize(
    ("form", "expected", "pages"),
    [
        (APPLICATION_FORM, FORM1_TEXT, 1),
        (FACILITY_PLEDGE_FORM, FORM2_TEXT, 1),
        (STAFF_PLEDGE_FORM, [*FORM3_TEXT, "（事業所名称）", "管理者（氏名）殿"], 1),
        (CONSENT_FORM, FORM4_TEXT, 2),
    ],
    ids=lambda value: getattr(value, "template_name", None),
)
def test_blank_forms_have_every_field_empty_and_no_number(form, expected, pages):
    pdf = render_form(form, None)
    text = pages_text(pdf)
    assert len(text) == pages
    assert_contains(text[0], expected)
    era_line = "（西暦）年月日" if form is CONSENT_FORM else "令和年月日"
    assert era_line in text[0]
    assert not any(f"F{form.number}-" in page for page in text)
    assert qr_codes(pdf) == []
    assert embedded_fonts(pdf) == {"IPAexMincho"}


def test_several_records_print_as_one_pdf_in_order():
    pledges = f.StaffPledgeFactory.create_batch(3, staff_member__address="埼玉県三郷市1-1")
    pages = pages_text(render_form(STAFF_PLEDGE_FORM, pledges))
    assert [
        pledge.document_number in page for pledge, page in zip(pledges, pages, strict=True)
    ] == [True] * 3
    assert len(pages) == 3


def test_missing_data_says_what_to_fill_in_and_prints_nothing():
    facility = f.FacilityFactory(name="住所のない事業所", address="", phone="")
    application = f.UsageApplicationFactory(facility=facility)
    person = f.StaffMemberFactory(family_name="", given_name="", address="")
    staff_pledge = f.StaffPledgeFactory(staff_member=person)
    with pytest.raises(ValidationError) as error:
        print_form(form=APPLICATION_FORM, records=[application], user=None)
    assert error.value.messages == [
        "事業所「住所のない事業所」: 住所を入力してください。",
        "事業所「住所のない事業所」: 電話番号を入力してください。",
    ]
    with pytest.raises(ValidationError) as error:
        print_form(form=STAFF_PLEDGE_FORM, records=[staff_pledge], user=None)
    assert error.value.messages == [
        f"職員「#{person.pk}」: 姓を入力してください。",
        f"職員「#{person.pk}」: 名を入力してください。",
        f"職員「#{person.pk}」: 住所を入力してください。",
    ]
    assert not AccessLog.objects.exists()


def test_an_exemption_has_no_form_to_print():
    pledge = f.StaffPledgeFactory(basis="exemption", exemption_note="入職時の誓約書")
    with pytest.raises(ValidationError, match="免除"):
        render_form(STAFF_PLEDGE_FORM, [pledge])


def test_without_an_association_profile_the_message_says_so(profile):
    profile.delete()
    with pytest.raises(ValidationError, match="医師会情報"):
        render_form(FACILITY_PLEDGE_FORM, None)


def test_every_print_is_recorded():
    user = f.CenterUserFactory()
    pledges = f.FacilityPledgeFactory.create_batch(2)
    print_form(form=FACILITY_PLEDGE_FORM, records=pledges, user=user)
    print_form(form=FACILITY_PLEDGE_FORM, records=None, user=None, username="root (shell)")
    filled, blank = AccessLog.objects.order_by("pk")
    assert (filled.user, filled.action, filled.target_type) == (
        user,
        "print",
        "pledges.FacilityPledge",
    )
    assert filled.target_ids == [p.pk for p in pledges] and filled.row_count == 2
    assert pledges[0].document_number in filled.description
    assert (blank.username, blank.target_ids, blank.row_count) == ("root (shell)", [], 0)


@pytest.mark.parametrize(
    ("form", "factory"),
    [
        (APPLICATION_FORM, lambda: f.ApplicationRosterLineFactory().application),
        (FACILITY_PLEDGE_FORM, f.FacilityPledgeFactory),
        (STAFF_PLEDGE_FORM, lambda: f.StaffPledgeFactory(staff_member__address="三郷市1-1")),
        (CONSENT_FORM, f.PatientConsentFactory),
    ],
    ids=lambda value: getattr(value, "template_name", ""),
)
def test_printing_a_batch_runs_a_fixed_number_of_queries(form, factory):
    def queries(count: int) -> int:
        pks = [factory().pk for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            print_form(form=form, records=form.queryset().filter(pk__in=pks), user=None)
        return len(captured)

    assert queries(1) == queries(4)
