import pytest
from django.core.management import CommandError, call_command

from mcs_admin.models import AccessLog
from tests import factories as f
from tests.pdf_reading import pages_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def profile():
    return f.AssociationProfileFactory()


def test_prints_records_by_id_and_records_the_print(tmp_path):
    consents = f.PatientConsentFactory.create_batch(2)
    out = tmp_path / "consents.pdf"
    call_command(
        "print_form", "4", "--pk", str(consents[1].pk), str(consents[0].pk), "--out", str(out)
    )
    pages = pages_text(out.read_bytes())
    assert len(pages) == 4  # each consent with its back page, in the order given
    assert consents[1].document_number in pages[0] and consents[0].document_number in pages[2]
    entry = AccessLog.objects.get()
    assert entry.target_ids == [consents[1].pk, consents[0].pk]
    assert entry.username.endswith("(manage.py print_form)")


def test_prints_a_blank_form(tmp_path):
    out = tmp_path / "blank.pdf"
    call_command("print_form", "1", "--blank", "--out", str(out))
    (page,) = pages_text(out.read_bytes())
    assert "利用者名簿" in page and "F1-" not in page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["3", "--pk", "999"], "ID 999"),
        (["2", "--pk", "{facility_pledge}"], "住所を入力してください"),
    ],
)
def test_errors_exit_non_zero_with_the_message(tmp_path, arguments, message):
    pledge = f.FacilityPledgeFactory(facility__address="")
    arguments = [a.format(facility_pledge=pledge.pk) for a in arguments]
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("print_form", *arguments, "--out", str(out))
    assert not out.exists() and not AccessLog.objects.exists()


def test_either_ids_or_blank_is_required(tmp_path):
    with pytest.raises(CommandError):
        call_command("print_form", "3", "--out", str(tmp_path / "x.pdf"))
