"""The operations manual (操作マニュアル, `docs/manual/`): Markdown chapters in two parts, converted
by Python-Markdown for the help pages (`office.manual_views`) and for the one PDF of
`manage.py build_manual`. The chapters embed the screenshots the browser tests save under fixed
names (`make manual`), so a chapter naming a picture no test takes cannot be built.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from mcs_admin.pdf import MINCHO_FONT
from mcs_admin.roles import is_center

MANUAL_DIR = Path(settings.BASE_DIR) / "docs" / "manual"
IMAGES_DIR = MANUAL_DIR / "images"
CENTER, FACILITY = "center", "facility"
PART_TITLES = {
    CENTER: _("For the support center"),
    FACILITY: _("For facility administrators and users"),
}
# a chapter names its pictures as `../images/NAME.png`, so that they show on GitHub too
IMAGE_SOURCE = re.compile(r"^\.\./images/(?P<name>[a-z0-9-]+\.png)$")
# the screenshots are 1280 px wide: at 150 dpi they stay sharp on A4 and the PDF stays small
PDF_OPTIONS = {"optimize_images": True, "dpi": 150}
CHAPTER_FILE = re.compile(r"^\d{2}-(?P<slug>[a-z0-9-]+)\.md$")


@dataclass(frozen=True)
class Chapter:
    part: str
    number: int  # its place in the part, from the file name
    slug: str
    path: Path

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def title(self) -> str:
        return self.source.splitlines()[0].removeprefix("# ").strip()

    @property
    def anchor(self) -> str:
        return f"{self.part}-{self.slug}"

    def images(self) -> list[str]:
        """The file names of the screenshots the chapter embeds, in order."""
        names: list[str] = []
        to_html(self.source, lambda name: names.append(name) or name)
        return names


class _Images(Treeprocessor):
    """Points each `../images/NAME.png` at `locate(NAME)` (any other picture is an error), and
    numbers a list continued after a command as the browsers do."""

    def __init__(self, md, locate: Callable[[str], str]):
        super().__init__(md)
        self.locate = locate

    def run(self, root):
        # a list that goes on after a command shown between its steps starts at its number,
        # which WeasyPrint reads from the list-item counter rather than from `start`
        for numbered in root.iter("ol"):
            if numbered.get("start"):
                numbered.set("style", f"counter-reset: list-item {int(numbered.get('start')) - 1}")
        for image in root.iter("img"):
            match = IMAGE_SOURCE.match(image.get("src", ""))
            if match is None:
                raise ValueError(f"A manual's picture is ../images/NAME.png: {image.get('src')}")
            image.set("src", self.locate(match["name"]))
            image.set("loading", "lazy")


class _ImageExtension(Extension):
    def __init__(self, locate: Callable[[str], str]):
        super().__init__()
        self.locate = locate

    def extendMarkdown(self, md):
        md.treeprocessors.register(_Images(md, self.locate), "manual_images", 0)


def to_html(source: str, locate: Callable[[str], str], anchor: str = "") -> SafeString:
    """A chapter's Markdown as HTML, its pictures at `locate(name)` and its headings' ids
    prefixed with `anchor` (the PDF holds every chapter in one document). The chapters are the
    project's own files, reviewed like its code: their HTML is the project's."""
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "attr_list",
            "fenced_code",
            "sane_lists",  # a step keeps its number after a command shown between steps
            "toc",
            _ImageExtension(locate),
        ],
        extension_configs={
            "toc": {"slugify": lambda value, sep: f"{anchor}-{slugify_unicode(value, sep)}"}
        },
        output_format="html",
    )
    return mark_safe(converter.convert(source))  # nosec B308


def chapters(part: str) -> list[Chapter]:
    """The part's chapters in the order of their file names (`NN-slug.md`)."""
    return [
        Chapter(part, int(path.name[:2]), match["slug"], path)
        for path in sorted((MANUAL_DIR / part).glob("*.md"))
        if (match := CHAPTER_FILE.match(path.name))
    ]


def parts_for(user) -> list[str]:
    """The parts a login reads: the center both (it answers the facilities' calls), anyone
    else the facilities' part."""
    return [CENTER, FACILITY] if is_center(user) else [FACILITY]


def missing_images() -> list[str]:
    """'chapter file: picture' for every picture a chapter names that is not in IMAGES_DIR."""
    return [
        f"{chapter.path.relative_to(MANUAL_DIR)}: {name}"
        for part in PART_TITLES
        for chapter in chapters(part)
        for name in chapter.images()
        if not (IMAGES_DIR / name).is_file()
    ]


def document_html(parts: list[str], locate: Callable[[str], str]) -> str:
    """The parts as one HTML document for print: a cover, the table of contents and every
    chapter from a new page (templates/manual/document.html)."""
    return render_to_string(
        "manual/document.html",
        {
            "font_url": MINCHO_FONT.as_uri(),
            "parts": [
                {
                    "title": PART_TITLES[part],
                    "anchor": part,
                    "chapters": [
                        {
                            "chapter": chapter,
                            "html": to_html(chapter.source, locate, chapter.anchor),
                        }
                        for chapter in chapters(part)
                    ],
                }
                for part in parts
            ],
            "printed_on": timezone.localdate(),
        },
    )


def document(parts: list[str]) -> weasyprint.Document:
    """The parts laid out in A4 pages, in the forms' font, with page numbers."""
    html = document_html(parts, lambda name: (IMAGES_DIR / name).as_uri())
    return weasyprint.HTML(string=html).render()


def document_pdf(parts: list[str]) -> bytes:
    """The PDF of the parts, laid out again only when a chapter or a screenshot has changed."""
    return _pdf(tuple(parts), MANUAL_DIR, _last_change())


@lru_cache(maxsize=4)
def _pdf(parts: tuple[str, ...], manual_dir: Path, changed: float) -> bytes:
    return document(list(parts)).write_pdf(**PDF_OPTIONS)


def _last_change() -> float:
    files = [*MANUAL_DIR.glob("*/*.md"), *IMAGES_DIR.glob("*.png")]
    return max((path.stat().st_mtime for path in files), default=0.0)
