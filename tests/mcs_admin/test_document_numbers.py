import re

import pytest
from django.utils import timezone

from mcs_admin.documents import document_get
from mcs_admin.normalize import document_number
from tests import factories as f

pytestmark = pytest.mark.django_db

RECORDS = [
    (f.UsageApplicationFactory, 1),
    (f.FacilityPledgeFactory, 2),
    (f.StaffPledgeFactory, 3),
    (f.PatientConsentFactory, 4),
]


@pytest.mark.parametrize(("factory", "form"), RECORDS, ids=lambda v: getattr(v, "__name__", v))
def test_a_record_has_its_number_from_the_moment_it_exists(factory, form):
    record = factory()
    year = timezone.localdate().year
    assert re.fullmatch(rf"F{form}-{year}-\d{{5}}", record.document_number)
    assert record.status == "prepared"
    number = record.document_number
    record.save()  # a change, or a reprint, keeps the number
    record.refresh_from_db()
    assert record.document_number == number
    assert record.history.earliest().document_number == number
    assert document_get(number=number) == record


def test_numbers_are_unique_across_forms():
    numbers = [factory().document_number for factory, _ in RECORDS for _ in range(3)]
    digits = [number.rsplit("-", 1)[1] for number in numbers]
    assert len(set(digits)) == len(numbers)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("F3-2026-00012", "F3-2026-00012"),
        (" f3-2026-00012 ", "F3-2026-00012"),
        ("Ｆ３－２０２６－０００１２", "F3-2026-00012"),  # typed with the IME on
        ("F3ー2026ー00012", "F3-2026-00012"),
    ],
)
def test_numbers_are_read_as_typed(typed, expected):
    assert document_number(typed) == expected


def test_an_unknown_or_malformed_number_finds_nothing():
    pledge = f.StaffPledgeFactory()
    other_form = "F2" + pledge.document_number[2:]
    assert document_get(number=other_form) is None
    assert document_get(number="nonsense") is None
    assert document_get(number="F9-2026-00001") is None
    assert document_get(number=pledge.document_number.lower()) == pledge
