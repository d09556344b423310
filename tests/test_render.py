"""Rendering to PNG, SVG, terminal and data URIs; read back with a real decoder."""

import io

import pytest

from qrpay import ParseError, decode, render

pytest.importorskip("zxingcpp")
PIL = pytest.importorskip("PIL.Image")

PAYLOAD = "00020101021226310014br.gov.bcb.pix0109abc@x.com52040000530315654041.505802CN5901X6001Y6304B346"


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_png_round_trips_at_every_level(level):
    png = render.to_png(PAYLOAD, error=level)
    assert png.startswith(b"\x89PNG")
    assert [d.text for d in decode(png)] == [PAYLOAD]


def test_utf8_text_gets_eci_and_reads_back_byte_exact():
    text = "Café 上海 Zürich — merchant note"
    assert render.make(text).designator  # a real symbol
    assert [d.text for d in decode(render.to_png(text))] == [text]


def test_quiet_zone_is_kept():
    image = PIL.open(io.BytesIO(render.to_png("x", scale=1)))
    assert image.getpixel((0, 0)) != 0 and image.getpixel((3, 3)) != 0  # four light modules of margin
    assert image.width == len(render.make("x").matrix) + 8


def test_svg_is_a_document():
    svg = render.to_svg("hello", title="Order 1")
    assert svg.startswith("<svg") and "<title>Order 1</title>" in svg


def test_terminal_uses_half_blocks():
    art = render.to_terminal("hello")
    assert set(art) <= set(" ▀▄█\n")
    size = len(render.make("hello").matrix) + 4
    assert all(len(line) == size for line in art.splitlines())


def test_data_uris():
    assert render.to_data_uri("x").startswith("data:image/png;base64,")
    assert render.to_data_uri("x", kind="svg").startswith("data:image/svg+xml")


def test_logo_forces_level_h_and_still_reads():
    from PIL import ImageDraw

    mark = PIL.new("RGBA", (120, 120), (200, 30, 40, 255))
    ImageDraw.Draw(mark).ellipse((20, 20, 100, 100), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    mark.save(buffer, format="PNG")
    png = render.to_png(PAYLOAD, logo=buffer.getvalue())
    assert [d.text for d in decode(png)] == [PAYLOAD]
    image = PIL.open(io.BytesIO(png)).convert("RGB")
    red = sum(n for n, (r, g, _) in image.getcolors(maxcolors=1 << 16) if r > 150 and g < 100)
    assert red > 1000  # the logo is really there, over the modules


@pytest.mark.parametrize(("kwargs", "code"), [({"error": "X"}, "bad_value"), ({"kind": "gif"}, "bad_value")])
def test_bad_options(kwargs, code):
    with pytest.raises(ParseError) as info:
        if "kind" in kwargs:
            render.to_data_uri("x", **kwargs)
        else:
            render.to_png("x", **kwargs)
    assert info.value.code == code


def test_too_long_and_empty():
    with pytest.raises(ParseError):
        render.to_png("x" * 5000, error="H")
    with pytest.raises(ParseError):
        render.to_png("")
