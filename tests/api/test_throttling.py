"""Rate limits per API key and per member: 429 with `Retry-After`, configurable in settings."""

import pytest
from django.conf import settings
from django.test import override_settings

from tests.api.conftest import url

pytestmark = pytest.mark.django_db


def rates(**scopes: str):
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": scopes}
    )


def test_a_key_past_its_rate_gets_429_with_retry_after(till, other_till, customer):
    path = url("member-detail", card_number=customer.card_number)
    with rates(api_key="2/minute", api_member="100/minute"):
        answers = [till.get(path) for _ in range(3)]
        other = other_till.get(path)

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    throttled = answers[2]
    assert throttled.json()["code"] == "throttled"
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert other.status_code == 200  # limits are per key


def test_a_member_past_the_rate_gets_429(member_session, customer):
    with rates(api_key="100/minute", api_member="1/minute"):
        answers = [member_session.get(url("me")) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 429]
    assert int(answers[1].headers["Retry-After"]) > 0


def test_posts_count_too_and_a_throttled_post_records_nothing(till, customer):
    from loyalty.models import Purchase
    from tests.api.conftest import purchase_body

    with rates(api_key="1/minute", api_member="1/minute"):
        till.get(url("reward-list"))
        response = till.post(url("purchase-create"), purchase_body(customer), format="json")

    assert response.status_code == 429
    assert Purchase.objects.count() == 0


def test_the_default_rates_come_from_settings():
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"api_key", "api_member"}


class _BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = get


def test_with_the_cache_down_requests_are_served_unthrottled(till, customer, monkeypatch):
    from loyalty.api.throttles import ApiKeyRateThrottle

    monkeypatch.setattr(ApiKeyRateThrottle, "cache", _BrokenCache())
    with rates(api_key="1/minute", api_member="1/minute"):
        answers = [
            till.get(url("member-detail", card_number=customer.card_number)) for _ in range(3)
        ]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
