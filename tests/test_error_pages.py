"""The site's own error pages (DEBUG is off in tests, as in production): each says what
happened in the site's words, with its status and a way back, and shows under the CSP."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_security import _inline_problems


def _ways_back(page: str) -> list[tuple[str, str]]:
    """The (address, text) of each link in the page's "Ways back"."""
    block = page[page.index('data-testid="ways-back"') :]
    block = block[: block.index("</ul>")]
    return re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', block)


def _title(page: str) -> str:
    return re.search(r"<title>([^<]*)</title>", page).group(1)


def _heading(page: str) -> str:
    return re.search(r"<h1>([^<]*)</h1>", page).group(1)


@pytest.mark.django_db
def test_a_missing_page_for_a_visitor_offers_home_and_log_in(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert _title(page) == "Page not found · Loyalty"
    assert _heading(page) == "We can't find that page"
    assert _ways_back(page) == [("/", "Home"), ("/accounts/login/", "Log in")]
    assert _inline_problems(page) == []


@pytest.mark.django_db
def test_a_missing_page_for_a_member_offers_their_points(client, customer):
    client.force_login(customer.user)

    response = client.get("/me/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert _ways_back(page) == [("/", "Home"), ("/me/", "My points")]
    assert "Log out" in page  # the site's own menu, for the signed-in member


@pytest.mark.django_db
def test_a_missing_page_for_staff_offers_the_desk(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/staff/no-such-page/")

    assert response.status_code == 404
    assert _ways_back(response.content.decode()) == [("/", "Home"), ("/staff/", "Staff desk")]


@pytest.mark.django_db
def test_a_member_at_the_staff_desk_gets_the_sites_403_page(client, customer):
    client.force_login(customer.user)

    response = client.get(reverse("staff:desk"))

    page = response.content.decode()
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert _title(page) == "Not allowed · Loyalty"
    assert _heading(page) == "This page is not open to you"
    assert _ways_back(page) == [("/", "Home"), ("/me/", "My points")]
    assert _inline_problems(page) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_request_the_site_cannot_read_gets_the_plain_400_page_without_the_database():
    client = Client()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test-errors/suspicious/")

    page = response.content.decode()
    assert response.status_code == 400
    assert [template.name for template in response.templates] == [
        "400.html",
        "error_plain.html",
        "includes/error_ways_back_plain.html",
    ]
    assert _title(page) == "Bad request · Loyalty"
    assert _heading(page) == "We could not read that request"
    assert _ways_back(page) == [("/", "Home"), ("/me/", "My points")]
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert _inline_problems(page) == []
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_bug_gets_the_plain_500_page_without_the_database(customer):
    client = Client(raise_request_exception=False)
    client.force_login(customer.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test-errors/broken/")

    page = response.content.decode()
    assert response.status_code == 500
    assert [template.name for template in response.templates] == [
        "500.html",
        "error_plain.html",
        "includes/error_ways_back_plain.html",
    ]
    assert _title(page) == "Something went wrong · Loyalty"
    assert _heading(page) == "Something went wrong on our side"
    assert _ways_back(page) == [("/", "Home"), ("/me/", "My points")]
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert "RuntimeError" not in page
    assert _inline_problems(page) == []
    # Only the session and user the middleware read before the view: the page itself reads
    # nothing, so it shows when the database is what failed.
    assert all("django_session" in q["sql"] or "members_user" in q["sql"] for q in queries)


@pytest.mark.django_db
def test_a_form_without_its_token_offers_the_ways_back(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)

    response = client.post(reverse("members:profile"), {"first_name": "Mallory"})

    page = response.content.decode()
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    assert _ways_back(page) == [("/", "Home"), ("/me/", "My points")]
    customer.user.refresh_from_db()
    assert customer.user.first_name == "Alice"
