"""Pictures for the demo catalogue, drawn here so that `make run` needs no file and no network.

Each is a flat illustration on a soft background, 960 by 720 (the 4:3 of the catalogue's cards),
saved as a JPEG as a manager's upload would be after rewards/images.py re-encoded it.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

SIZE = (960, 720)
INK = "#14211d"
CREAM = "#fffaf0"
GREEN = "#0b5d4b"
GOLD = "#ffd166"


def _cup(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((550, 350, 680, 480), outline=INK, width=12)
    draw.rounded_rectangle((300, 300, 600, 560), radius=40, fill=CREAM, outline=INK, width=12)
    draw.rounded_rectangle((250, 560, 710, 600), radius=20, fill=INK)
    for x in (370, 450, 530):
        draw.arc((x - 30, 170, x + 30, 290), start=90, end=270, fill=INK, width=10)


def _pastry(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((220, 330, 740, 560), fill="#d99a4e", outline=INK, width=12)
    for x in (360, 440, 520, 600):
        draw.line((x - 20, 370, x + 20, 520), fill=INK, width=10)
    draw.rounded_rectangle((180, 560, 780, 600), radius=20, fill=INK)


def _bag(draw: ImageDraw.ImageDraw) -> None:
    draw.arc((370, 160, 590, 400), start=180, end=360, fill=INK, width=14)
    draw.rectangle((280, 280, 680, 600), fill=CREAM, outline=INK, width=12)
    draw.ellipse((420, 380, 540, 500), fill=GREEN)


def _ticket(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle((190, 240, 770, 520), radius=30, fill=GOLD, outline=INK, width=12)
    draw.ellipse((150, 340, 230, 420), fill="#cfe3dc", outline=INK, width=12)
    draw.ellipse((730, 340, 810, 420), fill="#cfe3dc", outline=INK, width=12)
    for y in range(265, 500, 40):
        draw.line((600, y, 600, y + 20), fill=INK, width=8)


def _heart(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((250, 200, 490, 440), fill="#c8553d")
    draw.ellipse((470, 200, 710, 440), fill="#c8553d")
    draw.polygon([(256, 345), (704, 345), (480, 610)], fill="#c8553d")


def _gift(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((270, 320, 690, 600), fill=GREEN, outline=INK, width=12)
    draw.rectangle((240, 260, 720, 340), fill=GREEN, outline=INK, width=12)
    draw.rectangle((450, 260, 510, 600), fill=GOLD)
    draw.ellipse((370, 170, 480, 270), outline=INK, width=12)
    draw.ellipse((480, 170, 590, 270), outline=INK, width=12)


def _label(text: str):
    def draw_label(draw: ImageDraw.ImageDraw) -> None:
        draw.rounded_rectangle((220, 220, 740, 520), radius=60, fill=CREAM, outline=INK, width=12)
        font = ImageFont.load_default(size=170)
        draw.text((480, 370), text, font=font, fill=GREEN, anchor="mm")

    return draw_label


# The demo rewards by slug: what is drawn and on which background.
DRAWINGS = {
    "free-filter-coffee": (_cup, "#cfe3dc"),
    "free-pastry": (_pastry, "#fde7c8"),
    "5-off-your-next-purchase": (_label("$5"), "#e8f1ee"),
    "15-off-one-item": (_label("15%"), "#fff4d6"),
    "10-store-credit": (_label("$10"), "#e6f4ea"),
    "reusable-tote-bag": (_bag, "#f1e4d3"),
    "coffee-tasting-evening": (_ticket, "#cfe3dc"),
    "barista-for-a-day": (_cup, GOLD),
    "give-a-meal": (_heart, "#fbe9ea"),
    "holiday-hamper": (_gift, "#fde7c8"),
}


def demo_picture(slug: str) -> ContentFile | None:
    """The demo reward's picture as a JPEG file, or None for a reward the demo does not know."""
    if slug not in DRAWINGS:
        return None
    drawing, background = DRAWINGS[slug]
    image = Image.new("RGB", SIZE, background)
    drawing(ImageDraw.Draw(image))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name=f"{slug}.jpg")
