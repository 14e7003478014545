"""Backups of the database and the uploaded files, in generations sealed to a key that is not on
the server, each with a signed manifest.

A generation is a directory `mcs-YYYYMMDD-HHMMSS` (readable by its owner only) holding

- the database, by the database's own tools: `database.pgdump.age` (pg_dump) or
  `database.sqlite3.age` (SQLite's online backup API), see `mcs_admin.backup.database`;
- `media.tar.gz.age`: the uploaded files, read through the storage API (MEDIA_ROOT or the S3
  bucket alike);
- `manifest.json`: when it was made, the versions, the migrations, the public key it is sealed
  to and each file's size and SHA-256; it names no person;
- `manifest.sig`: the manifest's Ed25519 signature by the server (`mcs_admin.backup.keys`).

Both data files are sealed with age to `BACKUP_RECIPIENT` as they are written: a backup puts
nothing of them in clear on a disk, not even in a temporary file. `restore` checks the signature,
every file, the schema and that the key it is given opens the generation, and opens everything
into a temporary directory of its own, before it changes anything; then it replaces the database
(keeping the access log's newer rows and recording itself) and the uploaded files.
"""

import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import datetime
from importlib import metadata
from pathlib import Path

import django
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext

from mcs_admin.backup import database, keys
from mcs_admin.backup.tools import BackupError, run, running
from mcs_admin.models import User

__all__ = ["BackupError", "backup_create", "backup_restore", "generations", "latest", "verify"]

GENERATION = re.compile(r"mcs-\d{8}-\d{6}")
MEDIA, MANIFEST, SIGNATURE = "media.tar.gz.age", "manifest.json", "manifest.sig"
FORMAT = 2  # 1: the XML of Django's serializer with SHA256SUMS, before the keys


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _versions() -> dict:
    try:
        release = metadata.version("mcs-admin")
    except metadata.PackageNotFoundError:
        release = "unknown"
    server = ".".join(map(str, connection.get_database_version()))
    return {"mcs-admin": release, "django": django.get_version(), connection.vendor: server}


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


def _seal_uploads(output: Path, to: str) -> None:
    """Every uploaded file, as a tar archive streamed into age: never in clear on the disk."""
    command = keys.seal_command(to, output)
    with (
        running(command, what="age", stdin=subprocess.PIPE) as sealing,
        tarfile.open(fileobj=sealing.stdin, mode="w|gz") as archive,
    ):
        for name in _stored_names():
            member = tarfile.TarInfo(name)
            member.size = default_storage.size(name)
            with default_storage.open(name, "rb") as file:
                archive.addfile(member, file)


