"""Every page of the authorization matrix, opened in Chinese and in Turkish, shows no English
text of ours: no text node, button, label, placeholder or title equal to a msgid of the
catalogues (a msgid with placeholders matches with anything in their place).

Each URL is opened by the first kind of user the matrix lets read it (tests/
test_url_authorization.py); the admin's pages by a manager. Brand names and words written alike
in every language are not msgids that differ from their translation, so they never count.
"""

import json
import re
from functools import cache
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse

from members.models import User
from tests.i18n.catalogues import english_msgids, translated_languages
from tests.test_url_authorization import (
    KINDS,
    _client,
    _expected,
    _named_routes,
    _url,
)
from tests.two_factor import TwoStepClient

PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sdf]")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "content")


def _normal(text: str) -> str:
    return " ".join(text.split())


class _Texts(HTMLParser):
    """What a person reads on the page: text outside scripts and styles, and the attributes
    a screen reader or a button shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        attributes = dict(attrs)
        for name in ATTRIBUTES:
            if attributes.get(name) and not (
                tag == "meta"
                and name == "content"
                and (attributes.get("name") not in {"description"})
            ):
                self.texts.append(_normal(attributes[name]))
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.texts.append(_normal(attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(_normal(data))


# In JSON, what people read is the messages; the rest is data and codes ("purchase"), which
# stay English (docs/api).
JSON_TEXT_KEYS = {"message", "detail", "title", "description"}


def _json_texts(value, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [text for name, item in value.items() for text in _json_texts(item, name)]
    if isinstance(value, list):
        return [text for item in value for text in _json_texts(item, key)]
    return [_normal(value)] if isinstance(value, str) and key in JSON_TEXT_KEYS else []


@cache
def _matchers(language: str) -> tuple[set[str], list[re.Pattern]]:
    exact, patterns = set(), []
    for msgid in english_msgids(language):
        text = _normal(msgid)
        if not re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", text)):
            continue
        if PLACEHOLDER.search(text):
            # Split across tags on the page (its pieces are msgids too), or too little text
            # of its own to tell ("%(name)s tier" would match any text ending in "tier").
            if "<" in text or len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", text))) < 10:
                continue
            parts = [re.escape(part) for part in PLACEHOLDER.split(text.replace("%%", "%"))]
            patterns.append(re.compile(".+?".join(parts)))
        else:
            exact.add(text)
    return exact, patterns


def english_left(texts: list[str], language: str) -> list[str]:
    exact, patterns = _matchers(language)
    return sorted(
        {
            text
            for text in texts
            if text in exact or any(pattern.fullmatch(text) for pattern in patterns)
        }
    )


# Data that is English on purpose: the world's customer chose no language, so their voucher's
# email was written in the program's default one, and the outbox shows it as it was written
# (its list shows the subject; one email's pages show nothing but that email).
DATA = {"admin:loyalty_outboxemail_changelist": {"Your voucher: Free Coffee"}}
SENT_AS_WRITTEN = {"admin:loyalty_outboxemail_change", "admin:loyalty_outboxemail_history"}


def _reader(route) -> str | None:
    """The first kind of user the matrix lets read the page; for the admin's, a superuser
    (who sees every model, the system's included)."""
    expected = _expected(route)
    if expected is None:
        return None
    if route.route.startswith("admin/"):
        return "superuser"
    return next((kind for kind in KINDS if expected[kind] == 200), None)


ADMIN_OBJECT_PAGE = re.compile(r"admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?:change|history|delete)")


def _page(route, world) -> str:
    """The matrix's example address; for an admin page of one object, an object the world
    made (the matrix's "1" is rarely one)."""
    found = ADMIN_OBJECT_PAGE.fullmatch(route.name)
    if found:
        model = apps.get_model(found["app"], found["model"])
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            return reverse(route.name, args=[first.pk])
    return _url(route, world)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.com", password="Root-pass-4821")


READABLE = [
    route
    for route in _named_routes()
    if _reader(route) is not None and route.name not in SENT_AS_WRITTEN
]


def test_the_walk_reads_the_pages_of_every_role():
    readers = {_reader(route) for route in READABLE}

    assert {"anonymous", "customer", "staff", "manager", "superuser"} <= readers
    assert len(READABLE) > 80


def test_the_check_finds_english_on_a_page():
    page = _Texts()
    page.feed('<p>Your profile is saved.</p><button title="Copy the new key">x</button>')

    assert english_left(page.texts, "tr") == ["Copy the new key", "Your profile is saved."]


@pytest.mark.django_db
@pytest.mark.parametrize("language", translated_languages())
@pytest.mark.parametrize("route", READABLE, ids=lambda route: route.name)
def test_no_english_left_on_the_page(route, language, world, superuser):
    reader = _reader(route)
    if reader == "superuser":
        client = TwoStepClient()
        client.force_login(superuser)
    else:
        client = _client(world, reader)
    response = client.get(_page(route, world), HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 200:
        pytest.skip(f"answers {response.status_code} to its reader (the matrix says which)")
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        page = _Texts()
        page.feed(response.content.decode())
        texts = page.texts
    elif "json" in content_type:
        texts = _json_texts(json.loads(response.content))
    else:
        pytest.skip(f"{content_type}: no text for people")

    assert response["Content-Language"] == language
    assert set(english_left(texts, language)) <= DATA.get(route.name, set())
