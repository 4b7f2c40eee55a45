import pytest
from django.urls import reverse

from tests.factories import create_customer

# One authorization matrix per staff view: who gets what.
MATRIX = [
    ("anonymous", 302),
    ("customer", 403),
    ("plain_user", 403),
    ("staff_user", 200),
    ("manager_user", 200),
]


def _login(client, request, who):
    if who == "anonymous":
        return
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_staff_desk_authorization(client, request, who, status):
    _login(client, request, who)

    response = client.get(reverse("staff:desk"))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_member_summary_authorization(client, request, who, status):
    member = create_customer(email="dora@example.com", first_name="Dora", last_name="Diaz")
    _login(client, request, who)

    response = client.get(reverse("staff:member", args=[member.card_number]))

    assert response.status_code == status
    if status == 200:
        assert "Dora Diaz" in response.content.decode()
    else:
        assert "Dora" not in response.content.decode()


@pytest.fixture
def dora(db):
    return create_customer(
        email="dora@example.com",
        first_name="Dora",
        last_name="Diaz",
        phone="+15550109999",
        phone_verified=True,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "{card}",
        "{card_spaced}\n",
        " {card_dashed} ",
        "DORA@example.COM",
        "+1 555 010 9999",
    ],
)
def test_staff_finds_a_member_by_scan_card_email_or_phone(client, staff_user, dora, query):
    card = dora.card_number
    query = query.format(
        card=card,
        card_spaced=f"{card[:4]} {card[4:8]} {card[8:]}",
        card_dashed=f"{card[:4]}-{card[4:8]}-{card[8:]}",
    )
    client.force_login(staff_user)

    response = client.get(reverse("staff:desk"), {"q": query})

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:member", args=[card])
    summary = client.get(response["Location"])
    assert summary.context["member"] == dora
    assert summary.context["account"].balance == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "dora",
        "dora@",
        "example.com",
        "Diaz",
        "0109999",
        "{card_typo}",
        "{card_prefix}",
        "%",
        "'; --",
    ],
)
def test_staff_search_never_returns_partial_matches(client, staff_user, dora, query):
    card = dora.card_number
    typo_digit = "1" if card[5] != "1" else "2"
    query = query.format(card_typo=card[:5] + typo_digit + card[6:], card_prefix=card[:8])
    client.force_login(staff_user)

    response = client.get(reverse("staff:desk"), {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "No member matches that card number, email or phone." in html
    assert "Dora" not in html
    assert card not in html


@pytest.mark.django_db
def test_staff_search_with_an_empty_box_asks_for_input(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("staff:desk"), {"q": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["q"] == ["This field is required."]


@pytest.mark.django_db
@pytest.mark.parametrize("card", ["000000000000", "abc", "412345678905"])
def test_unknown_or_malformed_card_in_the_url_is_404(client, staff_user, card):
    client.force_login(staff_user)

    assert client.get(reverse("staff:member", args=[card])).status_code == 404


@pytest.mark.django_db
def test_staff_desk_offers_camera_scanning_without_requiring_it(client, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("staff:desk")).content.decode()

    assert "data-scan-button hidden" in html
    assert "js/scan.js" in html
    assert '<label for="id_q">Card number, email or phone</label>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("customer", "members:dashboard"),
        ("staff_user", "staff:desk"),
        ("manager_user", "staff:desk"),
    ],
)
def test_each_kind_of_user_lands_where_they_work_after_login(client, request, who, landing):
    from tests.factories import PASSWORD

    user = request.getfixturevalue(who)
    email = getattr(user, "user", user).email

    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


@pytest.mark.django_db
def test_member_summary_keeps_the_search_box_for_the_next_customer(client, staff_user, dora):
    client.force_login(staff_user)

    html = client.get(reverse("staff:member", args=[dora.card_number])).content.decode()

    assert 'name="q"' in html
    assert "autofocus" in html
