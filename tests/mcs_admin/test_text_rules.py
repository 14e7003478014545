"""Control characters never reach the database (issue 16, mcs_admin/text_rules.py): every text
field of every model (the project's and the packages') refuses them, every form of the project
refuses them beside the field, the login refuses them before django-axes or the access log see
the name, and what those two keep of an attacker's request shows them written out."""

import csv
import importlib
import io
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import get_resolver, reverse

from facilities.models import Facility, McsAccount, StaffMember
from facilities.resources import FacilityResource
from mcs_admin import services
from mcs_admin.models import AccessLog
from mcs_admin.spreadsheets import read_dataset
from mcs_admin.text_rules import (
    ControlCharacterValidator,
    NoControlCharacters,
    project_app_configs,
    visible,
)
from tests import factories as f
from tests.every_path import admin_change
from tests.world import build_world

REFUSED = "保存できない文字"  # the start of the rule's Japanese message


def text_fields():
    """Every model's text fields: the project's, Django's and the packages' (a role group's
    name); not the history's copies, which are written from the record, never typed."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field


def codes(error: ValidationError, name: str) -> list[str]:
    return [e.code for e in error.error_dict[name]]


def test_the_walk_sees_the_text_fields_of_every_app():
    seen = {(model._meta.label, field.name) for model, field in text_fields()}
    assert len(seen) > 80
    for expected in [
        ("auth.Group", "name"),
        ("mcs_admin.User", "username"),
        ("mcs_admin.AccessLog", "username"),
        ("facilities.Facility", "name"),
        ("facilities.StaffMember", "email"),
        ("care_groups.CareGroup", "archive_reason"),
        ("consents.PatientConsent", "exemption_note"),
        ("devices.Incident", "description"),
        ("pledges.TrainingSession", "title"),
    ]:
        assert expected in seen


@pytest.mark.parametrize(
    ("model", "field"),
    list(text_fields()),
    ids=lambda v: v._meta.label if isinstance(v, type) else v.name,
)
def test_every_text_field_of_every_model_refuses_control_characters(model, field):
    # the rule itself, as every path's full_clean() runs it
    with pytest.raises(ValidationError) as rule:
        field.run_validators("a\x01b")
    assert ControlCharacterValidator.code in [e.code for e in rule.value.error_list]
    # and full_clean() on a record: refused (a field's own rule may refuse it first, in its
    # own words: a katakana reading, a postal code, a choice that is none, a hex key)
    instance = model()
    setattr(instance, field.attname, "a\x01b")
    others = [other.name for other in model._meta.fields if other is not field]
    with pytest.raises(ValidationError) as cleaning:
        instance.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    assert field.name in cleaning.value.error_dict


@pytest.mark.django_db
def test_a_multi_line_field_keeps_tabs_and_line_breaks_a_single_line_one_refuses_them():
    note = f.ConsultationFactory()
    note.summary = "一行目\r\n\t二行目"
    note.full_clean()  # a TextField
    for control in ["\x00", "\x1b", "\x7f", "\x85"]:  # NUL, escape, delete, a C1 control
        note.summary = f"要約{control}"
        with pytest.raises(ValidationError):
            note.full_clean()
    login_id = McsAccount._meta.get_field("login_id")  # one line, as typed
    with pytest.raises(ValidationError) as error:
        login_id.clean("mcs\t1", None)
    assert [e.code for e in error.value.error_list] == ["control_characters"]
    assert "（タブ）" in error.value.messages[0]
    # a name or address folds white space, tabs and line breaks too, before the rule looks
    assert StaffMember._meta.get_field("address").clean("三郷市\t1-2", None) == "三郷市 1-2"


def project_forms():
    """Every form class the project's modules define (not one made inside a function)."""
    roots = {config.module.__name__ for config in project_app_configs()}
    for config in project_app_configs():
        for module in pkgutil.walk_packages([config.path], config.module.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    get_resolver().url_patterns  # noqa: B018 — and every view the URLs name

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in roots and "<locals>" not in cls.__qualname__
    }


def test_every_form_of_the_project_refuses_control_characters():
    found = project_forms()
    assert len(found) > 30
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in found
        if not issubclass(cls, NoControlCharacters)
    )
    assert not missing, f"forms without NoControlCharacters: {missing}"


def test_a_form_refuses_them_beside_the_field_and_a_textarea_keeps_its_lines():
    from groups.forms import ReasonForm  # a Textarea
    from pledges.forms import ManagerForm  # a one-line text

    form = ManagerForm({"manager_name": "山田\x07太郎"})
    assert not form.is_valid() and REFUSED in form.errors["manager_name"][0]
    assert "U+0007" in form.errors["manager_name"][0]
    assert ManagerForm({"manager_name": "山田 太郎"}).is_valid()
    assert ReasonForm({"reason": "一行目\r\n\t二行目"}).is_valid()
    null = ReasonForm({"reason": "a\x00b"})
    assert not null.is_valid() and len(null.errors["reason"]) == 1  # not Django's as well