def generations(root: Path) -> list[Path]:
    """The generations under `root`, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and GENERATION.fullmatch(p.name))


def backup_create(*, out: Path, keep: int) -> Path:
    """A new generation under `out`; the oldest beyond `keep` are removed."""
    if keep < 1:
        raise BackupError("keep at least one generation")
    to, signing = keys.recipient(), keys.signing_key()
    database_file = database.file_name()
    out.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    name = f"mcs-{timezone.localtime(started):%Y%m%d-%H%M%S}"
    target = out / name
    if target.exists():
        raise BackupError(f"{target} exists already: wait a second and run again")
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=out))  # its owner's only
    try:
        database.dump(output=work / database_file, to=to)
        _seal_uploads(work / MEDIA, to)
        manifest = {
            "format": FORMAT,
            "generation": name,
            "started": timezone.localtime(started).isoformat(),
            "finished": timezone.localtime().isoformat(),
            "versions": _versions(),
            "database": connection.vendor,
            "migrations": _migrations(),
            "recipient": to,
            "signer": keys.public_text(signing.public_key()),
            "files": {
                file: {"size": (work / file).stat().st_size, "sha256": _sha256(work / file)}
                for file in (database_file, MEDIA)
            },
        }
        data = json.dumps(manifest, indent=1).encode()
        (work / MANIFEST).write_bytes(data)
        (work / SIGNATURE).write_bytes(signing.sign(data))
        work.rename(target)  # a generation appears only when complete
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for old in generations(out)[:-keep]:
        shutil.rmtree(old)
    return target


def verify(generation: Path, *, signer: Path | None = None) -> dict:
    """The manifest of a generation whose signature and every file verify, or BackupError.

    `signer` is the public half of the signing key (by default the server's own key's)."""
    manifest_path, signature_path = generation / MANIFEST, generation / SIGNATURE
    if not manifest_path.is_file() or not signature_path.is_file():
        raise BackupError(
            f"{generation} is not a backup generation of this release (no {MANIFEST} and "
            f"{SIGNATURE})"
        )
    data = manifest_path.read_bytes()
    keys.check_signature(keys.signer(signer), signature_path.read_bytes(), data)
    manifest = json.loads(data)
    if manifest.get("format") != FORMAT:
        raise BackupError("the generation is of another format: restore it with its release")
    if manifest["generation"] != generation.name:
        raise BackupError(
            f"{generation.name} holds the generation {manifest['generation']}: a renamed "
            "generation is refused"
        )
    if set(manifest["files"]) != {database.FILES.get(manifest["database"]), MEDIA}:
        raise BackupError(f"{MANIFEST} does not list the files of a generation")
    for name, facts in manifest["files"].items():
        path = generation / name
        if not (
            path.is_file()
            and path.stat().st_size == facts["size"]
            and _sha256(path) == facts["sha256"]
        ):
            raise BackupError(
                f"{name} does not match the signed manifest: the backup is damaged or was "
                "changed, and is refused"
            )
    return manifest


def latest(path: Path) -> Path:
    """`path` itself if it is a generation, else the newest generation under it."""
    if (path / MANIFEST).is_file() or GENERATION.fullmatch(path.name):
        return path
    found = generations(path)
    if not found:
        raise BackupError(f"no backup generation in {path}")
    return found[-1]


def _check_login(login: str) -> None:
    """Who restores: an active support-center login, unless the database holds none yet (a new
    database after a loss: the name is recorded as given, with the restored login of that
    name)."""
    if User.objects.exists() and not (
        User.objects.filter(username=login, is_active=True, is_staff=True).exists()
    ):
        raise BackupError(f"no active support-center login “{login}” (--user names who restores)")


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


def backup_restore(*, generation: Path, key: Path, login: str, signer: Path | None = None) -> dict:
    """Replace the database and the uploaded files with those of `generation`, opened with the
    private key file `key`; the access log keeps its newer rows and records the restore by
    `login`."""
    if connection.in_atomic_block:
        raise BackupError("a restore runs outside any transaction")
    manifest = verify(generation, signer=signer)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest['database']} database and this one is "
            f"{connection.vendor}: restore it on {manifest['database']}"
        )
    if manifest["migrations"] != _migrations():
        raise BackupError(
            "the backup was made at another schema: restore it with the release it came from"
        )
    if manifest["recipient"] not in keys.identity_recipients(key):
        raise BackupError(
            f"the key {key} does not open this generation (it is sealed to {manifest['recipient']})"
        )
    _check_login(login)
    made = datetime.fromisoformat(manifest["started"])
    staged = Path(tempfile.mkdtemp(prefix="mcs-restore-"))  # its owner's only
    try:
        opened, uploads = staged / "database", staged / "uploads"
        uploads.mkdir()
        sealed = generation / database.FILES[connection.vendor]
        run(keys.open_command(key, sealed, opened), what="age")
        command = keys.open_command(key, generation / MEDIA)
        with (
            running(command, what="age", stdout=subprocess.PIPE) as opening,
            tarfile.open(fileobj=opening.stdout, mode="r|gz") as archive,
        ):
            archive.extractall(uploads, filter="data")  # no absolute paths, links or ../
        # everything checked and opened: from here on the data changes
        description = gettext("restore of the backup %(generation)s made at %(made)s") % {
            "generation": generation.name,
            "made": f"{timezone.localtime(made):%Y-%m-%d %H:%M}",
        }
        database.load(path=opened, since=made, login=login, description=description)
        _replace_uploads(uploads)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    cache.clear()  # figures of the data before the restore
    ContentType.objects.clear_cache()
    return manifest
