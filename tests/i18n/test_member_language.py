"""A member's language: chosen in the footer or the profile, kept across devices, and the one
every email and push message to them is written in, whoever sends it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from engagement.services.reminders import expiry_reminders_queue
from loyalty.models import ExpiryPolicy, OutboxEmail, OutboxPush
from loyalty.platform.languages import SESSION_KEY
from loyalty.platform.webpush import vapid_key_pair_new
from loyalty.services import points_credit, program_settings_get
from members.models import Member
from rewards.codes import voucher_code_format
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.factories import create_customer
from tests.loyalty.test_push import subscribe
from tests.rewards.catalogue import make_reward

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def _html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def _language_cookie(response) -> str | None:
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie.value if cookie else None


# --- pages: the browser's language, the switcher, the profile ------------------------------


@pytest.mark.parametrize(
    ("accept", "language", "heading"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh-hans", "如何使用"),
        ("tr-TR,tr;q=0.9", "tr", "Nasıl çalışır?"),
        ("de-DE,de;q=0.9", "en", "How it works"),
    ],
)
def test_a_first_visit_reads_the_browsers_language_at_the_same_address(accept, language, heading):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert _html_lang(response) == language
    assert f'<h2 id="how-heading">{heading}</h2>' in response.content.decode()


def test_the_switcher_keeps_the_choice_in_this_browser_and_goes_back_to_the_page():
    browser = Client()

    response = browser.post(reverse("language_choose"), {"language": "tr", "next": "/rewards/"})

    assert (response.status_code, response["Location"]) == (302, "/rewards/")
    assert _language_cookie(response) == "tr"
    page = browser.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")  # the choice beats the browser
    assert _html_lang(page) == "tr"


@pytest.mark.parametrize(
    "data",
    [{"language": "de"}, {"language": ""}, {}, {"language": "tr" * 300}],
    ids=["unknown", "empty", "missing", "long"],
)
def test_a_language_the_site_does_not_speak_changes_nothing(customer, data):
    browser = Client()
    browser.force_login(customer.user)

    response = browser.post(reverse("language_choose"), {**data, "next": "/me/"}, follow=True)

    assert response.status_code == 200
    assert "Choose one of the languages in the list." in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in browser.cookies
    customer.refresh_from_db()
    assert customer.language == ""
    assert SESSION_KEY not in browser.session


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_the_switcher_goes_back_only_to_a_page_of_this_site(target):
    response = Client().post(reverse("language_choose"), {"language": "tr", "next": target})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_the_switcher_needs_the_forms_csrf_token():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("language_choose"), {"language": "tr", "next": "/"})

    assert response.status_code == 403
    assert _language_cookie(response) is None


def test_a_member_who_switches_keeps_the_language_on_every_device(customer):
    phone = Client()
    phone.force_login(customer.user)
    phone.post(reverse("language_choose"), {"language": "zh-hans", "next": "/me/"})
    customer.refresh_from_db()
    assert customer.language == "zh-hans"

    laptop = Client()  # another browser: no cookie, an English Accept-Language
    laptop.force_login(customer.user)
    response = laptop.get(reverse("members:dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert _html_lang(response) == "zh-hans"


def test_staff_switch_the_language_of_their_own_browser_only(staff_user):
    browser = Client()
    browser.force_login(staff_user)

    response = browser.post(reverse("language_choose"), {"language": "tr", "next": "/"})

    assert _language_cookie(response) == "tr"
    assert browser.session[SESSION_KEY] == "tr"
    assert not Member.objects.filter(user=staff_user).exists()


def test_the_profile_saves_the_language_and_the_next_page_speaks_it(customer):
    browser = Client()
    browser.force_login(customer.user)
    form = browser.get(reverse("members:profile")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"language": "tr", "reminder_emails": "on"})

    response = browser.post(reverse("members:profile"), data, follow=True)

    customer.refresh_from_db()
    assert customer.language == "tr"
    assert _html_lang(response) == "tr"
    assert "Profiliniz kaydedildi." in response.content.decode()


def test_signing_up_in_turkish_makes_turkish_the_members_language():
    response = Client().post(
        reverse("account_signup"),
        {
            "first_name": "Ayşe",
            "last_name": "Yılmaz",
            "email": "ayse@example.com",
            "password1": "a-long-enough-secret",
            "password2": "a-long-enough-secret",
        },
        HTTP_ACCEPT_LANGUAGE="tr",
    )

    assert response.status_code == 302
    assert Member.objects.get(user__email="ayse@example.com").language == "tr"


# --- messages: written in the member's language, by the worker too --------------------------


def _local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=OSLO)


@pytest.fixture
def oslo(settings, db):
    settings.TIME_ZONE = "Europe/Oslo"
    program = program_settings_get()
    program.expiry_policy, program.expiry_months = ExpiryPolicy.END_OF_MONTH, 1
    program.save()
    return program


def test_a_turkish_members_reminder_is_in_turkish_with_turkish_dates_and_numbers(oslo):
    member = create_customer(email="ayse@example.com", first_name="Ayşe")
    member.language = "tr"
    member.save()
    make_reward("coffee", points_cost=1200, name_en="Coffee", name_tr="Kahve")
    with time_machine.travel(_local("2026-01-15T10:00"), tick=False):
        points_credit(account=member.points_account, points=1500)

    assert expiry_reminders_queue(now=_local("2026-02-22T10:00")) == 1  # the worker's job

    email = OutboxEmail.objects.get(member=member)
    assert email.subject == (
        "1.500 puanınızı 28 Şubat 2026 tarihine kadar kullanın, yoksa kaybedeceksiniz"
    )
    assert email.body_text.startswith(
        "Merhaba Ayşe,\n\n1.500 puanınızı 28 Şubat 2026 tarihine kadar kullanın, yoksa "
        "kaybedeceksiniz: süreleri o günün sonunda doluyor. Toplam 1.500 puanınız var.\n"
    )
    assert "- Kahve: 1.200 puan\n" in email.body_text
    assert '<html lang="tr">' in email.body_html


def test_the_same_reminder_to_an_english_member_stays_english(oslo, customer):
    with time_machine.travel(_local("2026-01-15T10:00"), tick=False):
        points_credit(account=customer.points_account, points=1500)

    expiry_reminders_queue(now=_local("2026-02-22T10:00"))

    email = OutboxEmail.objects.get(member=customer)
    assert email.subject == "Use 1,500 points by Feb. 28, 2026 or lose them"
    assert '<html lang="en">' in email.body_html


@pytest.fixture
def vapid(settings):
    public, private = vapid_key_pair_new()
    settings.LOYALTY_VAPID_PUBLIC_KEY = public
    settings.LOYALTY_VAPID_PRIVATE_KEY = private
    settings.LOYALTY_VAPID_SUBJECT = "mailto:push@example.com"
    settings.LOYALTY_PUSH_ALLOW_HTTP = True


def test_a_voucher_redeemed_from_an_english_page_reaches_a_chinese_member_in_chinese(vapid):
    member = create_customer(email="li@example.com")
    member.language = "zh-hans"
    member.save()
    subscribe(member, "http://127.0.0.1:9/push/li")
    reward = make_reward("coffee", points_cost=100, name_en="Coffee", name_zh_hans="咖啡")
    points_credit(account=member.points_account, points=100)

    redemption = reward_redeem(  # the active language here is English
        member=member, reward=reward, channel=RedemptionChannel.ONLINE, actor=member.user
    )

    email = OutboxEmail.objects.get(member=member)
    push = OutboxPush.objects.get(subscription__member=member)
    assert email.subject == "您的兑换券：咖啡"
    assert (push.title, push.body) == (
        "您的兑换券：咖啡",
        f"请在收银台出示此码：{voucher_code_format(redemption.code)}",
    )
