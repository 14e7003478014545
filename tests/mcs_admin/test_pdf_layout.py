"""Every printed document stays inside the printable area, with short and very long values."""

import pytest
from django.utils import timezone

from consents.pdf import CONSENT_FORM
from facilities.models import Facility
from facilities.pdf import APPLICATION_FORM, id_notice_pdf
from facilities.roster import roster_pdf
from mcs_admin import dates, pdf
from mcs_admin.choices import Profession
from mcs_admin.models import AssociationProfile
from mcs_admin.templatetags.printing import whole_words
from mcs_admin.wareki import to_wareki
from pledges.pdf import FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM
from tests import factories as f
from tests.pdf_layout import lines, off_the_page, out_of_their_cell
from tests.pdf_reading import pages_text

pytestmark = pytest.mark.django_db

LONG_FACILITY_NAME = (
    "社会福祉法人みさと福祉会　指定居宅介護支援事業所みさと中央ケアプランセンター本部"
)
LONG_ADDRESS = "埼玉県三郷市早稲田一丁目二番三号　みさと中央ビルディング東館十二階一二〇四号室"
LONG_LINES = 25
LONGEST_PROFESSION = max(Profession, key=lambda profession: len(str(profession.label)))
# the longest first, then every other 職種: each must fit its column
PROFESSIONS = [LONGEST_PROFESSION, *(p for p in Profession if p != LONGEST_PROFESSION)]


def test_the_long_values_are_as_long_as_the_issue_says():
    assert len(LONG_FACILITY_NAME) == 40
    assert str(LONGEST_PROFESSION.label) == "介護支援専門員（ケアマネジャー）"


@pytest.fixture(autouse=True)
def profile():
    return f.AssociationProfileFactory()


@pytest.fixture
def laid_out(monkeypatch):
    """The WeasyPrint documents that `mcs_admin.pdf.render_pdf` writes, captured in order."""
    documents = []
    layout = pdf.layout

    def capture(template_name, context):
        document = layout(template_name, context)
        documents.append(document)
        return document

    monkeypatch.setattr(pdf, "layout", capture)
    return documents


def long_login_id(n: int) -> str:
    return f"id{n:02d}.kaigoshien.senmonin.caremanager.misato-chuo@example-care-center.jp"


def long_facility() -> Facility:
    return f.FacilityFactory(
        name=LONG_FACILITY_NAME, address=LONG_ADDRESS, manager_name="長谷川原 久美子"
    )


def form1(long: bool):
    if not long:
        application = f.UsageApplicationFactory()
        f.ApplicationRosterLineFactory(application=application)
        return pdf.render_form(APPLICATION_FORM, [application])
    application = f.UsageApplicationFactory(facility=long_facility())
    for n in range(LONG_LINES):
        f.ApplicationRosterLineFactory(
            application=application,
            profession=PROFESSIONS[n % len(PROFESSIONS)],
            family_name="勅使河原",
            given_name=f"久美子{n}",
            gender="unspecified",
            email=long_login_id(n),
        )
    return pdf.render_form(APPLICATION_FORM, [application])


def form2(long: bool):
    facility = long_facility() if long else f.FacilityFactory()
    return pdf.render_form(FACILITY_PLEDGE_FORM, [f.FacilityPledgeFactory(facility=facility)])


def form3(long: bool):
    person = f.StaffMemberFactory(facility=long_facility() if long else f.FacilityFactory())
    if long:
        person.address = LONG_ADDRESS
        person.save()
    return pdf.render_form(STAFF_PLEDGE_FORM, [f.StaffPledgeFactory(staff_member=person)])


def form4(long: bool):
    consent = f.PatientConsentFactory()
    if long:
        consent.group.patient.address = consent.family_address = LONG_ADDRESS
        consent.group.patient.save()
        consent.save()
    return pdf.render_form(CONSENT_FORM, [consent])


def holders(facility: Facility, long: bool) -> list:
    """Staff of `facility` with an issued MCS ID, the first one its administrator: two nurses,
    or LONG_LINES of every 職種 with long login IDs."""
    accounts = [
        f.McsAccountFactory(
            staff_member__facility=facility,
            staff_member__profession=PROFESSIONS[n % len(PROFESSIONS)] if long else "nurse",
            login_id=long_login_id(n) if long else f"id{n}@example.jp",
        )
        for n in range(LONG_LINES if long else 2)
    ]
    f.AdministratorAppointmentFactory(staff_member=accounts[0].staff_member)
    return accounts


def roster(long: bool):
    facility = long_facility() if long else f.FacilityFactory()
    holders(facility, long)
    return roster_pdf(Facility.objects.all(), user=None)


def id_notice(long: bool):
    facility = long_facility() if long else f.FacilityFactory()
    accounts = holders(facility, long)
    now = timezone.now()
    requests = [
        f.IdRequestFactory(
            staff_member=account.staff_member,
            account=account,
            status="done",
            requested_at=now,
            handled_at=now,
        )
        for account in accounts
    ]
    return id_notice_pdf(requests, user=f.CenterUserFactory())


DOCUMENTS = [form1, form2, form3, form4, roster, id_notice]


@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
@pytest.mark.parametrize("render", DOCUMENTS, ids=lambda render: render.__name__)
def test_every_box_is_inside_the_content_area(laid_out, render, long):
    render(long)
    (document,) = laid_out
    assert off_the_page(document) == []
    assert out_of_their_cell(document) == []
    # no sentence leaves its last characters alone on a line (「す。」)
    assert [line for line in lines(document) if line.endswith("。") and len(line) < 4] == []


@pytest.mark.parametrize(
    "form", [APPLICATION_FORM, FACILITY_PLEDGE_FORM, STAFF_PLEDGE_FORM, CONSENT_FORM]
)
def test_blank_forms_are_inside_the_content_area(laid_out, form):
    pdf.render_form(form, None)
    (document,) = laid_out
    assert off_the_page(document) == []


@pytest.mark.parametrize("render", [form1, roster, id_notice], ids=lambda render: render.__name__)
def test_a_long_list_prints_every_line(laid_out, render):
    text = "".join(pages_text(render(long=True)))
    assert [n for n in range(LONG_LINES) if long_login_id(n) not in text] == []


@pytest.mark.parametrize("render", [form1, roster, id_notice], ids=lambda render: render.__name__)
def test_a_profession_wraps_only_before_its_bracket(laid_out, render):
    render(long=True)
    (document,) = laid_out
    label = str(LONGEST_PROFESSION.label)
    words = ["介護支援専門員", "（ケアマネジャー）"]
    assert "".join(words) == label
    printed = [line for line in lines(document) if line and line in label]
    assert printed and set(printed) <= {label, *words}
    assert words[0] in printed  # the column is narrower than the whole name


def test_the_roster_dates_in_the_chosen_era_and_numbers_its_pages(laid_out):
    profile = AssociationProfile.current()
    profile.date_style = dates.ERA
    profile.save()
    today = timezone.localdate()
    facility = long_facility()
    holders(facility, long=True)
    pages = pages_text(roster_pdf(Facility.objects.filter(pk=facility.pk), user=None))
    assert len(pages) > 1
    assert to_wareki(today) in pages[0]
    for number, page in enumerate(pages, start=1):
        assert f"{number}/{len(pages)}" in page
        assert to_wareki(f.TODAY) in page  # every row's 発行日
        assert f.TODAY.isoformat() not in page and "None" not in page


def test_whole_words_escapes_each_word():
    assert whole_words("A&B（C）") == (
        '<span class="word">A&amp;B</span><span class="word">（C）</span>'
    )
    assert whole_words("") == ""
