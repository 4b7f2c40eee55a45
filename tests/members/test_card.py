import io
import re

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageDraw

_RUN = re.compile(r"M(\d+),(\d+)h(\d+)v1h-\3z")


def _rasterize_card_svg(svg: str, scale: int = 8) -> Image.Image:
    """Draw the card's QR SVG (a viewBox in modules, one path of horizontal runs) as pixels."""
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


def _decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.mark.django_db
def test_card_page_qr_decodes_to_the_card_number(client, customer):
    client.force_login(customer.user)

    response = client.get(reverse("members:card"))

    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL).group(0)
    assert _decode(_rasterize_card_svg(svg)) == [customer.card_number]
    number = customer.card_number
    assert f'data-testid="card-number">{number[:4]} {number[4:8]} {number[8:]}<' in html


@pytest.mark.django_db
def test_card_png_download_decodes_to_the_card_number(client, customer):
    client.force_login(customer.user)

    response = client.get(reverse("members:card_png"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="member-card-{customer.card_number}.png"'
    )
    image = Image.open(io.BytesIO(response.content))
    assert _decode(image) == [customer.card_number]


@pytest.mark.django_db
def test_each_member_sees_only_their_own_card(client, customer, other_customer):
    client.force_login(other_customer.user)

    html = client.get(reverse("members:card")).content.decode()
    png = client.get(reverse("members:card_png")).content

    assert customer.card_number[:4] + " " + customer.card_number[4:8] not in html
    assert _decode(Image.open(io.BytesIO(png))) == [other_customer.card_number]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["members:dashboard", "members:card", "members:card_png", "members:profile"]
)
def test_member_pages_ask_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["members:dashboard", "members:card", "members:card_png", "members:profile"]
)
def test_work_accounts_without_a_card_get_a_helpful_page(client, staff_user, name):
    client.force_login(staff_user)

    response = client.get(reverse(name))

    assert response.status_code == 404
    assert "This account has no member card" in response.content.decode()
    assert reverse("staff:desk") in response.content.decode()
