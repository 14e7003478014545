"""The support center's admin: every model registered, usable, audited, never hard-deleted."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mcs_admin.admin_base import HistoryAdmin
from mcs_admin.models import AccessLogCheckpoint, AccessLogHead
from tests.factories import FACTORIES, FacilityFactory, StaffMemberFactory
from tests.html_forms import form_data

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _ in REGISTERED]
# Written only by the services (permission grants, the append-only access log), never by hand:
# the admin shows them read-only.
READ_ONLY = {
    "mcs_admin.AccessLog",
    "mcs_admin.DocumentNumber",
    "mcs_admin.SentReminder",
    "facilities.FacilityUserObjectPermission",
    "facilities.FacilityGroupObjectPermission",
    "care_groups.CareGroupUserObjectPermission",
    "care_groups.CareGroupGroupObjectPermission",
    "office.NoticeReceipt",  # made by publishing its notice, read on the facility's page
    "consents.ConsentSignature",  # made by signing a consent on the screen
}

# Created only by their workflow (a leave by marking someone as left, a review by its round)
# or by the person concerned (a carry-out notice, an incident report): the admin has no add
# page for them.
ADDED_BY_A_WORKFLOW = {
    "facilities.Leave",
    "facilities.LeaveItem",
    "facilities.RosterReview",
    "facilities.RosterReviewEntry",
    "care_groups.MembershipReview",
    "care_groups.MembershipReviewEntry",
    "care_groups.AssemblyRequest",
    "devices.CarryOutNotice",
    "devices.Incident",
    "pledges.StaffPledgeSignature",  # by signing a staff pledge on the screen
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_project_model_is_registered_with_history():
    from django.apps import apps

    project_apps = {"mcs_admin", "facilities", "pledges", "care_groups", "consents", "devices"}
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in project_apps and not model.__name__.startswith("Historical")
    ]
    missing = [m._meta.label for m in models if m not in admin.site._registry]
    # the access log's chain head and checkpoints: the log's own state, kept by its insert and
    # by its retention, shown by no page
    assert missing == ["mcs_admin.AccessLogHead", "mcs_admin.AccessLogCheckpoint"]
    models.remove(AccessLogHead)
    models.remove(AccessLogCheckpoint)
    without_history = [
        m._meta.label for m in models if not isinstance(admin.site._registry[m], HistoryAdmin)
    ]
    # append-only logs
    assert without_history == [
        "mcs_admin.AccessLog",
        "mcs_admin.DocumentNumber",
        "mcs_admin.SentReminder",
    ]
    assert set(FACTORIES) >= {model for model, _ in REGISTERED}


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_center_opens_changelist_add_and_change(center_client, model, model_admin):
    obj = FACTORIES[model]()
    changelist = center_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert obj in changelist.context["cl"].result_list

    add = center_client.get(admin_url(model, "add"))
    read_only = model._meta.label in READ_ONLY | ADDED_BY_A_WORKFLOW or (
        model._meta.label == "mcs_admin.AssociationProfile"
    )
    assert add.status_code == (403 if read_only else 200)

    change = center_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    history = center_client.get(admin_url(model, "history", obj.pk))
    assert history.status_code == 200
    if model._meta.label in READ_ONLY:
        assert center_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_nothing_with_history_is_hard_deleted(center_client, model, model_admin):
    obj = FACTORIES[model]()
    response = center_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()
    changelist = center_client.get(admin_url(model, "changelist"))
    assert "delete_selected" not in model_admin.get_actions(changelist.wsgi_request)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_changelist_runs_a_fixed_number_of_queries(center_client, model, model_admin):
    factory = FACTORIES[model]
    url = admin_url(model, "changelist")
    factory()
    center_client.get(url)  # warm the content-type and permission caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert center_client.get(url).status_code == 200
        return len(queries)

    few = count()
    if model._meta.label != "mcs_admin.AssociationProfile":  # a single row by design
        factory.create_batch(4)
    assert count() == few


@pytest.mark.parametrize(
    ("model", "model_admin"),
    [(m, a) for m, a in REGISTERED if m._meta.label not in READ_ONLY],
    ids=[label for label in MODEL_IDS if label not in READ_ONLY],
)
def test_a_change_through_the_admin_is_recorded_with_its_user(
    center_client, center_user, model, model_admin
):
    obj = FACTORIES[model]()
    url = admin_url(model, "change", obj.pk)
    data = form_data(center_client.get(url).content.decode(), f"{model._meta.model_name}_form")
    before = obj.history.count()
    response = center_client.post(url, {**data, "_save": ""})
    errors = getattr(response, "context", None) and response.context.get("errors")
    assert response.status_code == 302, errors
    latest = obj.history.latest()
    assert obj.history.count() == before + 1
    assert latest.history_user == center_user
    assert latest.history_type == "~"


def test_admin_add_form_normalises_and_records_creator(center_client, center_user):
    facility = FacilityFactory()
    url = admin_url(StaffMemberFactory._meta.model, "add")
    data = form_data(center_client.get(url).content.decode(), "staffmember_form")
    data.update(
        facility=[str(facility.pk)],
        profession=["nurse"],
        family_name=["佐藤"],
        given_name=["花子"],
        family_name_kana=["ｻﾄｳ"],
        given_name_kana=["はなこ"],
        gender=["female"],
        email=["Hanako@Example.JP"],
    )
    response = center_client.post(url, {**data, "_save": ""})
    assert response.status_code == 302
    person = facility.staff.get()
    assert (person.family_name_kana, person.given_name_kana) == ("サトウ", "ハナコ")
    assert person.email == "Hanako@example.jp"
    assert person.history.get().history_user == center_user


def test_bad_input_in_the_admin_is_refused_beside_the_field(center_client):
    url = admin_url(FacilityFactory._meta.model, "add")
    data = form_data(center_client.get(url).content.decode(), "facility_form")
    data.update(
        name=["テスト医院"], category=["pharmacy"], postal_code=["34-11"], status=["active"]
    )
    response = center_client.post(url, {**data, "_save": ""})
    assert response.status_code == 200
    assert "postal_code" in response.context["adminform"].form.errors
    assert not FacilityFactory._meta.model.objects.filter(name="テスト医院").exists()


def test_facility_filter_searches_instead_of_listing_every_facility(center_client):
    wanted, other = FacilityFactory(name="みさと中央クリニック"), FacilityFactory()
    StaffMemberFactory(facility=wanted)
    StaffMemberFactory(facility=other)
    url = admin_url(StaffMemberFactory._meta.model, "changelist")
    response = center_client.get(url, {"facility__id__exact": wanted.pk})
    assert [p.facility for p in response.context["cl"].result_list] == [wanted]
    html = response.content.decode()
    assert 'class="autocomplete-filter' in html
    assert other.name not in html  # the filter does not list every facility's name

    autocomplete = center_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "facilities",
            "model_name": "staffmember",
            "field_name": "facility",
            "term": "中央",
        },
    )
    assert [r["text"] for r in autocomplete.json()["results"]] == ["みさと中央クリニック"]


def test_admin_is_in_japanese(center_client):
    response = center_client.get(reverse("admin:index"))
    assert response.headers["Content-Language"] == "ja"
    assert "事業所" in response.content.decode()


def test_history_is_read_only_in_the_admin(center_client):
    facility = FacilityFactory(name="元の名前")
    facility.name = "変更後の名前"
    facility.save()
    first = facility.history.earliest()
    url = reverse("admin:facilities_facility_simple_history", args=[facility.pk, first.history_id])
    page = center_client.get(url)
    assert page.status_code == 200
    assert "元の名前" in page.content.decode()
    data = form_data(page.content.decode(), "facility_form")
    assert center_client.post(url, data).status_code == 403
    facility.refresh_from_db()
    assert facility.name == "変更後の名前"
    assert facility.history.count() == 2

    listing = center_client.get(admin_url(type(facility), "history", facility.pk)).content.decode()
    assert "元の名前" in listing and "変更後の名前" in listing  # what changed, old → new


def test_the_index_names_each_kind_of_record_once_and_no_dead_panel(center_client):
    page = center_client.get(reverse("admin:index"))
    names = [model["name"] for app in page.context["app_list"] for model in app["models"]]
    assert len(names) == len(set(names)), "two entries read alike"
    assert "役割グループ" in names and "グループ" in names
    content = page.content.decode()
    assert "最近行った操作" not in content and "利用不可" not in content


def test_a_roles_permissions_read_as_the_admin_names_its_records(center_client):
    from django.contrib.auth.models import Group

    role = Group.objects.create(name="受付")
    page = center_client.get(reverse("admin:auth_group_change", args=[role.pk]))
    field = page.context["adminform"].form.fields["permissions"]
    labels = [field.label_from_instance(p) for p in field.queryset]
    assert "事業所・ID | 職員 | 追加" in labels
    assert labels and not [label for label in labels if "Can " in label or "axes" in label.lower()]
    assert not field.queryset.filter(content_type__app_label__in=["axes", "otp_totp"]).exists()


def test_the_permission_grants_read_in_the_admins_words(center_client):
    from guardian.shortcuts import assign_perm

    from tests.factories import UserFactory

    facility = FacilityFactory()
    assign_perm("facilities.administer_facility", UserFactory(), facility)
    page = center_client.get(reverse("admin:facilities_facilityuserobjectpermission_changelist"))
    headers = [str(column["text"]) for column in page.context["result_headers"]]
    assert headers == ["ログインアカウント・役割グループ", "権限", "記録"]
    text = page.content.decode()
    assert "事業所・ID | 事業所 | " in text and "Can administer" not in text
