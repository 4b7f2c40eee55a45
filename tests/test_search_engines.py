"""What search engines read: robots.txt opens the public pages and closes every member's, the
desk's and the back office's; each page has one meta description, its own on the public pages
(Lighthouse's SEO audits, `make lighthouse`)."""

import html
import re
import urllib.robotparser

import pytest
from django.urls import reverse

from loyalty.services import program_settings_get
from tests.rewards.catalogue import make_reward

ROBOTS_LINES = [
    "User-agent: *",
    "Allow: /accounts/signup/",
    "Disallow: /accounts/",
    "Disallow: /me/",
    "Disallow: /r/",
    "Disallow: /survey/",
    "Disallow: /unsubscribe/",
    "Disallow: /staff/",
    "Disallow: /admin/",
    "Disallow: /manage/",
    "Disallow: /api/",
]


def _robots(client) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(client.get("/robots.txt").content.decode().splitlines())
    return parser


def _descriptions(page: str) -> list[str]:
    return [
        html.unescape(content)
        for content in re.findall(r'<meta name="description" content="([^"]*)">', page)
    ]


@pytest.fixture
def bean_club(db):
    program = program_settings_get()
    program.program_name = "Bean Club"
    program.save()
    return program


# --- robots.txt ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_robots_txt_is_plain_text_at_the_root_kept_for_a_day(client):
    response = client.get("/robots.txt")

    assert reverse("robots_txt") == "/robots.txt"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=86400"
    directives = [
        line for line in response.content.decode().splitlines() if not line.startswith("#")
    ]
    assert directives == ROBOTS_LINES


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/rewards/", "/rewards/free-coffee/", "/ways-to-earn/", "/accounts/signup/"]
)
def test_robots_txt_lets_search_engines_read_the_public_pages(client, path):
    assert _robots(client).can_fetch("AnyBot", path) is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/me/",
        "/me/card/",
        "/me/rewards/",
        "/me/referrals/",
        "/r/ALICE123/",
        "/survey/some-token/",
        "/unsubscribe/some-token/",
        "/accounts/login/",
        "/staff/",
        "/admin/",
        "/manage/reports/",
        "/api/v1/docs/",
    ],
)
def test_robots_txt_keeps_search_engines_out_of_private_pages(client, path):
    assert _robots(client).can_fetch("AnyBot", path) is False


@pytest.mark.django_db
def test_robots_txt_refuses_a_post(client):
    response = client.post("/robots.txt")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# --- meta descriptions --------------------------------------------------------------------


def test_home_page_describes_the_program(client, bean_club):
    page = client.get(reverse("home")).content.decode()

    assert _descriptions(page) == [
        "Join Bean Club for free: show your member card at the till, collect points on "
        "every purchase and swap them for rewards."
    ]


def test_catalogue_describes_the_rewards(client, bean_club):
    page = client.get(reverse("rewards:list")).content.decode()

    assert _descriptions(page) == [
        "The rewards Bean Club members can get with their points: what each one costs "
        "and what it gives."
    ]


def test_a_reward_is_described_by_its_own_text_cut_to_160_characters(client, bean_club):
    make_reward("tote-bag", name="Tote bag", description="A sturdy cotton bag. " * 10)

    page = client.get(reverse("rewards:detail", args=["tote-bag"])).content.decode()

    (description,) = _descriptions(page)
    assert len(description) == 160
    assert description == ("A sturdy cotton bag. " * 10)[:159] + "…"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (1, "Sticker for 1 point, a Bean Club reward."),
        (1500, "Sticker for 1,500 points, a Bean Club reward."),
    ],
)
def test_a_reward_without_text_is_described_by_its_name_and_cost(
    client, bean_club, points, expected
):
    make_reward("sticker", name="Sticker", points_cost=points)

    page = client.get(reverse("rewards:detail", args=["sticker"])).content.decode()

    assert _descriptions(page) == [expected]


def test_other_pages_have_the_programs_description(client, bean_club):
    page = client.get(reverse("account_login")).content.decode()

    assert _descriptions(page) == [
        "Bean Club rewards program: earn points when you shop, swap them for rewards and "
        "keep your member card on your phone."
    ]


def test_a_description_is_escaped(client, bean_club):
    bean_club.program_name = 'Tea & "Cake"'
    bean_club.save()
    make_reward("mug", name="Mug", description='<b>Big</b> "mug" & saucer')

    home = client.get(reverse("home")).content.decode()
    reward = client.get(reverse("rewards:detail", args=["mug"])).content.decode()

    assert 'content="Join Tea &amp; &quot;Cake&quot; for free:' in home
    assert _descriptions(reward) == ['<b>Big</b> "mug" & saucer']
    assert "<b>" not in reward
