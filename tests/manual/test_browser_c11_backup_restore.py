"""The manual's chapter c11 (docs/manual/center/11-backup-restore.md): a backup is made and
restored with the commands, and the center finds the restore in the access log. With
SCREENSHOTS_DIR set, the page is saved as c11-restore-logged.png."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mcs_admin.models import AccessLog
from tests.test_browser import log_in, page, shot

__all__ = ["page"]  # the browser with the demo data, a fixture of tests.test_browser


# transaction=True: a restore runs outside a transaction, as the command does
@pytest.mark.django_db(transaction=True)
def test_a_restore_is_found_in_the_access_log(page, settings, tmp_path, backup_keys):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    generation = out.getvalue().strip().rsplit("/", 1)[-1]
    assert generation.startswith("mcs-")
    restored = io.StringIO()
    call_command(
        "restore",
        str(tmp_path / "backups"),
        "--key",
        str(backup_keys.identity),
        "--user",
        "center",
        "--noinput",
        stdout=restored,
    )
    assert "Restored." in restored.getvalue()
    entry = AccessLog.objects.get(action="restore")
    assert entry.username == "center" and generation in entry.description

    log_in(page, "center")
    page.get_by_role("link", name="登録台帳（管理画面）").click()
    page.get_by_role("link", name="アクセスログ", exact=True).click()
    page.locator("#changelist-filter").get_by_role("link", name="バックアップからの復元").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(generation)
    shot(page, "c11-restore-logged")
