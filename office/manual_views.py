"""ヘルプ: the operations manual (`office.manual`) for the logged-in, each role its part."""

import re

from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from mcs_admin.pdf import pdf_download
from office import manual
from office.manual import PART_TITLES, chapters, document_pdf, parts_for, to_html

IMAGE_NAME = re.compile(r"^[a-z0-9-]+\.png$")


def _image_url(name: str) -> str:
    return reverse("portal:help_image", args=[name])


class HelpIndex(TemplateView):
    """The contents of the parts the login reads."""

    template_name = "portal/help_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"] = [
            {"part": part, "title": PART_TITLES[part], "chapters": chapters(part)}
            for part in parts_for(self.request.user)
        ]
        return context


class HelpChapter(TemplateView):
    """One chapter; a part the login does not read answers 404, as if it did not exist."""

    template_name = "portal/help_chapter.html"

    def get_context_data(self, **kwargs):
        part, slug = kwargs["part"], kwargs["slug"]
        if part not in parts_for(self.request.user):
            raise Http404
        found = chapters(part)
        index = next((i for i, chapter in enumerate(found) if chapter.slug == slug), None)
        if index is None:
            raise Http404
        chapter = found[index]
        context = super().get_context_data(**kwargs)
        context["part_title"] = PART_TITLES[part]
        context["chapter"] = chapter
        context["body"] = to_html(chapter.source, _image_url, chapter.anchor)
        context["previous"] = found[index - 1] if index else None
        context["next"] = found[index + 1] if index + 1 < len(found) else None
        return context


@require_safe
def help_image(request, name):
    """A screenshot of the manual (the demo data's screens, taken by the browser tests)."""
    path = manual.IMAGES_DIR / name
    if not IMAGE_NAME.match(name) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")


@require_safe
def help_pdf(request):
    """The parts the login reads as one A4 PDF."""
    return pdf_download(document_pdf(parts_for(request.user)), "manual.pdf")
