"""Signatures as the signature boxes send them, for the tests of signing on the screen."""

import base64
import io

from PIL import Image, ImageDraw


def signature_png(*, drawn: bool = True, size=(600, 180)) -> bytes:
    """A PNG like signature_pad's: transparent, with a few black strokes when `drawn`."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(30, 130), (160, 40), (300, 140), (520, 60)], "black", 5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
