"""The two keys of the backups.

Sealing: every file of a generation is encrypted with age (X25519 to the recipient, then
ChaCha20-Poly1305 in 64 KiB chunks) to `BACKUP_RECIPIENT`, a public key. Its private half, the
key that restores, is never on the server: `restore --key PATH` reads it where it is kept.

Signing: age alone cannot tell who sealed a file (anyone with the public recipient key can seal
one of their own making), so the manifest (each file's size and SHA-256, the time, the versions,
the migrations) is signed with `BACKUP_SIGNING_KEY`, an Ed25519 key only the server holds. The
restorer checks it with the public half: `restore --signer PATH`, or the server's own key.
"""

import re
import subprocess
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_ssh_private_key,
    load_ssh_public_key,
)
from django.conf import settings

from mcs_admin.backup.tools import BackupError, tool

AGE_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")


def recipient() -> str:
    """The public key every file of a new generation is sealed to."""
    value = settings.BACKUP_RECIPIENT.strip()
    if not value:
        raise BackupError(
            "BACKUP_RECIPIENT is not set: a backup is sealed to a public key whose private half "
            "is kept off the server (docs/operations.md, Backups)"
        )
    if not AGE_RECIPIENT.fullmatch(value):
        raise BackupError("BACKUP_RECIPIENT is not an age public key (age1…)")
    if value == settings.DEV_BACKUP_RECIPIENT and not settings.DEBUG:
        raise BackupError(
            "BACKUP_RECIPIENT is the development key, whose private half is published: "
            "not with DEBUG off"
        )
    return value


def signing_key() -> Ed25519PrivateKey:
    """The server's key that signs each manifest."""
    path = settings.BACKUP_SIGNING_KEY
    if not path:
        raise BackupError(
            "BACKUP_SIGNING_KEY is not set: each backup's manifest is signed with the server's "
            "Ed25519 key (docs/operations.md, Backups)"
        )
    try:
        key = load_ssh_private_key(Path(path).read_bytes(), password=None)
    except OSError as error:
        raise BackupError(f"cannot read BACKUP_SIGNING_KEY {path}: {error.strerror}") from None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise BackupError(
            f"BACKUP_SIGNING_KEY {path} is not an OpenSSH private key without a passphrase"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BackupError(f"BACKUP_SIGNING_KEY {path} is not an Ed25519 key")
    if not settings.DEBUG and public_text(key.public_key()) == _development_signer():
        raise BackupError(
            "BACKUP_SIGNING_KEY is the development key, which is published: not with DEBUG off"
        )
    return key


def public_text(key: Ed25519PublicKey) -> str:
    """The OpenSSH line of a public key (`ssh-ed25519 AAAA…`), as kept beside the restoring key."""
    return key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def _development_signer() -> str:
    line = (settings.DEV_BACKUP_KEYS / "backup-signing.pub").read_text()
    return " ".join(line.split()[:2])


def signer(path: Path | None) -> Ed25519PublicKey:
    """The key that checks a manifest: the public half at `path`, else the server's own."""
    if path is None:
        if not settings.BACKUP_SIGNING_KEY:
            raise BackupError(
                "no key to check the manifest's signature: give --signer PATH (the public half "
                "of the backups' signing key) or set BACKUP_SIGNING_KEY"
            )
        return signing_key().public_key()
    try:
        key = load_ssh_public_key(path.read_bytes())
    except OSError as error:
        raise BackupError(f"cannot read the signer's key {path}: {error.strerror}") from None
    except (ValueError, UnsupportedAlgorithm):
        raise BackupError(f"{path} is not an OpenSSH public key (ssh-ed25519 …)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BackupError(f"{path} is not an Ed25519 public key")
    return key


def check_signature(key: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        raise BackupError(
            "the manifest's signature does not verify: the generation was changed or signed by "
            "another key, and is refused"
        ) from None


def seal_command(to: str, output: Path) -> list[str]:
    """age encrypting its input to the public key `to` into `output`."""
    return [tool("age"), "--encrypt", "--recipient", to, "--output", str(output)]


def open_command(identity: Path, sealed: Path, output: Path | None = None) -> list[str]:
    """age decrypting `sealed` with the private key file `identity` into `output` (or stdout)."""
    into = ["--output", str(output)] if output else []
    return [tool("age"), "--decrypt", "--identity", str(identity), *into, str(sealed)]


def identity_recipients(identity: Path) -> list[str]:
    """The public keys whose files the private key file `identity` opens."""
    if not identity.is_file():
        raise BackupError(f"no key file {identity}")
    shown = subprocess.run(
        [tool("age-keygen"), "-y", str(identity)], capture_output=True, text=True, check=False
    )
    if shown.returncode != 0:
        raise BackupError(f"{identity} is not an age key file: {shown.stderr.strip()}")
    return shown.stdout.split()
