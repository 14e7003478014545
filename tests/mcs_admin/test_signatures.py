"""The signature box (issue 23): what the server accepts as a drawn signature."""

import base64
import io

import pytest
from django import forms
from PIL import Image, ImageDraw

from mcs_admin.signatures import MAX_SIDE, PREFIX, SignatureField
from mcs_admin.text_rules import NoControlCharacters


class SignatureForm(NoControlCharacters, forms.Form):
    signature = SignatureField(label="署名")


def png(size=(600, 180), *, draw=True, mode="RGBA", image_format="PNG") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    if draw:
        ImageDraw.Draw(image).line([(20, 120), (200, 40), (400, 140)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()


def data_url(data: bytes) -> str:
    return PREFIX + base64.b64encode(data).decode()


def errors(value) -> list[str]:
    form = SignatureForm(data={"signature": value})
    assert not form.is_valid()
    return form.errors["signature"]


def test_a_drawn_signature_cleans_to_its_png():
    drawn = png()
    form = SignatureForm(data={"signature": data_url(drawn)})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["signature"] == drawn


def test_a_signature_on_an_opaque_white_background_counts():
    form = SignatureForm(data={"signature": data_url(png(mode="RGB"))})

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "value",
    ["", data_url(png(draw=False)), data_url(png(draw=False, mode="RGB"))],
    ids=["empty", "transparent", "white"],
)
def test_an_empty_box_asks_for_a_signature(value):
    assert errors(value) == ["署名欄に署名してください。"]


@pytest.mark.parametrize(
    "value",
    [
        "not a data url",
        "data:image/png;base64,!!!",
        data_url(b"\x89PNG\r\n\x1a\n but not really"),
        data_url(png(image_format="JPEG", mode="RGB")),
        "data:image/jpeg;base64," + base64.b64encode(png()).decode(),
    ],
    ids=["text", "bad-base64", "broken-png", "jpeg-inside", "jpeg-prefix"],
)
def test_what_is_not_a_png_is_refused(value):
    assert errors(value) == ["署名を読み取れません。署名欄を消去して、もう一度署名してください。"]


def test_too_many_pixels_are_refused_before_decoding():
    too_wide = png((MAX_SIDE + 1, 10), draw=False)

    assert errors(data_url(too_wide)) == [
        "署名が大きすぎます。署名欄を消去して、もう一度署名してください。"
    ]


def test_too_many_bytes_are_refused():
    assert errors(PREFIX + "A" * (1024 * 1024)) == [
        "署名が大きすぎます。署名欄を消去して、もう一度署名してください。"
    ]


def test_the_widget_draws_a_canvas_a_clear_button_and_a_hidden_input():
    form = SignatureForm()
    html = str(form["signature"])

    assert "<canvas" in html and 'type="hidden"' in html and "消去" in html
    assert "signature_pad.umd.min.js" in str(form.media)


def test_a_drawing_comes_back_only_when_it_is_a_png_data_url():
    drawn = data_url(png())
    assert drawn in str(SignatureForm(data={"signature": drawn})["signature"])
    assert "javascript" not in str(SignatureForm(data={"signature": '"javascript:x'})["signature"])
