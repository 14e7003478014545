"""Settings as a new process reads them from its environment: production's, or a variation."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "test-only-production-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "mcs.example.jp",
}


def settings_shown(code: str, *, without: tuple[str, ...] = (), **env: str) -> str:
    """What `code` prints after `django.setup()` in a process with production's environment,
    `env` on top, and the variables `without` unset."""
    environment = {key: value for key, value in os.environ.items() if key not in without}
    environment |= {**PRODUCTION, **env, "DJANGO_SETTINGS_MODULE": "mcs_admin.settings"}
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()
