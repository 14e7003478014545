"""Applying online (issue 21, part 1): the center's invitation link, the facility's 様式1–2 through
it, saved and submitted, both forms as one PDF; and a link that is expired, used or altered
reaches nothing and writes nothing."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from facilities import services
from facilities.models import (
    ApplicationInvitation,
    ApplicationRosterLine,
    Facility,
    UsageApplication,
)
from mcs_admin.documents import document_receive
from mcs_admin.models import AccessLog, PaperStatus
from office.policy import LINK_REQUESTS
from pledges.models import FacilityPledge
from pledges.services import facility_pledge_apply
from tests.factories import (
    ApplicationInvitationFactory,
    AssociationProfileFactory,
    FacilityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# as the facility types them: half-width kana, a postal code without its hyphen
FACILITY = {
    "name": "みさと訪問看護ステーション",
    "name_kana": "ﾐｻﾄﾎｳﾓﾝｶﾝｺﾞｽﾃｰｼｮﾝ",
    "category": "home_nursing",
    "postal_code": "3410011",
    "address": "埼玉県三郷市早稲田1-2-3",
    "phone": "048-952-0000",
    "fax": "",
    "email": "info@misato-kango.example.jp",
    "manager_name": "山田 花子",
}
ADMINISTRATOR = {
    "profession": "nurse",
    "family_name": "佐藤",
    "given_name": "花子",
    "family_name_kana": "さとう",
    "given_name_kana": "ハナコ",
    "gender": "female",
    "email": "sato@misato-kango.example.jp",
    "is_administrator": True,
}
NURSE = {
    **ADMINISTRATOR,
    "family_name": "鈴木",
    "family_name_kana": "スズキ",
    "email": "suzuki@misato-kango.example.jp",
    "is_administrator": False,
}


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the rate limit's counts
    yield
    cache.clear()


def form_data(roster=(ADMINISTRATOR, NURSE), button="save", **facility) -> dict:
    data = {f"facility-{name}": value for name, value in {**FACILITY, **facility}.items()}
    data.update(
        {
            "roster-TOTAL_FORMS": str(len(roster)),
            "roster-INITIAL_FORMS": "0",
            "roster-MIN_NUM_FORMS": "0",
            "roster-MAX_NUM_FORMS": "1000",
            button: "1",
        }
    )
    for index, row in enumerate(roster):
        for name, value in row.items():
            if name != "is_administrator":
                data[f"roster-{index}-{name}"] = value
            elif value:
                data[f"roster-{index}-{name}"] = "on"
    return data


def link(token: str, name: str = "form") -> str:
    return reverse(f"apply:{name}", args=[token])


def written() -> tuple:
    """What a refused request must leave as it was: every record of applying, its history."""
    return (
        Facility.objects.count(),
        Facility.history.count(),
        UsageApplication.history.count(),
        ApplicationRosterLine.history.count(),
        FacilityPledge.history.count(),
        ApplicationInvitation.history.count(),
        list(ApplicationInvitation.objects.values_list("draft", "saved_at", "submitted_at")),
    )


# --- the invitation -------------------------------------------------------------------------


def test_the_center_invites_and_the_record_keeps_only_the_tokens_digest(center_user):
    invitation, token = services.invitation_create(email="new@example.jp", by=center_user)
    assert invitation.token_digest == ApplicationInvitation.digest(token) != token
    assert invitation.expires_at - invitation.invited_at == datetime.timedelta(days=14)
    assert services.invitation_link(token).endswith(f"/apply/{token}/")
    entry = invitation.history.get()
    assert (entry.history_type, entry.history_user) == ("+", center_user)


def test_only_the_center_invites():
    with pytest.raises(PermissionDenied):
        services.invitation_create(email="new@example.jp", by=UserFactory())
    assert not ApplicationInvitation.objects.exists()


def test_the_command_prints_a_link_that_opens_the_application(center_user):
    out = io.StringIO()
    call_command(
        "invite_facility", "--email", "new@example.jp", "--user", center_user.username, stdout=out
    )
    url = out.getvalue().strip()
    invitation = ApplicationInvitation.objects.get()
    assert invitation.email == "new@example.jp"
    assert invitation.invited_by == center_user
    response = Client().get(url[url.index("/apply/") :])
    assert response.status_code == 200
    assert "MCS利用申込" in response.content.decode()


def test_the_admin_mails_the_link_and_shows_it_once(center_client, mailoutbox):
    response = center_client.post(
        reverse("admin:facilities_applicationinvitation_add"),
        {"email": "Clinic@Example.JP"},
        follow=True,
    )
    invitation = ApplicationInvitation.objects.get()
    assert invitation.email == "Clinic@example.jp"
    shown = [str(message) for message in response.context["messages"]]
    link = next(message for message in shown if "/apply/" in message).split("：")[-1]
    (mail,) = mailoutbox
    assert mail.to == ["Clinic@example.jp"] and "オンライン申込" in mail.subject
    assert link in mail.body and "利用申込書（様式1）" in mail.body and "None" not in mail.body
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_digest == ApplicationInvitation.digest(token)


# --- saving and submitting ------------------------------------------------------------------


def test_saving_keeps_the_normalised_entries_and_writes_no_registry_record():
    invitation = ApplicationInvitationFactory(token="t-save")
    client = Client()
    response = client.post(link("t-save"), form_data())
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.draft["facility"]["postal_code"] == "341-0011"
    assert invitation.draft["facility"]["name_kana"] == "ミサトホウモンカンゴステーション"
    assert [row["family_name_kana"] for row in invitation.draft["roster"]] == ["サトウ", "スズキ"]
    assert invitation.submitted_at is None and not Facility.objects.exists()
    entry = invitation.history.latest()
    assert entry.history_user is None
    assert entry.history_change_reason == invitation.change_reason()
    # the same link shows what was saved
    page = client.get(link("t-save")).content.decode()
    assert "みさと訪問看護ステーション" in page and "suzuki@misato-kango.example.jp" in page
    # each use of the link is in the access log, without its token
    uses = AccessLog.objects.filter(target_type="facilities.ApplicationInvitation")
    assert [(entry.action, entry.target_ids) for entry in uses] == [("view", [invitation.pk])] * 2
    assert uses[0].description == "/apply/…/"


def test_submitting_registers_the_application_as_the_center_would_have_typed_it():
    AssociationProfileFactory()
    invitation = ApplicationInvitationFactory(token="t-submit")
    client = Client()
    response = client.post(link("t-submit"), form_data(button="submit"))
    assert response["Location"] == link("t-submit", "submitted")
    invitation.refresh_from_db()
    application = invitation.application
    facility = application.facility
    assert (facility.status, facility.applied_on) == ("applying", timezone.localdate())
    assert (facility.postal_code, facility.manager_name) == ("341-0011", "山田 花子")
    assert application.status == UsageApplication.Status.PREPARED
    lines = list(application.roster_lines.order_by("pk"))
    assert [(line.family_name, line.family_name_kana, line.is_administrator) for line in lines] == [
        ("佐藤", "サトウ", True),
        ("鈴木", "スズキ", False),
    ]
    pledge = facility.pledges.get()
    assert (pledge.status, pledge.manager_name) == (PaperStatus.PREPARED, "山田 花子")
    for record in (facility, application, lines[0], pledge, invitation):
        entry = record.history.latest()
        assert entry.history_user is None
        assert entry.history_change_reason == invitation.change_reason()
    # the browser that sent it gets its confirmation and both forms in one PDF
    page = client.get(link("t-submit", "submitted")).content.decode()
    assert application.document_number in page and pledge.document_number in page
    pdf = client.get(link("t-submit", "forms_pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "利用申込書" in text and "連携守秘誓約書" in text
    assert application.document_number in text and pledge.document_number in text
    printed = AccessLog.objects.filter(action=AccessLog.Action.PRINT)
    assert {entry.target_type for entry in printed} == {
        "facilities.UsageApplication",
        "pledges.FacilityPledge",
    }
    assert all("t-submit" not in entry.description for entry in AccessLog.objects.all())


def test_the_submitted_application_follows_the_centers_workflow(center_user):
    invitation = ApplicationInvitationFactory(token="t-flow")
    Client().post(link("t-flow"), form_data(button="submit"))
    invitation.refresh_from_db()
    application, pledge = invitation.application, invitation.application.facility.pledges.get()
    today = timezone.localdate()
    for number in (application.document_number, pledge.document_number):
        document_receive(document_number=number, received_on=today, by=center_user)
    services.application_check(application=application, by=center_user)
    services.application_approve(application=application, by=center_user)
    facility = Facility.objects.get(pk=application.facility_id)
    assert facility.status == Facility.Status.ACTIVE
    assert sorted(facility.staff.values_list("email", flat=True)) == [
        "sato@misato-kango.example.jp",
        "suzuki@misato-kango.example.jp",
    ]
    assert facility.appointments.get().staff_member.email == "sato@misato-kango.example.jp"
    assert facility.id_requests.filter(kind="issue").count() == 2


@pytest.mark.parametrize(
    ("roster", "facility", "message"),
    [
        ((NURSE,), {}, "MCS管理者"),
        ((), {}, "名簿"),
        ((ADMINISTRATOR, {**NURSE, "email": ADMINISTRATOR["email"]}), {}, "既に名簿"),
        ((ADMINISTRATOR,), {"phone": ""}, "必須"),
        ((ADMINISTRATOR,), {"postal_code": "34100"}, "郵便番号"),
        (({**ADMINISTRATOR, "family_name_kana": "sato"},), {}, "カナ"),
    ],
)
def test_a_refused_submission_says_why_in_japanese_and_writes_nothing(roster, facility, message):
    ApplicationInvitationFactory(token="t-bad")
    before = written()
    response = Client().post(link("t-bad"), form_data(roster, "submit", **facility))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert written() == before


def test_the_service_refuses_a_submission_through_a_used_link():
    invitation = ApplicationInvitationFactory(token="t-twice")
    Client().post(link("t-twice"), form_data(button="submit"))
    before = written()
    with pytest.raises(ValidationError, match="既に使われ"):
        services.invitation_submit(invitation=invitation, facility=dict(FACILITY), roster=[])
    assert written() == before


# --- a link that opens nothing --------------------------------------------------------------


def _expired(token):
    past = timezone.now() - datetime.timedelta(days=20)
    return ApplicationInvitationFactory(token=token, invited_at=past)


def _used(token):
    ApplicationInvitationFactory(token=token)
    Client().post(link(token), form_data(button="submit"))  # another browser sent it


@pytest.mark.parametrize(
    ("make", "token", "status", "message"),
    [
        (_expired, "t-old", 410, "有効期限"),
        (_used, "t-used", 410, "既に使われ"),
        (lambda token: ApplicationInvitationFactory(token="t-real"), "t-reaX", 404, "有効では"),
    ],
)
@pytest.mark.parametrize("name", ["form", "submitted", "forms_pdf"])
def test_an_expired_used_or_altered_link_reaches_nothing_and_writes_nothing(
    make, token, status, message, name
):
    AssociationProfileFactory()
    make(token)
    before = written()
    client = Client()
    for response in (
        client.get(link(token, name)),
        client.post(link(token, name), form_data(button="submit")),
    ):
        assert response.status_code == status
        page = response.content.decode()
        assert message in page and "申込" in page
        assert "みさと" not in page and "%PDF" not in page
    assert written() == before


def test_another_facilitys_records_are_not_reached_through_a_link():
    other = FacilityFactory(name="他の事業所")
    ApplicationInvitationFactory(token="t-own")
    page = Client().get(link("t-own")).content.decode()
    assert other.name not in page
    # the confirmation of an open link is its own application's only, and there is none yet
    assert Client().get(link("t-own", "submitted"))["Location"] == link("t-own")


def test_the_link_pages_are_rate_limited_per_client():
    ApplicationInvitationFactory(token="t-many")
    client = Client()
    for _ in range(LINK_REQUESTS):
        assert client.get(link("t-many")).status_code == 200
    response = client.get(link("t-many"))
    assert response.status_code == 429
    assert "しばらく" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing():
    ApplicationInvitationFactory(token="t-csrf")
    before = written()
    response = Client(enforce_csrf_checks=True).post(link("t-csrf"), form_data(button="submit"))
    assert response.status_code == 403
    assert written() == before


def test_the_pledge_of_an_online_application_is_prepared_once_and_only_after_submitting():
    invitation = ApplicationInvitationFactory(token="t-pledge")
    with pytest.raises(ValidationError, match="まだ送信されていません"):
        facility_pledge_apply(invitation=invitation)
    Client().post(link("t-pledge"), form_data(button="submit"))
    invitation.refresh_from_db()
    before = written()
    with pytest.raises(ValidationError, match="既に記録されています"):
        facility_pledge_apply(invitation=invitation)
    assert written() == before


def test_saving_through_an_expired_link_is_refused_by_the_service_too():
    invitation = _expired("t-late")
    before = written()
    with pytest.raises(ValidationError, match="有効期限"):
        services.invitation_save(invitation=invitation, facility=dict(FACILITY), roster=[])
    assert written() == before
