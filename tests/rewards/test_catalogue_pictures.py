"""The catalogue's pictures in the sizes a screen needs, and its categories."""

import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from rewards.images import reward_image_renditions_make
from rewards.models import Reward, RewardCategory
from tests.rewards.catalogue import give_points, make_reward
from tests.rewards.test_admin import reward_form


def _jpeg(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), "#cfe3dc").save(output, "JPEG")
    return output.getvalue()


def _with_image(reward: Reward, width: int, height: int) -> Reward:
    reward.image.save("cup.jpg", ContentFile(_jpeg(width, height), name="cup.jpg"))
    return reward


def _img_tag(html: str, slug: str) -> str:
    card = html[html.index(f'data-testid="reward-{slug}"') :]
    return card[card.index("<img") : card.index(">", card.index("<img")) + 1]


# --- the copies ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_copies_are_webp_at_each_width_narrower_than_the_image(media_root):
    reward = _with_image(make_reward("free-coffee"), 1000, 750)

    widths = reward_image_renditions_make(reward=reward)

    assert widths == [320, 480, 640, 960]
    reward.refresh_from_db()
    assert (reward.image_width, reward.image_height, reward.image_renditions) == (
        1000,
        750,
        [320, 480, 640, 960],
    )
    sizes = {}
    for width in widths:
        with Image.open(media_root / f"rewards/renditions/cup-{width}w.webp") as copy:
            sizes[width] = (copy.format, copy.size)
    assert sizes == {
        320: ("WEBP", (320, 240)),
        480: ("WEBP", (480, 360)),
        640: ("WEBP", (640, 480)),
        960: ("WEBP", (960, 720)),
    }


@pytest.mark.django_db
def test_making_the_copies_again_replaces_them_in_place(media_root):
    reward = _with_image(make_reward("free-coffee"), 700, 350)
    reward_image_renditions_make(reward=reward)

    assert reward_image_renditions_make(reward=reward) == [320, 480, 640]

    assert sorted(p.name for p in (media_root / "rewards/renditions").iterdir()) == [
        "cup-320w.webp",
        "cup-480w.webp",
        "cup-640w.webp",
    ]


@pytest.mark.django_db
def test_a_small_image_gets_no_copies_and_is_shown_as_it_is(client, media_root):
    reward = _with_image(make_reward("free-coffee"), 200, 150)

    assert reward_image_renditions_make(reward=reward) == []

    tag = _img_tag(client.get(reverse("rewards:list")).content.decode(), "free-coffee")
    assert tag == (
        f'<img src="/media/{reward.image.name}" class="reward-card__image" alt="" '
        'width="200" height="150" loading="lazy" decoding="async">'
    )


@pytest.mark.django_db
def test_a_missing_file_leaves_the_reward_without_copies_and_says_so(media_root, caplog):
    reward = _with_image(make_reward("free-coffee"), 1000, 750)
    reward_image_renditions_make(reward=reward)
    (media_root / reward.image.name).unlink()

    with caplog.at_level(logging.WARNING, logger="rewards.images"):
        assert reward_image_renditions_make(reward=reward) == []

    reward.refresh_from_db()
    assert reward.image_renditions == []
    assert f"reward {reward.pk}: no smaller copies of rewards/cup.jpg" in caplog.text


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_lists_the_copies_for_the_card_width(client, media_root):
    reward = _with_image(make_reward("free-coffee"), 1000, 750)
    reward_image_renditions_make(reward=reward)

    tag = _img_tag(client.get(reverse("rewards:list")).content.decode(), "free-coffee")

    copies = ", ".join(
        f"/media/rewards/renditions/cup-{width}w.webp {width}w" for width in (320, 480, 640, 960)
    )
    assert tag == (
        '<img src="/media/rewards/cup.jpg" class="reward-card__image" alt="" '
        f'srcset="{copies}" sizes="(min-width: 40rem) 19rem, calc(100vw - 4rem)" '
        'width="1000" height="750" loading="lazy" decoding="async">'
    )


@pytest.mark.django_db
def test_the_reward_page_loads_its_picture_first_not_lazily(client, media_root):
    reward = _with_image(make_reward("free-coffee"), 1000, 750)
    reward_image_renditions_make(reward=reward)

    html = client.get(reverse("rewards:detail", args=["free-coffee"])).content.decode()

    tag = html[html.index('<img src="/media/') :]
    tag = tag[: tag.index(">") + 1]
    assert 'class="reward-detail__image"' in tag
    assert 'sizes="(min-width: 44rem) 40rem, calc(100vw - 4rem)"' in tag
    assert 'fetchpriority="high"' in tag
    assert "loading=" not in tag


@pytest.mark.django_db
def test_a_reward_without_an_image_draws_no_img(client):
    make_reward("free-coffee")

    html = client.get(reverse("rewards:list")).content.decode()

    card = html[html.index('data-testid="reward-free-coffee"') :]
    assert "<img" not in card[: card.index("</li>")]


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_managers_upload_is_measured_and_copied(client, manager_user, media_root):
    client.force_login(manager_user)
    upload = SimpleUploadedFile("Muffin.jpg", _jpeg(1200, 900), content_type="image/jpeg")

    response = client.post(reverse("admin:rewards_reward_add"), {**reward_form(), "image": upload})

    assert response.status_code == 302
    reward = Reward.objects.get(slug="free-muffin")
    assert (reward.image_width, reward.image_height) == (1200, 900)
    assert reward.image_renditions == [320, 480, 640, 960]
    assert (media_root / "rewards/renditions/Muffin-960w.webp").exists()


