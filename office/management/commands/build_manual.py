import shutil

# poppler's pdftoppm, with fixed arguments
import subprocess  # nosec B404
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from office import manual
from office.manual import (
    FACILITY,
    PART_TITLES,
    PDF_OPTIONS,
    chapters,
    document,
    document_html,
    missing_images,
)


class Command(BaseCommand):
    help = (
        "Build the operations manual (docs/manual) to one HTML file and one A4 PDF; fails when "
        "a chapter names a screenshot the browser tests did not save (`make manual`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path("build/manual"))
        parser.add_argument(
            "--pages", type=Path, help="also write the contents and a chapter's first page as PNG"
        )

    def handle(self, *args, out, pages, **options):
        missing = missing_images()
        if missing:
            raise CommandError(
                _("Chapters name screenshots that no browser test saved: %(missing)s")
                % {"missing": ", ".join(missing)}
            )
        parts = list(PART_TITLES)
        names = sorted({name for part in parts for c in chapters(part) for name in c.images()})
        (out / "images").mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy2(manual.IMAGES_DIR / name, out / "images" / name)
        html = document_html(parts, lambda name: f"images/{name}")
        (out / "manual.html").write_text(html, encoding="utf-8")
        laid_out = document(parts)
        (out / "manual.pdf").write_bytes(laid_out.write_pdf(**PDF_OPTIONS))
        if pages:
            self._write_pages(laid_out, out / "manual.pdf", pages)
        count = sum(len(chapters(part)) for part in parts)
        self.stdout.write(
            f"{out / 'manual.html'}, {out / 'manual.pdf'}: {count} chapters, "
            f"{len(names)} screenshots, {len(laid_out.pages)} pages"
        )

    def _write_pages(self, laid_out, pdf: Path, into: Path):
        """The README's two pages: the contents, and the first page of the facilities' first
        chapter (found by its anchor, wherever the chapters before it end)."""
        into.mkdir(parents=True, exist_ok=True)
        first = chapters(FACILITY)[0].anchor
        shown = {
            "contents": next(i for i, p in enumerate(laid_out.pages) if "contents" in p.anchors),
            "chapter": next(i for i, p in enumerate(laid_out.pages) if first in p.anchors),
        }
        for name, index in shown.items():
            subprocess.run(  # nosec B603 B607
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-singlefile",
                    "-f",
                    str(index + 1),
                    "-l",
                    str(index + 1),
                    str(pdf),
                    str(into / name),
                ],
                check=True,
            )
