"""Backups of the database and the uploaded files, in generations, each with its checksums.

A generation is a directory `mcs-YYYYMMDD-HHMMSS` holding `database.xml.gz` (every table but
the sessions, through Django's XML serializer, which keeps times to the microsecond, so the
same backup restores on SQLite and PostgreSQL), `media.tar.gz` (the uploaded files, read
through the storage API: MEDIA_ROOT or the S3 bucket alike), `manifest.json` (when, which
migrations) and `SHA256SUMS` (`sha256sum -c` reads it). `restore` verifies every checksum and
the schema before it changes anything, then replaces the database's rows in one transaction and
then the uploaded files. The automatic tables of many-to-many fields come back pair by pair
under new row numbers, which nothing refers to.
"""

import gzip
import hashlib
import io
import json
import posixpath
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

GENERATION = re.compile(r"mcs-\d{8}-\d{6}")
DATABASE, MEDIA, MANIFEST, SUMS = "database.xml.gz", "media.tar.gz", "manifest.json", "SHA256SUMS"
# Sessions are not restored: a restore ends every login's session.
EXCLUDED = ["sessions"]


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations() -> list[list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted([app, name] for app, name in applied)


def _stored_names(directory: str = "") -> Iterator[str]:
    """The name of every uploaded file, through the storage API (a directory or a bucket)."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # MEDIA_ROOT is made by the first upload
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for subdirectory in sorted(directories):
        yield from _stored_names(posixpath.join(directory, subdirectory))


def generations(root: Path) -> list[Path]:
    """The generations under `root`, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and GENERATION.fullmatch(p.name))


def backup_create(*, out: Path, keep: int) -> Path:
    """A new generation under `out`; the oldest beyond `keep` are removed."""
    if keep < 1:
        raise BackupError("keep at least one generation")
    out.mkdir(parents=True, exist_ok=True)
    name = f"mcs-{timezone.localtime():%Y%m%d-%H%M%S}"
    target = out / name
    if target.exists():
        raise BackupError(f"{target} exists already: wait a second and run again")
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))
    try:
        with gzip.open(work / DATABASE, "wt", encoding="utf-8") as dump:
            call_command("dumpdata", exclude=EXCLUDED, format="xml", stdout=dump, verbosity=0)
        with tarfile.open(work / MEDIA, "w:gz") as archive:
            for name in _stored_names():
                member = tarfile.TarInfo(name)
                member.size = default_storage.size(name)
                with default_storage.open(name, "rb") as file:
                    archive.addfile(member, file)
        manifest = {
            "created": timezone.localtime().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": _migrations(),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        sums = "".join(f"{_sha256(work / f)}  {f}\n" for f in (DATABASE, MEDIA, MANIFEST))
        (work / SUMS).write_text(sums)
        work.rename(target)  # a generation appears only when complete
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for old in generations(out)[:-keep]:
        shutil.rmtree(old)
    return target


def verify(generation: Path) -> dict:
    """The manifest of a generation whose every file matches its checksum, or BackupError."""
    sums = generation / SUMS
    if not sums.is_file():
        raise BackupError(f"{generation} is not a backup generation (no {SUMS})")
    listed = {}
    for line in sums.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    if set(listed) != {DATABASE, MEDIA, MANIFEST}:
        raise BackupError(f"{SUMS} does not list the files of a generation")
    for name, digest in listed.items():
        path = generation / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return json.loads((generation / MANIFEST).read_text())


def latest(path: Path) -> Path:
    """`path` itself if it is a generation, else the newest generation under it."""
    if (path / SUMS).is_file():
        return path
    found = generations(path)
    if not found:
        raise BackupError(f"no backup generation in {path}")
    return found[-1]


@contextmanager
def _history_paused():
    """The backup holds the history as it was: loading the rows must not add any (a loaded
    many-to-many field would otherwise record a new history entry)."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def _replace_uploads(staged: Path) -> None:
    """The storage holds exactly the files extracted to `staged`, under the same names (the
    restored rows refer to them), whatever storage it is."""
    for name in list(_stored_names()):
        default_storage.delete(name)
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            name = path.relative_to(staged).as_posix()
            with path.open("rb") as file:
                default_storage.save(name, File(file))  # the name is free: all were deleted


def backup_restore(*, generation: Path) -> dict:
    """Replace every table's rows and the uploaded files with those of `generation`."""
    manifest = verify(generation)
    if manifest["migrations"] != _migrations():
        raise BackupError(
            "the backup was made at another schema: restore it with the release it came from"
        )
    staged = Path(tempfile.mkdtemp(prefix="mcs-restore-"))
    try:
        with tarfile.open(generation / MEDIA, "r:gz") as archive:
            archive.extractall(staged, filter="data")  # no absolute paths, links or ../
        with gzip.open(generation / DATABASE, "rb") as dump:
            data = io.BytesIO(dump.read())
        with transaction.atomic(), _history_paused():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            fixture = staged.parent / f"{staged.name}.xml"
            fixture.write_bytes(data.getvalue())
            try:
                call_command("loaddata", str(fixture), verbosity=0)
            finally:
                fixture.unlink()
        _replace_uploads(staged)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return manifest
