"""Every URL declares who may open it and whose records it shows, and every page that shows a
patient, a staff member or an applicant on an application's roster leaves an access-log row with
them (issue 17, point 1).

The check reads what a person would: each page is opened as a login it is for, its text (the
HTML, the PDF's text, the CSV) is searched for the name of every patient, staff member and
applicant in the database, and each name found must be among the people the log rows of that
request name (`leak_report`, the report the authorities get). A page that shows a name and
declares nothing fails, whatever its kind: self-service, admin, download or token page.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import ResolverMatch
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm

from consents.services import consent_sign_on_screen
from facilities.models import ApplicationRosterLine, StaffMember
from groups.models import Patient
from mcs_admin.models import AccessLog, AssociationProfile
from mcs_admin.pdf import render_form
from mcs_admin.services import access_log_record
from mcs_admin.signing import Origin
from office.leak_report import leak_report
from office.policy import PEOPLE, Access, Page, Shows, check_access, declaration
from office.shown import PEOPLE_OF
from pledges.pdf import STAFF_PLEDGE_FORM
from tests import factories as f
from tests.office.test_access_matrix import MATRIX, OWN_OBJECT, url_for
from tests.pdf_reading import pages_text
from tests.signing import signature_png
from tests.world import build_world


def url_patterns(patterns=None, namespaces=()):
    """(namespaces, pattern) for every URL the project answers."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
            yield from url_patterns(pattern.url_patterns, inner)
        else:
            yield list(namespaces), pattern


def match_of(namespaces: list[str], pattern: URLPattern) -> ResolverMatch:
    return ResolverMatch(pattern.callback, (), {}, pattern.name, namespaces=namespaces)


def test_every_url_declares_who_may_open_it_and_what_it_shows():
    undeclared, counted = [], 0
    for namespaces, pattern in url_patterns():
        counted += 1
        page = declaration(match_of(namespaces, pattern))
        if page is None:
            undeclared.append(":".join([*namespaces, pattern.name or str(pattern.pattern)]))
        elif page.shows is not Shows.NOTHING:
            assert page.records is not None
    assert counted > 380  # the admin's, the self-service pages, the downloads, the login's
    assert undeclared == [], f"declare these in office.policy: {undeclared}"


def test_a_page_that_shows_people_must_say_where_they_are():
    with pytest.raises(ValueError):
        Page(Access.FACILITY, Shows.STAFF)
    with pytest.raises(ValueError):
        Page(Access.FACILITY, Shows.NOTHING, lambda request, response: [])


def test_a_url_that_declares_nothing_is_refused(rf):
    """Deny by default: a new URL nobody declared answers 403, not its page."""
    page = declaration(match_of(["portal"], URLPattern("x", lambda r: None, name="undeclared")))
    assert page is None
    with pytest.raises(PermissionDenied):
        check_access(rf.get("/x"), page, {})


# --- what each page shows, read as a person reads it ---------------------------------------


def unique_world():
    """The two facilities of tests.world, every patient's and applicant's name unique as the
    staff's are, so that a name found on a page says whose it is."""
    world = build_world()
    AssociationProfile.objects.filter(pk=1).update(on_screen_signing=True)  # its pages open
    for n, patient in enumerate(Patient.objects.order_by("pk")):
        Patient.objects.filter(pk=patient.pk).update(family_name="患者", given_name=f"{n}号")
    for n, side in enumerate((world.a, world.b)):
        session = f.TrainingSessionFactory(facility=side.facility)
        session.attendees.set([side.staff])
        f.MembershipFactory(
            group=side.group, staff_member=side.user.staff_member, status="approved"
        )
        f.ApplicationRosterLineFactory(
            application=side.application, family_name="名簿", given_name=f"{n}番"
        )
    # a consent signed on the screen, whose record names its patient as signed
    group = f.CareGroupFactory(
        owner=world.a.facility,
        attending_physician=world.a.admin.staff_member,
        patient=f.PatientFactory(family_name="患者", given_name="署名"),
    )
    consent_sign_on_screen(
        group=group,
        by=world.a.admin,
        origin=Origin(),
        patient_name=group.patient.full_name,
        patient_address=group.patient.address,
        patient_signature=signature_png(),
    )
    # and a staff pledge signed on the screen, whose record shows its person
    f.StaffPledgeSignatureFactory()
    return world


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "".join(pages_text(body))
    return re.sub(r"\s+", "", body.decode("utf-8-sig", errors="replace"))


PEOPLE_KINDS = (
    ("patients", Patient, Shows.PATIENTS),
    ("staff", StaffMember, Shows.STAFF),
    ("applicants", ApplicationRosterLine, Shows.APPLICANTS),
)


def names_on(text: str):
    """The patients, staff and applicants whose names the text shows (a name is followed by no
    digit: 佐藤太郎1 is not 佐藤太郎12)."""
    found = {kind: set() for kind, _model, _shows in PEOPLE_KINDS}
    for kind, model, _shows in PEOPLE_KINDS:
        for person in model.objects.all():
            name = re.escape(re.sub(r"\s+", "", person.full_name))
            if re.search(name + r"(?!\d)", text):
                found[kind].add(person.pk)
    return found


def opened(client, user, url):
    """GET the URL as `user`; the answer, and the people its log rows name."""
    client.logout()
    if user is not None:
        client.force_login(user)
    before = AccessLog.objects.order_by("pk").last()
    response = client.get(url)
    rows = AccessLog.objects.filter(pk__gt=before.pk if before else 0)
    seen = leak_report(rows, username="", start=None, end=timezone.now())
    logged = {kind: {line.person.pk for line in getattr(seen, kind)} for kind, *_ in PEOPLE_KINDS}
    return response, logged


