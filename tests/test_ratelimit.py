"""Rate limits: allauth's on sign-in, backed by the shared cache; the admin's log-in; staff desk
member lookups and voucher checks per user, each refusal a 429 page and a log line."""

import datetime
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from loyalty.platform import ratelimit
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.factories import PASSWORD, create_staff
from tests.loyalty.test_settings import PRODUCTION_ENV
from tests.rewards.catalogue import give_points, make_reward

ROOT = Path(__file__).resolve().parent.parent
START = datetime.datetime(2026, 3, 2, 9, 0, 0, tzinfo=datetime.UTC)  # on a window boundary
ADMIN_LOGIN = reverse("admin:login")
DESK = reverse("staff:desk")
VOUCHERS = reverse("staff_rewards:vouchers")
VOUCHER_USE = reverse("staff_rewards:voucher_use")

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "loyalty.platform.ratelimit" and record.levelno == logging.WARNING
    ]


# --- the counter ----------------------------------------------------------------------------


def test_a_limit_counts_per_identity_within_its_window():
    limit = ratelimit.Limit(name="test", count=2, period=60)
    start = 1_800_000_000.0  # a multiple of 60: a window starts here

    counts = [ratelimit.hit(limit, "a", now=start + second) for second in (0, 10, 59)]

    assert counts == [1, 2, 3]
    assert ratelimit.hit(limit, "b", now=start + 59) == 1
    assert ratelimit.hit(limit, "a", now=start + 60) == 1  # the next window
    assert ratelimit.retry_after(limit, now=start + 45) == 15


def test_identities_need_no_cache_safe_characters():
    limit = ratelimit.Limit(name="test", count=1, period=60)

    assert ratelimit.hit(limit, "user:ä b\n\x00@example.com") == 1
    assert ratelimit.hits(limit, "user:ä b\n\x00@example.com") == 1


# --- allauth, on the shared cache ---------------------------------------------------------


def test_allauth_refuses_a_sixth_failed_log_in_for_one_email_and_the_count_is_in_the_cache(
    client, customer
):
    login = reverse("account_login")
    for _attempt in range(5):
        failed = client.post(login, {"login": "alice@example.com", "password": "wrong-guess"})
        assert failed.status_code == 200

    refused = client.post(login, {"login": "alice@example.com", "password": PASSWORD})

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()  # the counters live in the default cache, nowhere else
    assert client.post(login, {"login": "alice@example.com", "password": PASSWORD}).status_code == (
        302
    )


def _cache_backend(settings_module: str, extra_env: dict[str, str]) -> str:
    script = (
        "import django; django.setup(); from django.core.cache import caches; "
        "cache = caches['default']; print(type(cache).__name__, cache._servers[0])"
    )
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION_ENV, "REDIS_URL", "CACHE_REDIS_URL"}
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": settings_module, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("settings_module", "extra_env"),
    [
        ("loyalty.settings.production", PRODUCTION_ENV),
        ("loyalty.settings.test", {"REDIS_URL": "redis://127.0.0.1:6379/0"}),
        ("loyalty.settings.local", {"REDIS_URL": "redis://127.0.0.1:6379/0"}),
    ],
)
def test_with_redis_configured_the_rate_limits_count_in_redis(settings_module, extra_env):
    """allauth and loyalty/ratelimit.py count in the default cache: Redis once REDIS_URL is set
    (production refuses to start without it)."""
    expected = "FailOpenRedisCache redis://127.0.0.1:6379/0"
    assert _cache_backend(settings_module, extra_env) == expected


# --- the admin's log-in ---------------------------------------------------------------------


def _admin_login(client, username: str, typed: str = "wrong-guess", ip: str = "203.0.113.7"):
    return client.post(ADMIN_LOGIN, {"username": username, "password": typed}, REMOTE_ADDR=ip)


def test_the_admin_log_in_refuses_a_sixth_attempt_after_five_failures(
    client, manager_user, clock, caplog
):
    failures = [_admin_login(client, "manager@example.com").status_code for _ in range(5)]

    refused = _admin_login(client, "manager@example.com", PASSWORD)

    assert failures == [200] * 5
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert "Too many failed log-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert _warnings(caplog) == [
        "Rate limit: admin log-in refused for 'manager@example.com' from 203.0.113.7 "
        "(too many failed attempts)"
    ]


def test_the_admin_limit_counts_per_address_across_emails(client, manager_user, clock):
    for number in range(5):
        _admin_login(client, f"guess{number}@example.com")

    assert _admin_login(client, "manager@example.com", PASSWORD).status_code == 429
    # Another address may still sign in.
    assert _admin_login(client, "manager@example.com", PASSWORD, ip="198.51.100.2").status_code == (
        302
    )


def test_the_admin_limit_counts_per_email_across_addresses(client, manager_user, clock):
    for number in range(5):
        _admin_login(client, "Manager@Example.com ", ip=f"198.51.100.{number + 10}")

    refused = _admin_login(client, "manager@example.com", PASSWORD, ip="192.0.2.99")

    assert refused.status_code == 429


def test_the_admin_log_in_opens_again_after_five_minutes(client, manager_user, clock):
    for _attempt in range(5):
        _admin_login(client, "manager@example.com")
    assert _admin_login(client, "manager@example.com", PASSWORD).status_code == 429

    clock.shift(datetime.timedelta(minutes=5))

    assert _admin_login(client, "manager@example.com", PASSWORD).status_code == 302


