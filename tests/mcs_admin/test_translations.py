"""The Japanese catalogs: complete, well-formed, in step with the code, and in use.

`locale/` translates the project; `locale_vendor/` translates django-simple-history, which
ships no Japanese catalog. The catalogs are read with a small parser, with no database.
"""

import ast
import os
import re
from pathlib import Path

import pytest
import simple_history
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

PROJECT_CATALOG = settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / "django.po"
VENDOR_CATALOG = settings.BASE_DIR / "locale_vendor" / "ja" / "LC_MESSAGES" / "django.po"
CATALOGS = [PROJECT_CATALOG, VENDOR_CATALOG]

# Folders the makemessages run leaves out (with --ignore, or hidden like .venv and .git).
SKIPPED_DIRS = {"node_modules", "staticfiles", "media", "__pycache__"}
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
# templatize() writes each msgid as a Python literal: u'…' or, when it holds a quote, u"…".
TEMPLATE_LITERAL = r"""u(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(((?:\s*{TEMPLATE_LITERAL}\s*,?)+)")


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr/msgstr[n], flags."""
    entries, entry, key = [], {}, None

    def finish():
        if "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#~"):
            raise AssertionError(f"{path}: obsolete entry left in the catalog: {line}")
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
                entry, key = {}, None
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        keyword, _, literal = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
            finish()
            entry = {}
        key = keyword
        entry[key] = ast.literal_eval(literal)
    finish()
    for item in entries:
        item.setdefault("flags", set())
        item["translations"] = [v for k, v in item.items() if k.startswith("msgstr")]
    return entries


def header(entries: list[dict]) -> dict[str, str]:
    (head,) = [e for e in entries if e["msgid"] == "" and "msgctxt" not in e]
    return dict(line.split(": ", 1) for line in head["msgstr"].splitlines() if line)


def messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"]]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def python_strings(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every literal passed to a gettext function in a Python file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        context = args.pop(0) if name.startswith(("pgettext", "npgettext")) and args else None
        if args and isinstance(args[0], str):
            found.add((context, args[0]))
    return found


def template_strings(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of a template's translate tags, as makemessages reads them."""
    found = set()
    for call in TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=path)):
        values = [ast.literal_eval(s) for s in re.findall(TEMPLATE_LITERAL, call[2])]
        context = values.pop(0) if "p" in call[1] else None
        found.add((context, values[0]))
    return found


def marked_strings(root: Path, skipped: set[str]) -> set[tuple[str | None, str]]:
    found = set()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in skipped and not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if path.suffix == ".py":
                found |= python_strings(path)
            elif path.suffix in (".html", ".txt"):
                found |= template_strings(path)
    return found


def catalog_keys(path: Path) -> set[tuple[str | None, str]]:
    return {(e.get("msgctxt"), e["msgid"]) for e in messages(parse_po(path))}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-4])
def test_header_is_japanese_utf8(path):
    fields = header(parse_po(path))
    assert fields["Language"] == "ja"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-4])
def test_every_message_translated_and_not_fuzzy(path):
    entries = parse_po(path)
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages(entries) if not all(e["translations"])]
    assert not untranslated
    # Japanese has one plural form: a second msgstr[n] would never be shown.
    assert all(len(e["translations"]) == 1 for e in messages(entries))


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-4])
def test_placeholders_survive_translation(path):
    wrong = []
    for e in messages(parse_po(path)):
        source = e.get("msgid_plural", e["msgid"])
        expected = placeholders(source) if "python-format" in e["flags"] else []
        # a named placeholder must survive even where the python-format flag is missing
        expected = expected or [p for p in placeholders(source) if p.startswith("%(")]
        if any(placeholders(t) != expected for t in e["translations"]):
            wrong.append(e["msgid"])
    assert not wrong


def test_project_catalog_matches_the_code():
    """What makemessages would extract from the project is exactly what the catalog holds."""
    marked = marked_strings(settings.BASE_DIR, SKIPPED_DIRS | {"locale", "locale_vendor"})
    in_catalog = catalog_keys(PROJECT_CATALOG)
    assert sorted(marked - in_catalog, key=str) == [], "run makemessages and translate"
    assert sorted(in_catalog - marked, key=str) == [], "stale entries: run makemessages"


def test_vendor_catalog_matches_simple_history():
    package = Path(simple_history.__file__).parent
    marked = marked_strings(package, {"tests", "locale", "migrations", "__pycache__"})
    assert marked == catalog_keys(VENDOR_CATALOG), "simple_history's strings changed"


@pytest.fixture
def compiled_catalogs():
    """The gettext tests read the .mo files that `manage.py compilemessages` writes."""
    for po in CATALOGS:
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo} is missing or older than its .po: run `manage.py compilemessages`"
        )


@pytest.mark.usefixtures("compiled_catalogs")
def test_policy_facility_categories():
    """独自ルール 9: the 18 categories read exactly as the council's rule lists them."""
    from facilities.models import Category

    with translation.override("ja"):
        labels = [str(label) for label in Category.labels]
    assert labels == [
        "病院及びクリニック",
        "歯科",
        "薬局",
        "地域包括支援センター",
        "指定居宅介護支援事業所",
        "訪問介護",
        "訪問入浴介護",
        "訪問看護",
        "訪問リハビリテーション",
        "通所介護事業所",
        "通所リハビリテーション",
        "短期入所生活介護",
        "短期入所療養介護",
        "福祉用具貸与、特定福祉用具販売",
        "定期巡回・随時対応型訪問介護看護",
        "認知症対応型通所介護",
        "小規模多機能型居宅介護",
        "看護小規模多機能型居宅介護",
    ]


@pytest.mark.usefixtures("compiled_catalogs")
def test_model_names_and_messages_in_japanese():
    from facilities.models import Facility, McsAccount, StaffMember, UsageApplication
    from groups.models import CareGroup
    from mcs_admin.fields import PostalCodeField

    with translation.override("ja"):
        assert str(Facility._meta.verbose_name) == "事業所"
        assert str(StaffMember._meta.verbose_name) == "職員"
        assert str(McsAccount._meta.verbose_name) == "MCS ID"
        assert str(UsageApplication._meta.verbose_name) == "利用申込書（様式1）"
        assert str(CareGroup.Status.ARCHIVED.label) == "保管済み"
        assert str(PostalCodeField.error_message) == (
            "郵便番号は 341-0011 または 3410011 のように7桁で入力してください。"
        )


@pytest.mark.usefixtures("compiled_catalogs")
def test_history_pages_in_japanese():
    # msgids in variables: makemessages must not pull simple_history's strings into locale/
    expected = {"View history: %s": "履歴の表示: %s", "Changed by": "変更者", "Revert": "復元"}
    entry, entries = "entry", "entries"
    with translation.override("ja"):
        assert {msgid: translation.gettext(msgid) for msgid in expected} == expected
        assert translation.ngettext(entry, entries, 3) == "件"
