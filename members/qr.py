"""The member card's QR code, as inline SVG for the page and PNG for download."""

import io

import qrcode
from django.utils.html import escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def _matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(data: str, *, title: str) -> str:
    """A standalone <svg> with one path: each horizontal run of dark modules is one rectangle.

    The viewBox is in modules, so the browser scales it crisply to any size; `shape-rendering`
    keeps module edges sharp for phone cameras and scanners.
    """
    matrix = _matrix(data)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                width = x - start
                runs.append(f"M{start},{y}h{width}v1h-{width}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'class="qr" role="img" aria-label="{escape(title)}" shape-rendering="crispEdges">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def qr_png(data: str, *, module_pixels: int = 10) -> bytes:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=module_pixels
    )
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
