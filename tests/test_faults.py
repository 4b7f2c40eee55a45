"""Faults caused for real: Redis stopped while members earn and redeem."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core import mail
from django.urls import reverse

from loyalty.models import OutboxEmail, OutboxStatus, Purchase
from loyalty.tasks import send_pending_emails
from rewards.models import Redemption
from tests.loyalty.points import base_rule, state
from tests.rewards.catalogue import give_points, make_reward

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A Redis of the test's own on a free local port, which the test stops and starts."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a local server binary, fixed arguments
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def redis_down(settings):
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "loyalty.platform.cache.FailOpenRedisCache",  # as in production
            "LOCATION": server.url,
        }
    }
    settings.CELERY_BROKER_URL = server.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    server.stop()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.mark.django_db
def test_purchases_and_redemptions_succeed_with_redis_down_and_emails_follow(
    client, redis_down, customer, staff_user, store
):
    base_rule("1")
    give_points(customer, 100)
    reward = make_reward(points_cost=50)

    client.force_login(staff_user)
    recorded = client.post(
        reverse("staff_points:purchase_new", args=[customer.card_number]),
        {
            "receipt_key": "desk-" + "f" * 32,
            "receipt_number": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50",
            "lines-0-description": "Coffee beans",
            "lines-0-category": "",
            "lines-0-quantity": "1",
            "lines-0-amount": "25.00",
        },
    )
    client.force_login(customer.user)
    page = client.get(reverse("rewards:detail", args=[reward.slug]))
    redeemed = client.post(
        reverse("rewards:detail", args=[reward.slug]),
        {"steps": "1", "request_key": page.context["form"].initial["request_key"]},
    )

    assert recorded.status_code == 302
    assert redeemed.status_code == 302
    assert Purchase.objects.get().points == 25
    assert Redemption.objects.count() == 1
    assert state(customer)[0] == 100 + 25 - 50
    assert list(OutboxEmail.objects.values_list("status", flat=True)) == [OutboxStatus.PENDING]

    redis_down.start()
    assert send_pending_emails.apply().get() == 1
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_members_sign_in_and_reset_their_password_with_redis_down(
    client, redis_down, customer, caplog
):
    """allauth keeps its rate limits in the cache; the cache fails open instead of a 500."""
    customer.user.set_password("a-long-demo-password")
    customer.user.save()
    mail.outbox.clear()

    signed_in = client.post(
        reverse("account_login"),
        {"login": customer.user.email, "password": "a-long-demo-password"},
    )
    client.logout()
    reset = client.post(reverse("account_reset_password"), {"email": customer.user.email})

    assert signed_in.status_code == 302
    assert signed_in.url == reverse("members:dashboard")
    assert reset.status_code == 302
    assert [message.to for message in mail.outbox] == [[customer.user.email]]
    assert any("Redis does not answer" in record.getMessage() for record in caplog.records)


def test_the_fail_open_cache_misses_drops_and_lets_through_when_redis_is_down():
    from loyalty.platform.cache import FailOpenRedisCache

    server = PrivateRedis()
    server.start()
    server.stop()
    down = FailOpenRedisCache(server.url, {})

    assert down.get("k", "default") == "default"
    assert down.get_many(["k"]) == {}
    assert down.has_key("k") is False
    assert down.set("k", 1) is None
    assert down.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert down.add("lock", True) is True  # a lock kept in the cache lets the request through
    assert down.touch("k") is False
    assert down.delete("k") is False
    assert down.delete_many(["k"]) is None
