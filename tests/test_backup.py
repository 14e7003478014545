"""Backup and restore (issue 8): a backup, the data wiped, the restore, and every table and
uploaded file as it was; checksums verified first; generations kept and pruned."""

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from facilities.models import Facility
from mcs_admin.backup import SUMS, generations
from mcs_admin.documents import document_receive
from mcs_admin.models import AccessLog, User
from mcs_admin.services import access_log_record
from tests import factories as f
from tests.world import build_world

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def every_table() -> dict:
    """Every table's rows (the sessions are deliberately not backed up). A many-to-many
    field's automatic table is compared by its pairs: its row numbers are not data."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label == "sessions":
            continue
        rows = model._default_manager.order_by("pk").values()
        if model._meta.auto_created:
            columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            rows = sorted(model._default_manager.values_list(*columns))
        tables[model._meta.db_table] = list(rows)
    return tables


def files(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# transaction=True: PostgreSQL truncates only outside a transaction with pending checks
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_table_and_file(tmp_path, media_root):
    world = build_world()
    pledge = f.StaffPledgeFactory()
    document_receive(
        document_number=pledge.document_number,
        received_on=f.TODAY,
        scanned_copy=SimpleUploadedFile("scan.pdf", PDF),
        by=world.center,
    )
    access_log_record(user=world.a.admin, action="view", targets=[world.a.group])
    before, scans = every_table(), files(media_root)
    assert len([t for t in before.values() if t]) > 40 and scans

    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    generation = tmp_path / "backups" / out.getvalue().strip().rsplit("/", 1)[-1]
    assert (generation / SUMS).is_file()

    # the loss: rows and files gone, something new written
    call_command("flush", interactive=False, verbosity=0)
    for path in media_root.rglob("*.pdf"):
        path.unlink()
    f.FacilityFactory(name="バックアップ後の事業所")
    assert not User.objects.filter(username="admin-a").exists()

    call_command("restore", str(generation), "--noinput", stdout=io.StringIO())
    assert every_table() == before
    assert files(media_root) == scans
    assert not Facility.objects.filter(name="バックアップ後の事業所").exists()
    assert AccessLog.objects.filter(action="view", user__username="admin-a").exists()


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path):
    f.FacilityFactory(name="元の事業所")
    call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    generation = generations(tmp_path / "b")[-1]
    f.FacilityFactory(name="後の事業所")
    data = (generation / "database.xml.gz").read_bytes()
    (generation / "database.xml.gz").write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "b"), "--noinput", stdout=io.StringIO())
    assert Facility.objects.filter(name="後の事業所").exists()
    (generation / SUMS).unlink()
    with pytest.raises(CommandError, match="not a backup generation"):
        call_command("restore", str(tmp_path / "b"), "--noinput", stdout=io.StringIO())


@pytest.mark.django_db
def test_generations_are_kept_up_to_the_setting_oldest_removed_first(tmp_path, settings):
    root = tmp_path / "b"
    for name in ["mcs-20260101-000000", "mcs-20260102-000000", "mcs-20260103-000000"]:
        (root / name).mkdir(parents=True)
    (root / "offsite-copy").mkdir()  # anything else is left alone
    call_command("backup", "--out", str(root), "--keep", "2", stdout=io.StringIO())
    kept = [p.name for p in generations(root)]
    assert len(kept) == 2 and kept[0] == "mcs-20260103-000000"
    assert (root / "offsite-copy").is_dir()
    assert settings.BACKUP_GENERATIONS == 7