@pytest.mark.django_db
def test_clearing_the_image_in_the_admin_drops_the_copies(client, manager_user, media_root):
    reward = _with_image(make_reward("free-muffin", points_cost=120), 1000, 750)
    reward_image_renditions_make(reward=reward)
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:rewards_reward_change", args=[reward.pk]),
        {**reward_form(), "image-clear": "on"},
    )

    assert response.status_code == 302
    reward.refresh_from_db()
    assert (reward.image.name, reward.image_renditions) == ("", [])
    assert (reward.image_width, reward.image_height) == (None, None)


@pytest.mark.django_db
def test_reward_images_measures_and_copies_what_was_uploaded_before(media_root):
    reward = _with_image(make_reward("free-coffee"), 700, 525)
    Reward.objects.filter(pk=reward.pk).update(image_width=None, image_height=None)
    out = io.StringIO()

    call_command("reward_images", stdout=out)

    reward.refresh_from_db()
    assert (reward.image_width, reward.image_height) == (700, 525)
    assert reward.image_renditions == [320, 480, 640]
    assert out.getvalue().splitlines() == [
        "Free Coffee: 700 × 525, copies 320, 480, 640",
        "3 copies made.",
    ]


# --- categories ------------------------------------------------------------------------------


@pytest.fixture
def shelves(db):
    drinks = RewardCategory.objects.create(slug="drinks", name="Drinks", display_order=1)
    days_out = RewardCategory.objects.create(slug="days-out", name="Days out", display_order=0)
    RewardCategory.objects.create(slug="empty", name="Empty shelf")
    retired = RewardCategory.objects.create(slug="retired", name="Retired")
    make_reward("free-coffee", points_cost=50, category=drinks)
    make_reward("free-tea", points_cost=500, category=drinks)
    make_reward("tasting", points_cost=80, category=days_out)
    make_reward("old-mug", points_cost=10, category=retired, is_active=False)
    make_reward("tote-bag", points_cost=60)
    return {"drinks": drinks, "days-out": days_out}


def _shown(response) -> list[str]:
    return [item.reward.slug for item in response.context["items"]]


@pytest.mark.django_db
def test_the_filter_offers_only_categories_with_rewards_to_see(client, shelves):
    response = client.get(reverse("rewards:list"))

    assert [shelf.slug for shelf in response.context["categories"]] == ["days-out", "drinks"]
    html = response.content.decode()
    assert '<a class="chip" href="?category=drinks">Drinks</a>' in html
    assert '<a class="chip" href="" aria-current="page">All rewards</a>' in html
    assert "Empty shelf" not in html
    assert "Retired" not in html


@pytest.mark.django_db
def test_a_category_shows_its_rewards_only(client, shelves):
    response = client.get(reverse("rewards:list"), {"category": "drinks"})

    assert _shown(response) == ["free-coffee", "free-tea"]
    html = response.content.decode()
    assert '<a class="chip" href="?category=drinks" aria-current="page">Drinks</a>' in html
    assert '<a class="chip" href="" aria-current="page">' not in html


@pytest.mark.django_db
def test_a_category_and_i_can_afford_combine(client, customer, shelves):
    give_points(customer, 100)
    client.force_login(customer.user)

    response = client.get(reverse("rewards:list"), {"category": "drinks", "affordable": "1"})

    assert _shown(response) == ["free-coffee"]
    html = response.content.decode()
    assert '<input type="hidden" name="category" value="drinks">' in html
    assert '<a class="chip" href="?category=days-out&amp;affordable=1">Days out</a>' in html


@pytest.mark.django_db
def test_nothing_affordable_in_a_category_says_so(client, customer, shelves):
    give_points(customer, 10)
    client.force_login(customer.user)

    response = client.get(reverse("rewards:list"), {"category": "drinks", "affordable": "1"})

    assert _shown(response) == []
    assert "Nothing in Drinks you can afford yet. Keep collecting!" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["retired", "empty", "no-such-thing", "<b>"])
def test_a_category_that_shows_nothing_any_more_shows_everything_and_says_so(
    client, shelves, asked
):
    response = client.get(reverse("rewards:list"), {"category": asked})

    assert response.status_code == 200
    assert _shown(response) == ["free-coffee", "tote-bag", "tasting", "free-tea"]
    assert (
        "That category is not in the catalogue any more, so here are all the rewards."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_the_demo_catalogue_has_pictures_and_categories(media_root):
    call_command("seed_demo")

    rewards = Reward.objects.order_by("display_order")
    assert {(r.image_width, r.image_height, tuple(r.image_renditions)) for r in rewards} == {
        (960, 720, (320, 480, 640))
    }
    assert rewards.count() == 10
    assert list(RewardCategory.objects.values_list("name", flat=True)) == [
        "Food and drink",
        "Money off",
        "Experiences",
        "Goods and giving",
    ]
    assert not rewards.filter(category=None).exists()
