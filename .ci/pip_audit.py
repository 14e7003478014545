"""pip-audit of the installed packages, with the dated allowlist `.ci/pip-audit-allowlist.txt`.

A known vulnerability fails the run unless the allowlist names it (ID, date, reason). When the
vulnerability service cannot be reached, or it answers for no package (a registry mirror
without vulnerability data), this says so plainly and does not fail: nothing was audited.
"""

import datetime
import json
import pathlib
import re
import subprocess
import sys

ALLOWLIST = pathlib.Path(__file__).with_name("pip-audit-allowlist.txt")
LINE = re.compile(r"(?P<id>\S+)\s+(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<reason>\S.*)")


def allowlist() -> dict[str, str]:
    allowed = {}
    for number, line in enumerate(ALLOWLIST.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.fullmatch(line)
        if match is None:
            sys.exit(f"{ALLOWLIST.name}:{number}: write `ID YYYY-MM-DD reason`, not {line!r}")
        datetime.date.fromisoformat(match["date"])
        allowed[match["id"]] = f"{match['date']} {match['reason']}"
    return allowed


def main() -> int:
    allowed = allowlist()
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    for vulnerability in allowed:
        command += ["--ignore-vuln", vulnerability]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print("pip-audit: NOT AUDITED — the vulnerability service could not be reached:")
        print("  " + (run.stderr.strip().splitlines() or ["no output"])[-1])
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        print(
            f"pip-audit: NOT AUDITED — the package index answered for none of the "
            f"{len(dependencies)} packages (a mirror without vulnerability data?)."
        )
        return 0
    found = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
    for name, version, vulnerability in found:
        fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fix yet"
        print(f"pip-audit: {name} {version}: {vulnerability['id']} (fixed in {fixed})")
    for vulnerability, why in allowed.items():
        print(f"pip-audit: allowed {vulnerability}: {why}")
    print(f"pip-audit: {len(audited)} packages audited, {len(found)} known vulnerabilities.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
