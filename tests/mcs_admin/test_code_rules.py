"""Rules of the code itself (issue 8): history is written only by saves, never bypassed or
rewritten. `QuerySet.update()`, `bulk_create`/`bulk_update` and raw SQL writes skip the history
of the rows they touch; a change of a history row rewrites the evidence. The project's code is
read for them (simple-history's own `bulk_*_with_history` helpers are allowed)."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

SKIPPED = {".venv", "tests", "bench", "node_modules", "migrations", "staticfiles"}
QUERYSET_METHODS = {
    "objects",
    "_default_manager",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "order_by",
    "history",
}
SQL_WRITE = re.compile(r"\b(UPDATE|INSERT|DELETE|TRUNCATE|ALTER|DROP)\b", re.IGNORECASE)
# Data migrations that filled a new column into existing rows and their history, once, when
# the column was added (their migrations are applied and cannot change).
ALLOWED = {
    ("mcs_admin/migration_helpers.py", "update"),
    # the access log's checkpoint (no history), written on the owner's own connection
    ("mcs_admin/access_retention.py", "execute"),
    # the benchmark registry: records inserted alone, then the history of their year written
    # step by step with its logins and dates (office/scale_history.py)
    ("office/scale.py", "bulk_create"),
    ("office/scale_history.py", "bulk_create"),
}


def project_files():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        if not SKIPPED.intersection(path.relative_to(base).parts):
            yield path.relative_to(base).as_posix(), path.read_text()


def chain_names(node) -> list[str]:
    """The names and attributes of a receiver such as `Model.objects.filter(...)`."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def models_with_history() -> set[str]:
    names = set()
    for model in apps.get_models():
        if hasattr(model, "history") or model.__name__.startswith("Historical"):
            names.add(model.__name__)
    return names


def offences(source: str, history_models: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, chain_names(node.func.value)
        touches_history = "history" in receiver or any(
            name.startswith("Historical") for name in receiver
        )
        bypass = (
            (method == "update" and QUERYSET_METHODS.intersection(receiver))
            or (
                method in ("bulk_create", "bulk_update")
                and (touches_history or (receiver and receiver[0] in history_models))
            )
            or (method == "delete" and touches_history)
        )
        if method in ("execute", "executemany", "raw") and node.args:
            sql = node.args[0]
            bypass = isinstance(sql, ast.Constant) and SQL_WRITE.search(str(sql.value))
        if bypass:
            found.append((node.lineno, method))
    return found


def test_no_code_writes_around_the_history():
    history_models = models_with_history()
    assert {"Facility", "StaffMember", "PatientConsent", "User"} <= history_models
    found = [
        f"{path}:{line}: {method}"
        for path, source in project_files()
        for line, method in offences(source, history_models)
        if (path, method) not in ALLOWED
    ]
    assert found == []


def test_the_rule_finds_what_it_looks_for():
    source = """
Facility.objects.filter(pk=1).update(name="x")
StaffMember.objects.bulk_create([])
Facility.history.filter(pk=1).delete()
cursor.execute("UPDATE facilities_facility SET name = 'x'")
errors.update(other)
cursor.execute("SELECT 1")
StaticToken.objects.bulk_create([])
bulk_create_with_history([], Facility)
"""
    assert [method for _, method in offences(source, {"Facility", "StaffMember"})] == [
        "update",
        "bulk_create",
        "delete",
        "execute",
    ]
