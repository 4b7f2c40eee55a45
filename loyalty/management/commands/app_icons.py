"""`manage.py app_icons`: draw the installed app's PNG icons from the site's star (icon.svg).

Run once when the emblem changes; the PNGs are committed under static/img/. Pillow draws them
at four times the size and scales down, so the star's edges are smooth.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

BRAND = "#0b5d4b"  # --brand in static/css/site.css, the background of static/img/icon.svg
STAR = "#ffd166"  # --accent
# static/img/icon.svg's star, in its 32-unit box.
STAR_POINTS = [
    (16, 6),
    (19, 12.5),
    (26, 13.3),
    (20.8, 18.1),
    (22.2, 25.1),
    (16, 21.5),
    (9.8, 25.1),
    (11.2, 18.1),
    (6, 13.3),
    (13, 12.5),
]
CORNER = 7  # icon.svg's rx
OVERSAMPLE = 4


def app_icon(size: int, *, maskable: bool) -> Image.Image:
    """The emblem at `size` px. A maskable icon fills the square (the phone cuts its own
    shape) and keeps the star inside the central circle every mask leaves whole (radius 40%);
    the star reaches 10 of 32 units from the centre, 31%."""
    big = size * OVERSAMPLE
    scale = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BRAND)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * scale, fill=BRAND)
    draw.polygon([(x * scale, y * scale) for x, y in STAR_POINTS], fill=STAR)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    "app-icon-192.png": (192, False),
    "app-icon-512.png": (512, False),
    "app-icon-maskable-512.png": (512, True),
}


class Command(BaseCommand):
    help = "Draw the installed app's icons (192 and 512 px, a maskable 512 px) in static/img/."

    def handle(self, *args, **options) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "img"
        for name, (size, maskable) in ICONS.items():
            app_icon(size, maskable=maskable).save(folder / name, format="PNG", optimize=True)
            self.stdout.write(f"static/img/{name}")
