"""The floors of docs/architecture.md, held against the code: the ground (`mcs_admin`) imports no
app, the domain apps never import the office, and no app reaches into another app's pages.

Every import is read, those inside functions too: a loop hidden in a function is still a loop.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GROUND = {"mcs_admin"}
DOMAIN = {"facilities", "pledges", "consents", "groups", "devices"}
OFFICE = {"office"}
FLOORS = {**dict.fromkeys(GROUND, 1), **dict.fromkeys(DOMAIN, 2), **dict.fromkeys(OFFICE, 3)}
# an app's own surfaces, which no other package imports: shared code lives in its selectors,
# services and models, or in the ground
PRIVATE = {
    "views",
    "admin",
    "urls",
    "forms",
    "workflow_views",
    "designation_views",
    "signing_views",
    "admin_views",
    "application_views",
    "application_urls",
}


def _modules():
    for package in FLOORS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def _imports(path: Path):
    """(line, dotted name) of every module the file imports, including `from x import y`
    where y is a module."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _violations():
    for package, path in _modules():
        where = path.relative_to(ROOT)
        for line, name in _imports(path):
            parts = name.split(".")
            target = parts[0]
            if target not in FLOORS or target == package:
                continue
            if FLOORS[target] > FLOORS[package]:
                yield f"{where}:{line} imports {name}, a floor above its own"
            if len(parts) > 1 and parts[1] in PRIVATE:
                yield f"{where}:{line} imports {name}, another package's own pages"


def test_no_module_imports_from_a_floor_above_or_another_apps_pages():
    assert list(_violations()) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from office.policy import Shows", "a floor above"),
        ("def f():\n    from facilities.models import Facility", "a floor above"),
        ("import groups.views", "own pages"),
    ],
)
def test_the_check_sees_an_import_up_or_into_pages(tmp_path, monkeypatch, source, found):
    """The check itself fails on a ground module that imports up, even inside a function."""
    package = tmp_path / "mcs_admin"
    package.mkdir()
    (package / "bad.py").write_text(source + "\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert any(found in violation for violation in _violations())


# Stored data names models by app label: the access log's rows (`care_groups.CareGroup`), the
# content types of guardian's grants, the support center's role group. Moving a module between
# packages keeps these.
KEPT = {
    "mcs_admin.view_accesslog",
    "mcs_admin.view_sentreminder",
    "mcs_admin.change_user",
    "mcs_admin.change_associationprofile",
    "mcs_admin.view_documentnumber",
    "facilities.change_staffmember",
    "care_groups.change_caregroup",
    "care_groups.view_patient",
    "consents.change_patientconsent",
    "pledges.change_staffpledge",
    "devices.change_device",
}


@pytest.mark.django_db
def test_the_center_role_keeps_its_permissions_under_the_labels_they_were_made_with():
    from django.apps import apps

    from office.demo import center_permissions

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in center_permissions()}
    assert granted >= KEPT
    assert {p.content_type.app_label for p in center_permissions()} <= {
        "mcs_admin",
        "facilities",
        "pledges",
        "care_groups",
        "consents",
        "devices",
        "auth",
        "office",  # the notices, made under the office's own label
    }
    assert apps.get_model("care_groups.CareGroup")._meta.db_table == "care_groups_caregroup"
    assert apps.get_model("mcs_admin.AccessLog")._meta.db_table == "mcs_admin_accesslog"
