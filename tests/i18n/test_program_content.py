"""What managers write (reward names and descriptions, tiers, rules, challenges, causes) in
each language, from the admin, with English where a language was left empty; in the same row,
so a page costs the same queries in every language."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rewards.models import Reward
from tests.loyalty.points import base_rule
from tests.rewards.catalogue import make_reward
from tests.rewards.test_admin import reward_form

pytestmark = pytest.mark.django_db


def _catalogue(language: str) -> str:
    return Client().get(reverse("rewards:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_reward_reads_in_the_pages_language_and_in_english_where_none_was_written():
    make_reward(
        "coffee",
        name_en="Free coffee",
        name_tr="Bedava kahve",
        description_en="Any size.",
        description_tr="Her boy.",
    )

    assert "Bedava kahve" in _catalogue("tr")
    assert "Free coffee" not in _catalogue("tr")
    assert "Free coffee" in _catalogue("zh-hans")  # nothing written in Chinese
    assert "Free coffee" in _catalogue("en")


def test_the_catalogue_costs_the_same_queries_in_every_language():
    for slug in ("coffee", "tea", "cake"):
        make_reward(slug, name_tr=f"{slug} (tr)")
    _catalogue("en")  # the first request of a process reads what later ones find cached
    counts = {}
    for language in ("en", "zh-hans", "tr"):
        with CaptureQueriesContext(connection) as queries:
            _catalogue(language)
        counts[language] = len(queries)

    assert counts["zh-hans"] == counts["en"] == counts["tr"]


def test_a_manager_writes_a_reward_in_each_language_in_the_admin(client, manager_user):
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:rewards_reward_add"),
        reward_form(
            name_en="Free muffin", name_zh_hans="免费松饼", name_tr="Bedava kek", description_tr=""
        ),
    )

    assert response.status_code == 302
    reward = Reward.objects.get(slug="free-muffin")
    assert (reward.name_en, reward.name_zh_hans, reward.name_tr) == (
        "Free muffin",
        "免费松饼",
        "Bedava kek",
    )
    assert "免费松饼" in _catalogue("zh-hans")


def test_the_english_name_is_required_the_others_are_not(client, manager_user):
    client.force_login(manager_user)

    response = client.post(reverse("admin:rewards_reward_add"), reward_form(name_en=""))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name_en"]
    assert not Reward.objects.exists()


def test_the_admin_finds_a_reward_by_its_name_in_any_language(client, manager_user):
    make_reward("muffin", name_en="Free muffin", name_tr="Bedava kek")
    make_reward("tea", name_en="Green tea")
    client.force_login(manager_user)

    response = client.get(reverse("admin:rewards_reward_changelist"), {"q": "kek"})

    assert [reward.slug for reward in response.context["cl"].result_list] == ["muffin"]


def test_an_earning_rule_named_in_turkish_shows_on_the_turkish_ways_to_earn():
    rule = base_rule("1")
    rule.name_en, rule.name_tr = "Points on everything", "Her alışverişe puan"
    rule.save()

    def page(language: str) -> str:
        response = Client().get(reverse("ways_to_earn"), HTTP_ACCEPT_LANGUAGE=language)
        return response.content.decode()

    assert '<h2 class="panel__label">Her alışverişe puan</h2>' in page("tr")
    assert '<h2 class="panel__label">Points on everything</h2>' in page("zh-hans")
