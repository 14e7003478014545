"""The operations manual (docs/manual, `office.manual`): every picture a chapter names is one a
browser test saves, the build refuses a chapter naming any other, and each login reads its
role's part under ヘルプ, as pages and as one PDF."""

import ast
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from office import manual
from office.manual import CENTER, FACILITY, PART_TITLES, chapters, missing_images
from tests.pdf_reading import embedded_fonts, pages_text, squeeze
from tests.world import build_world

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = [
    "この章を使うとき",
    "運用ポリシーの根拠",
    "手順",
    "システムが受け付けないこと",
    "問い合わせ先",
]


def saved_by_browser_tests() -> list[re.Pattern]:
    """The names the browser tests' `shot(page, NAME)` calls save; an f-string's fields match
    any name part."""
    patterns = []
    for path in ROOT.glob("tests/**/test_browser*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "shot"):
                continue
            name = node.args[1]
            if isinstance(name, ast.Constant):
                patterns.append(re.escape(name.value))
            elif isinstance(name, ast.JoinedStr):
                patterns.append(
                    "".join(
                        re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z0-9-]+"
                        for part in name.values
                    )
                )
    return [re.compile(pattern + r"\.png") for pattern in patterns]


def named_pictures():
    for part in PART_TITLES:
        for chapter in chapters(part):
            for name in chapter.images():
                yield chapter, name


def test_every_picture_a_chapter_names_is_saved_by_a_browser_test_and_is_there():
    saved = saved_by_browser_tests()
    assert len(saved) > 50
    unsaved = [
        f"{chapter.path.name}: {name}"
        for chapter, name in named_pictures()
        if not any(pattern.fullmatch(name) for pattern in saved)
    ]
    assert unsaved == []
    assert missing_images() == []


@pytest.mark.parametrize("part", list(PART_TITLES))
def test_each_chapter_says_when_why_how_what_is_refused_and_whom_to_call(part):
    assert chapters(part)
    for chapter in chapters(part):
        headings = re.findall(r"^## (.+)$", chapter.source, flags=re.MULTILINE)
        assert headings == SECTIONS, chapter.path.name
        assert chapter.source.startswith("# ")


@pytest.mark.parametrize("part", list(PART_TITLES))
def test_each_steps_picture_is_inside_its_step(part):
    """Python-Markdown keeps a picture inside its numbered step when it is indented by four
    spaces; with fewer, the picture falls out of the list, under no step."""
    for chapter in chapters(part):
        steps = chapter.source.split("## 手順", 1)[1].split("\n## ", 1)[0]
        html = manual.to_html(steps, lambda name: name)
        for name in re.findall(r"\]\(\.\./images/([a-z0-9-]+\.png)\)", steps):
            before = html[: html.index(f'src="{name}"')]
            assert before.count("<li") > before.count("</li>"), f"{chapter.path.name}: {name}"


def a_manual(root: Path, picture: str = "step.png") -> None:
    """A manual of one chapter in each part, its pictures named `picture`, in `root`."""
    for part, title in ((CENTER, "受付の章"), (FACILITY, "職員の章")):
        (root / part).mkdir(parents=True)
        (root / part / "01-first.md").write_text(
            f"# {title}\n\n## 手順\n\n1. 開きます。\n\n   ![画面](../images/{picture})\n",
            encoding="utf-8",
        )
    (root / "images").mkdir()


@pytest.fixture
def small_manual(tmp_path, monkeypatch):
    root = tmp_path / "manual"
    a_manual(root)
    shutil.copy(ROOT / "docs/manual/images/admin-dashboard.png", root / "images/step.png")
    monkeypatch.setattr(manual, "MANUAL_DIR", root)
    monkeypatch.setattr(manual, "IMAGES_DIR", root / "images")
    return root


def test_the_build_refuses_a_chapter_naming_a_picture_no_test_saved(tmp_path, monkeypatch):
    root = tmp_path / "manual"
    a_manual(root, picture="nowhere.png")
    monkeypatch.setattr(manual, "MANUAL_DIR", root)
    monkeypatch.setattr(manual, "IMAGES_DIR", root / "images")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as refused:
        call_command("build_manual", "--out", str(out))
    assert "center/01-first.md: nowhere.png" in str(refused.value)
    assert "facility/01-first.md: nowhere.png" in str(refused.value)
    assert not out.exists()


