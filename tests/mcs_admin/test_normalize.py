"""Input as Japanese offices type it (DESIGN §6)."""

import pytest
from django.core.exceptions import ValidationError

from mcs_admin import normalize
from tests.factories import FacilityFactory, StaffMemberFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3410011", "341-0011"),
        ("341-0011", "341-0011"),
        ("〒３４１－００１１", "341-0011"),
        (" 341ｰ0011 ", "341-0011"),
    ],
)
def test_postal_codes_are_stored_with_a_hyphen(typed, stored):
    assert normalize.postal_code(typed) == stored


@pytest.mark.parametrize("typed", ["34-11", "341-00111", "abc-defg", ""])
def test_malformed_postal_codes_are_refused(typed):
    with pytest.raises(ValueError):
        normalize.postal_code(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ﾐｻﾄ ﾀﾛｳ", "ミサト タロウ"),
        ("みさと", "ミサト"),
        ("ミサト　タロウ", "ミサト タロウ"),
        ("ｺｰﾋｰ", "コーヒー"),
    ],
)
def test_kana_is_stored_as_full_width_katakana(typed, stored):
    assert normalize.kana(typed) == stored


@pytest.mark.parametrize("typed", ["三郷", "Misato", "ミサト1"])
def test_kana_refuses_anything_but_kana(typed):
    with pytest.raises(ValueError):
        normalize.kana(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("048-123-4567", "048-123-4567"),
        ("０４８（１２３）４５６７", "048-123-4567"),
        ("09012345678", "09012345678"),
        ("048 123 4567", "048-123-4567"),
    ],
)
def test_phone_numbers(typed, stored):
    assert normalize.phone(typed) == stored


@pytest.mark.parametrize("typed", ["123-4567", "048-123-456", "電話なし", "+81-48-123-4567"])
def test_malformed_phone_numbers_are_refused(typed):
    with pytest.raises(ValueError):
        normalize.phone(typed)


def test_email_domain_is_lower_cased_and_full_width_at_accepted():
    assert normalize.email(" Hanako＠Example.JP ") == "Hanako@example.jp"


def test_full_name_joins_family_and_given_name_with_a_full_width_space():
    assert normalize.full_name("三郷", "太郎") == "三郷　太郎"


@pytest.mark.django_db
def test_model_fields_normalise_on_full_clean():
    facility = FacilityFactory.build(
        name="ﾐｻﾄ　クリニック",
        name_kana="みさとｸﾘﾆｯｸ",
        postal_code="3410011",
        phone="０４８-１２３-４５６７",
        email="Office@Clinic.EXAMPLE",
    )
    facility.full_clean()
    assert facility.name == "ミサト クリニック"
    assert facility.name_kana == "ミサトクリニック"
    assert facility.postal_code == "341-0011"
    assert facility.phone == "048-123-4567"
    assert facility.email == "Office@clinic.example"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "34-11", "郵便番号"),
        ("phone", "12345", "電話番号"),
        ("email", "not-an-email", "有効なメールアドレスを入力してください。"),
        ("name_kana", "三郷", "カタカナ"),
        ("category", "hospital", "'hospital' は有効な選択肢ではありません。"),
    ],
)
def test_malformed_values_are_refused_with_a_message_and_nothing_saved(field, value, message):
    facility = FacilityFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        facility.full_clean()
    assert message in " ".join(error.value.message_dict[field])
    assert not type(facility).objects.exists()


@pytest.mark.django_db
def test_staff_member_names_are_normalised():
    person = StaffMemberFactory.build(
        facility=FacilityFactory(),
        family_name=" 佐藤 ",
        given_name="ﾊﾅｺ",
        family_name_kana="さとう",
        given_name_kana="ﾊﾅｺ",
    )
    person.full_clean()
    assert (person.family_name, person.given_name) == ("佐藤", "ハナコ")
    assert person.full_name_kana == "サトウ　ハナコ"