def test_a_successful_admin_log_in_clears_the_emails_count_not_the_addresss(
    client, manager_user, clock
):
    for _attempt in range(4):
        _admin_login(client, "manager@example.com")

    assert _admin_login(client, "manager@example.com", PASSWORD).status_code == 302

    identity_user = "user:manager@example.com"
    identity_ip = "ip:203.0.113.7"
    assert ratelimit.hits(ratelimit.ADMIN_LOGIN_FAILURES, identity_user) == 0
    assert ratelimit.hits(ratelimit.ADMIN_LOGIN_FAILURES, identity_ip) == 4


def test_showing_the_admin_log_in_form_is_never_limited(client, clock):
    for _attempt in range(5):
        _admin_login(client, "someone@example.com")

    assert client.get(ADMIN_LOGIN, REMOTE_ADDR="203.0.113.7").status_code == 200


# --- staff desk lookups ---------------------------------------------------------------------


def test_the_31st_member_search_in_a_minute_is_refused_and_logged(
    client, staff_user, customer, clock, caplog
):
    client.force_login(staff_user)
    answers = [
        client.get(DESK, {"q": f"nobody{number}@example.com"}).status_code for number in range(30)
    ]

    refused = client.get(DESK, {"q": "alice@example.com"})

    assert answers == [200] * 30
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    page = refused.content.decode()
    assert "Too many lookups in a short time: 30 a minute is the most." in page
    assert "alice@example.com" not in page.split("<main")[1]
    assert _warnings(caplog) == [
        f"Rate limit: member search refused for user {staff_user.pk} (staff@example.com) "
        "from 127.0.0.1: 31 lookups this minute"
    ]


def test_the_lookup_limit_is_per_user_and_per_minute(client, staff_user, store, customer, clock):
    colleague = create_staff(email="colleague@example.com", store=store)
    client.force_login(staff_user)
    for number in range(31):
        client.get(DESK, {"q": f"nobody{number}@example.com"})

    client.force_login(colleague)
    assert client.get(DESK, {"q": "alice@example.com"}).status_code == 302

    client.force_login(staff_user)
    clock.shift(datetime.timedelta(minutes=1))
    assert client.get(DESK, {"q": "alice@example.com"}).status_code == 302


def test_the_empty_desk_is_not_a_lookup(client, staff_user, clock):
    client.force_login(staff_user)

    answers = {client.get(DESK).status_code for _ in range(40)}

    assert answers == {200}


def test_guessing_card_numbers_in_the_address_bar_is_limited_too(
    client, staff_user, customer, clock, caplog
):
    client.force_login(staff_user)
    # A member's pages cost nothing when the member exists.
    for _visit in range(40):
        assert client.get(reverse("staff:member", args=[customer.card_number])).status_code == 200

    misses = [
        client.get(reverse("staff:member", args=[f"9{number:011d}"])).status_code
        for number in range(31)
    ]

    assert misses == [404] * 30 + [429]
    # Over the limit, a real card number is refused too: a refusal must not tell them apart.
    for name in ("staff:member", "staff_points:adjust", "staff_rewards:redeem"):
        assert client.get(reverse(name, args=[customer.card_number])).status_code == 429
    assert "member page refused" in _warnings(caplog)[0]


def _voucher(customer, store):
    give_points(customer, 500)
    return reward_redeem(
        member=customer, reward=make_reward(), channel=RedemptionChannel.ONLINE, store=store
    )


def test_the_31st_voucher_check_in_a_minute_is_refused_and_logged(
    client, staff_user, customer, store, clock, caplog
):
    voucher = _voucher(customer, store)
    client.force_login(staff_user)
    answers = [client.get(VOUCHERS, {"code": "K7QXM3HD9P"}).status_code for _ in range(30)]

    refused = client.get(VOUCHERS, {"code": voucher.code})

    assert answers == [200] * 30
    assert refused.status_code == 429
    assert voucher.code not in refused.content.decode()
    assert "voucher check refused" in _warnings(caplog)[0]


def test_the_voucher_box_without_a_code_is_not_a_lookup(client, staff_user, clock):
    client.force_login(staff_user)

    assert {client.get(VOUCHERS).status_code for _ in range(40)} == {200}


def test_using_unknown_voucher_codes_counts_as_lookups(client, staff_user, customer, store, clock):
    voucher = _voucher(customer, store)
    client.force_login(staff_user)
    answers = [client.post(VOUCHER_USE, {"code": "K7QXM3HD9P"}).status_code for _ in range(31)]

    over = client.post(VOUCHER_USE, {"code": voucher.code})

    assert answers == [200] * 30 + [429]
    assert over.status_code == 429
    voucher.refresh_from_db()
    assert voucher.fulfilled_at is None  # refused, so nothing was used


# --- with the cache down --------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The default cache is a Redis that does not answer (nothing listens on its port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


def test_with_the_cache_down_the_desk_and_the_admin_log_in_keep_working(
    client, staff_user, manager_user, customer, cache_down, caplog
):
    """Limits fail open: a Redis outage must not close the counter; it is logged."""
    client.force_login(staff_user)
    searches = {client.get(DESK, {"q": "alice@example.com"}).status_code for _ in range(35)}
    member_page = client.get(reverse("staff:member", args=[customer.card_number]))
    client.logout()
    admin_attempts = [_admin_login(client, "manager@example.com").status_code for _ in range(6)]

    assert searches == {302}
    assert member_page.status_code == 200
    assert admin_attempts == [200] * 6
    assert any("the cache did not answer" in message for message in _warnings(caplog))
