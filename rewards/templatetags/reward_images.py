"""`{% reward_image reward sizes=... %}`: a reward's picture in the size the screen needs."""

from django import template
from django.utils.html import format_html, format_html_join

from rewards.images import rendition_name

register = template.Library()


@register.simple_tag
def reward_image(reward, *, sizes: str, css_class: str, lazy: bool = True) -> str:
    """An `<img>` for the reward's image with its WebP copies in `srcset` (rewards/images.py),
    its intrinsic size (so nothing moves when it arrives) and no alternative text: the reward's
    name is next to it. Nothing when the reward has no image."""
    if not reward.image:
        return ""
    storage = reward.image.storage
    srcset = ", ".join(
        f"{storage.url(rendition_name(reward.image.name, width))} {width}w"
        for width in reward.image_renditions or []
    )
    attributes = [("src", reward.image.url), ("class", css_class), ("alt", "")]
    if srcset:
        attributes += [("srcset", srcset), ("sizes", sizes)]
    if reward.image_width and reward.image_height:
        attributes += [("width", reward.image_width), ("height", reward.image_height)]
    attributes += [("loading", "lazy")] if lazy else [("fetchpriority", "high")]
    attributes += [("decoding", "async")]
    return format_html(
        "<img {}>", format_html_join(" ", '{}="{}"', ((name, value) for name, value in attributes))
    )