def attempts():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.all()


def text_columns(rows) -> list[str]:
    return [
        str(getattr(row, field.attname))
        for row in rows
        for field in type(row)._meta.fields
        if isinstance(field, models.CharField | models.TextField)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["x\x01y", "x\x00y"])
def test_a_login_name_with_a_control_character_is_refused_before_axes_and_the_log(name):
    client = Client()
    response = client.post(reverse("portal:login"), {"username": name, "password": "anything-1"})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not attempts().exists()
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_what_axes_and_the_log_keep_of_a_hostile_request_shows_its_control_characters():
    client = Client(HTTP_USER_AGENT="evil\x01agent", HTTP_ACCEPT="text/html\x02")
    response = client.post(
        reverse("portal:login") + "?next=/%03",
        {"username": "someone", "password": "wrong-password-1", "extra\x04": "value\x05"},
    )
    assert response.status_code == 200  # a wrong password, as any other
    attempt = attempts().get()
    assert attempt.username == "someone" and attempt.user_agent == "evil\\x01agent"
    assert "next=/\\x03" in attempt.get_data and "extra\\x04=value\\x05" in attempt.post_data
    assert attempt.http_accept == "text/html\\x02"
    kept = text_columns([attempt, *AccessLog.objects.all()])
    assert not any(visible(text, multiline=True) != text for text in kept)
    # a caller of the log that got one through: written out, never refused
    entry = services.access_log_record(user=None, action="login_failed", username="a\x06b")
    assert entry.username == "a\\x06b"


@pytest.mark.django_db
def test_a_self_service_form_refuses_them_beside_the_field():
    world = build_world()
    person = world.a.staff
    client = Client()
    client.force_login(world.a.admin)
    url = reverse("facility:staff_edit", args=[world.a.facility.pk, person.pk])
    data = {name: value for name, value in client.get(url).context["form"].initial.items()}
    data = {k: "" if v is None else v for k, v in data.items()}
    response = client.post(url, {**data, "family_name": "山\x01田"})
    assert response.status_code == 200
    assert REFUSED in str(response.context["form"].errors["family_name"])
    person.refresh_from_db()
    assert "\x01" not in person.family_name


@pytest.mark.django_db
def test_a_search_box_with_one_answers_with_the_message_not_an_error():
    world = build_world()
    client = Client()
    client.force_login(world.a.admin)
    group = world.a.group.pk
    client_center = Client()
    client_center.force_login(world.center)
    for who, url in [
        (client_center, reverse("portal:facilities")),
        (client, reverse("groups:group_invite", kwargs={"group": group})),
        (client, reverse("groups:group_transfer", kwargs={"group": group})),
    ]:
        response = who.get(url, {"q": "佐藤\x00"})  # PostgreSQL cannot compare U+0000 at all
        assert response.status_code == 200, url
        assert REFUSED in response.content.decode(), url


@pytest.mark.django_db
def test_an_admin_form_refuses_them_beside_the_field(center_client):
    facility = f.FacilityFactory(address="三郷市1-2")
    answer = admin_change(center_client, facility, address="三郷市\x1b1-2")
    assert REFUSED in answer
    facility.refresh_from_db()
    assert facility.address == "三郷市1-2"


@pytest.mark.django_db
def test_an_import_refuses_them_with_row_and_column_and_writes_nothing(center_user):
    stream = io.StringIO()
    csv.writer(stream).writerows(
        [
            ["事業所名", "フリガナ", "事業所種別", "郵便番号", "事業所住所", "電話番号"],
            # a C1 control: the CSV reader refuses the C0 ones as binary data already
            ["北医院", "", "歯科", "3410011", "三郷市\x9b1-2", ""],
        ]
    )
    report = services.spreadsheet_import(
        resource=FacilityResource(),
        dataset=read_dataset(stream.getvalue().encode()),
        user=center_user,
        file_name="facilities.csv",
    )
    assert not report.ok
    assert any(REFUSED in problem.message for problem in report.problems)
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_a_service_refuses_them(center_user):
    from facilities.services import staff_create

    facility = f.FacilityFactory()
    with pytest.raises(ValidationError) as error:
        staff_create(
            facility=facility,
            by=center_user,
            family_name="佐藤",
            given_name="花\x08子",
            profession=StaffMember._meta.get_field("profession").choices[0][0],
            gender="female",
        )
    assert "control_characters" in codes(error.value, "given_name")
    assert not StaffMember.objects.exists()


def test_every_text_field_of_every_model_carries_the_rule_once():
    for model in apps.get_models():
        for field in model._meta.fields:
            rules = [v for v in field.validators if isinstance(v, ControlCharacterValidator)]
            assert len(rules) <= 1, (model, field)
