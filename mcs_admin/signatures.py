"""A signature drawn on the screen with a finger, a stylus or a mouse (issue 23).

`SignatureField` renders a canvas that the vendored `signature_pad` (static
vendor/signature_pad/, npm `signature_pad` 5.1.4) draws on, with a clear button and a hidden
input that `mcs_admin/signature.js` fills with a PNG data URL at the end of each stroke. The
server trusts none of it: the field decodes the data URL, checks with Pillow that it is a PNG
within the size and pixel limits and that something is drawn, and gives the PNG's bytes.
"""

import base64
import binascii
import io

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Script
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
MAX_BYTES = 512 * 1024  # a drawn signature is tens of kilobytes
MAX_SIDE = 3000  # a 720 px box on a screen of device pixel ratio 3 is 2160 px wide
MAX_PIXELS = 3000 * 1200
MAX_DATA_URL = len(PREFIX) + (MAX_BYTES + 2) // 3 * 4
# a pixel counts as ink when it is darker than this on white (anti-aliasing leaves lighter)
INK_BELOW = 224


class SignatureWidget(forms.Widget):
    template_name = "mcs_admin/widgets/signature.html"

    class Media:
        css = {"all": ["mcs_admin/signature.css"]}
        js = [
            Script("vendor/signature_pad/signature_pad.umd.min.js", defer=True),
            Script("mcs_admin/signature.js", defer=True),
        ]

    def format_value(self, value):
        # a drawing sent back with another field's error is drawn again, anything else is not
        if isinstance(value, str) and value.startswith(PREFIX) and len(value) <= MAX_DATA_URL:
            return value
        return ""


def has_ink(image: Image.Image) -> bool:
    """Whether anything is drawn: some pixel dark enough once laid on white."""
    white = Image.new("RGBA", image.size, "white")
    grey = Image.alpha_composite(white, image.convert("RGBA")).convert("L")
    return grey.point(lambda value: 255 if value < INK_BELOW else 0).getbbox() is not None


class SignatureField(forms.Field):
    """A signature box; cleans to the PNG's bytes."""

    widget = SignatureWidget
    default_error_messages = {
        "required": _("Sign in the signature box."),
        "blank": _("Sign in the signature box."),
        "invalid": _("The signature could not be read: clear the box and sign again."),
        "too_large": _("The signature is too large: clear the box and sign again."),
    }

    def to_python(self, value) -> bytes | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not value.startswith(PREFIX):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(value) > MAX_DATA_URL:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        try:
            png = base64.b64decode(value.removeprefix(PREFIX), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(png) > MAX_BYTES:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        self._check_image(png)
        return png

    def _check_image(self, png: bytes) -> None:
        try:
            with Image.open(io.BytesIO(png)) as image:
                if image.format != "PNG":
                    raise ValidationError(self.error_messages["invalid"], code="invalid")
                width, height = image.size  # from the header, before any pixel is decoded
                if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ValidationError(self.error_messages["too_large"], code="too_large")
                image.load()
                if not has_ink(image):
                    raise ValidationError(self.error_messages["blank"], code="blank")
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def is_signature(png: bytes) -> bool:
    """Whether `png` is what a signature box gives: a PNG within the limits with something
    drawn (the check of a service handed the bytes rather than the box)."""
    if len(png) > MAX_BYTES:
        return False
    try:
        SignatureField()._check_image(png)
    except ValidationError:
        return False
    return True
