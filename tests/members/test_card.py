import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from tests.qr import decode as _decode
from tests.qr import rasterize_qr_svg as _rasterize_card_svg


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
