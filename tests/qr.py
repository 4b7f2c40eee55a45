"""Reading the portal's QR codes back, as a till scanner would."""

import re

import zxingcpp
from PIL import Image, ImageDraw

_RUN = re.compile(r"M(\d+),(\d+)h(\d+)v1h-\3z")


def rasterize_qr_svg(svg: str, scale: int = 8) -> Image.Image:
    """Draw a QR SVG from `members.qr.qr_svg` (a viewBox in modules, one path of horizontal
    runs) as pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path fill="#000" d="([^"]+)"', svg).group(1)
    runs = _RUN.findall(path)
    assert "".join(f"M{x},{y}h{w}v1h-{w}z" for x, y, w in runs) == path
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, width in runs:
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle([left, top, left + int(width) * scale - 1, top + scale - 1], fill=0)
    return image


def decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def decode_svg_in(html: str) -> list[str]:
    """The texts of the first inline <svg> QR code in a page."""
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
    return decode(rasterize_qr_svg(svg))