def assert_logged(response, logged, page, viewer=None):
    url = response.request["PATH_INFO"]
    found = names_on(text_of(response))
    own = getattr(getattr(viewer, "staff_member", None), "pk", None)
    found["staff"].discard(own)  # a login's own name in the page's header is no disclosure
    for kind, _model, shows in PEOPLE_KINDS:
        missing = found[kind] - logged[kind]
        assert not missing, f"{url}: {kind} shown but not logged: {sorted(missing)}"
        if found[kind]:
            assert shows in page.shows, f"{url}: shows {kind} but does not declare it"
    return found


SHOWN_GETS = sorted(name for name, row in MATRIX.items() if row[2] == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHOWN_GETS)
def test_each_self_service_page_logs_everyone_it_shows(client, name):
    world = unique_world()
    whose, target, _, _ = MATRIX[name]
    side = world.a
    viewer = {"center": world.center, "public": None, "user": side.user}.get(whose, side.admin)
    if name == "groups:attended_groups":
        viewer = side.admin  # the physician who attends the facility's group
    if whose == "user" and target:
        viewer = getattr(side, OWN_OBJECT[target])
    url = url_for(name, side, target)
    response, logged = opened(client, viewer, url)
    assert response.status_code == 200, url
    page = declaration(response.resolver_match)
    assert_logged(response, logged, page, viewer)
    # a page that declares people finds them on the page: some show a name, some a patient
    # group without its patient's name, some the viewer's own record
    assert any(logged.values()) == bool(page.shows), name


def admin_urls(model, record):
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    yield reverse(f"{base}_changelist")
    if record is not None:
        for view in ("change", "history", "delete"):
            yield reverse(f"{base}_{view}", args=[record.pk])


ADMIN_MODELS = sorted(model._meta.label for model in admin.site._registry)


@pytest.mark.django_db
@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_each_admin_page_of_each_model_logs_everyone_it_shows(client, label):
    world = unique_world()
    f.MembershipReviewEntryFactory(review=world.a.review)
    assign_perm("care_groups.view_caregroup", world.a.user, world.a.group)
    access_log_record(user=world.a.admin, action=AccessLog.Action.LOGIN)
    model = next(m for m in admin.site._registry if m._meta.label == label)
    record = model._default_manager.order_by("pk").first()
    if label in PEOPLE_OF:
        assert record is not None, "the world has a record of every kind that holds people"
    for url in admin_urls(model, record):
        response, logged = opened(client, world.center, url)
        if response.status_code == 403:  # no deletion of this kind, for anyone
            assert url.endswith("/delete/"), url
            continue
        assert response.status_code == 200, url
        assert_logged(response, logged, declaration(response.resolver_match), world.center)


def admin_extras(world):
    """The admin's own pages beyond its models' lists and records, with what they need."""
    consent = world.a.consent
    pledge = world.a.staff_pledge
    # the scan of the signed form: the filled form itself, the staff member's name in it
    scan = render_form(STAFF_PLEDGE_FORM, [pledge])
    pledge.scanned_copy = SimpleUploadedFile("scan.pdf", scan)
    pledge.save()
    yield reverse("admin:receive_documents") + f"?number={consent.document_number}"
    yield reverse("admin:disclosure") + f"?staff_member={world.a.staff.pk}"
    yield reverse("admin:council_report")  # counts only: it names no one
    yield reverse("admin:mcs_admin_user_reset_second_factor", args=[world.a.admin.pk])
    yield reverse("admin:facilities_idrequest_handle", args=[world.a.deletion.pk])
    access_log_record(user=world.a.admin, action=AccessLog.Action.LOGIN)
    yield reverse("admin:mcs_admin_accesslog_export")  # its logins are the people it lets out
    yield reverse("admin:facilities_usageapplication_print", args=[world.a.application.pk])
    yield reverse("admin:pledges_staffpledge_print", args=[pledge.pk])
    yield reverse("admin:consents_patientconsent_print", args=[consent.pk])
    yield reverse("admin:facilities_facility_withdraw", args=[world.a.facility.pk])
    yield reverse("admin:mcs_admin_user_create_for_staff") + f"?staff_member={world.a.staff.pk}"
    yield reverse("admin:autocomplete") + (
        "?app_label=care_groups&model_name=membership&field_name=staff_member&term=佐藤"
    )
    yield reverse("scanned-copy", args=[pledge.scanned_copy.name])


@pytest.mark.django_db
def test_the_admins_own_pages_and_the_downloads_log_everyone_they_show(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = unique_world()
    for url in admin_extras(world):
        response, logged = opened(client, world.center, url)
        assert response.status_code == 200, url
        page = declaration(response.resolver_match)
        assert_logged(response, logged, page, world.center)
        assert any(logged.values()) == bool(page.shows), url


@pytest.mark.django_db
def test_the_token_pages_show_no_one(client):
    world = unique_world()
    user = world.a.admin
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse(
        "account:password_reset_confirm",
        args=[uid, default_token_generator.make_token(user)],
    )
    response = client.get(url, follow=True)
    assert response.status_code == 200 and response.redirect_chain  # the token leaves the URL
    assert not any(names_on(text_of(response)).values())
    assert declaration(response.resolver_match).shows is Shows.NOTHING
    assert PEOPLE == Shows.PATIENTS | Shows.STAFF
