"""The external tools the backups run (age, pg_dump, pg_restore, psql), and the one error."""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class BackupError(Exception):
    pass


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: `make system-packages` installs it")
    return path


@contextmanager
def running(args: list[str], *, what: str, **popen) -> Iterator[subprocess.Popen]:
    """A process that must end well: leaving the block closes its input, reads its output to
    the end and waits for it; an exit other than 0 raises BackupError with the end of what it
    wrote to stderr. An error in the block kills it instead (a psql that never read COMMIT
    rolls back)."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, stderr=errors, **popen)
        try:
            yield process
            if process.stdin and not process.stdin.closed:
                process.stdin.close()
            if process.stdout and not process.stdout.closed:
                while process.stdout.read(1 << 16):
                    pass
        except BaseException as error:
            process.kill()
            process.wait()
            for stream in filter(None, (process.stdin, process.stdout)):
                with suppress(OSError):
                    stream.close()
            if isinstance(error, BrokenPipeError) and process.stdin:  # it stopped reading: why?
                raise BackupError(f"{what} failed: {_tail(errors)}") from error
            raise
        if process.wait() != 0:
            raise BackupError(f"{what} failed: {_tail(errors)}")


def _tail(errors) -> str:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return " ".join(lines[-3:]) or "no message"


def run(args: list[str], *, what: str, **popen) -> None:
    """A process run to its end, as `running` would."""
    with running(args, what=what, **popen):
        pass