def test_the_build_writes_one_html_and_one_paged_pdf_with_its_contents(small_manual, tmp_path):
    out, pages = tmp_path / "out", tmp_path / "pages"
    call_command("build_manual", "--out", str(out), "--pages", str(pages))
    html = (out / "manual.html").read_text(encoding="utf-8")
    assert 'src="images/step.png"' in html
    assert (out / "images/step.png").read_bytes() == (small_manual / "images/step.png").read_bytes()
    pdf = (out / "manual.pdf").read_bytes()
    text = [squeeze(page) for page in pages_text(pdf)]
    assert "操作マニュアル" in text[0]
    # the contents name each part and chapter with the page it starts on
    center_at = next(i for i, page in enumerate(text) if page.startswith("受付の章") and i > 1)
    staff_at = next(i for i, page in enumerate(text) if page.startswith("職員の章") and i > 1)
    assert re.search(rf"受付の章\.+{center_at + 1}", text[1])
    assert re.search(rf"職員の章\.+{staff_at + 1}", text[1])
    # every page but the cover carries its number
    for number, page in enumerate(text[1:], start=2):
        assert f"—{number}—" in page
    assert any("IPAexMincho" in font for font in embedded_fonts(pdf))
    assert (pages / "contents.png").read_bytes().startswith(b"\x89PNG")
    assert (pages / "chapter.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture
def world(db):
    return build_world()


def chapter_links(part: str) -> list[str]:
    return [reverse("portal:help_chapter", args=[part, c.slug]) for c in chapters(part)]


def test_each_login_reads_its_roles_part(client, world):
    client.force_login(world.center)
    page = client.get(reverse("portal:help")).content.decode()
    assert all(f'href="{link}"' in page for link in chapter_links(CENTER) + chapter_links(FACILITY))
    assert page.index(str(PART_TITLES[CENTER])) < page.index(str(PART_TITLES[FACILITY]))
    first_of_center = chapter_links(CENTER)[0]
    for login in (world.a.admin, world.a.user):
        client.force_login(login)
        page = client.get(reverse("portal:help")).content.decode()
        assert f'href="{reverse("portal:help")}"' in page  # ヘルプ in the header
        assert all(f'href="{link}"' in page for link in chapter_links(FACILITY))
        assert not any(f'href="{link}"' in page for link in chapter_links(CENTER))
        assert str(PART_TITLES[CENTER]) not in page
        assert client.get(first_of_center).status_code == 404
    client.force_login(world.center)
    assert client.get(first_of_center).status_code == 200


def test_the_admin_names_help_beside_the_logout(client, world):
    client.force_login(world.center)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("portal:help")}">ヘルプ</a>' in page


def test_a_chapter_shows_its_pictures_through_the_app(client, world):
    client.force_login(world.a.admin)
    chapter = chapters(FACILITY)[0]
    page = client.get(reverse("portal:help_chapter", args=[FACILITY, chapter.slug]))
    body = page.content.decode()
    assert f'<h1 id="{chapter.anchor}-' in body and chapter.title in body
    for name in chapter.images():
        url = reverse("portal:help_image", args=[name])
        assert f'src="{url}"' in body
        picture = client.get(url)
        assert picture["Content-Type"] == "image/png"
        assert b"".join(picture.streaming_content) == (manual.IMAGES_DIR / name).read_bytes()
    assert client.get(reverse("portal:help_image", args=["nowhere.png"])).status_code == 404
    assert client.get(reverse("portal:help_image", args=["manual.md"])).status_code == 404


def test_the_pdf_holds_the_logins_part(client, world, small_manual):
    client.force_login(world.a.user)
    text = squeeze("".join(pages_text(client.get(reverse("portal:help_pdf")).content)))
    assert "職員の章" in text and "受付の章" not in text
    client.force_login(world.center)
    text = squeeze("".join(pages_text(client.get(reverse("portal:help_pdf")).content)))
    assert "職員の章" in text and "受付の章" in text


def test_a_step_after_a_command_keeps_its_number_in_the_pdf_too():
    html = manual.to_html("1. 入力します。\n\n```sh\nls\n```\n\n2. 確かめます。\n", lambda n: n)
    assert '<pre><code class="language-sh">ls' in html
    # browsers read `start`; WeasyPrint the list-item counter
    assert '<ol start="2" style="counter-reset: list-item 1">' in html
