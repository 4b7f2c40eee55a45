"""Reward images as managers upload them: checked by their content, then re-encoded.

What reaches MEDIA_ROOT is always a PNG or JPEG this module wrote from decoded pixels, never
the uploaded bytes: whatever else an upload carried (EXIF with a location, text chunks, HTML or
script appended to a GIF) is gone. What cannot be decoded as JPEG, PNG, WebP or GIF is
refused: an SVG (which can hold script), a text file named .png, any other format. So are files
over `MAX_BYTES` and images over `MAX_PIXELS`, the latter read from the header before a single
pixel is decoded (a "decompression bomb" is a small file that decodes to a huge image).

Once a reward is saved with its image, `reward_image_renditions_make` measures it, writes smaller
WebP copies beside it (`rewards/renditions/<name>-<width>w.webp`) and keeps their widths on the
reward, so that a page lists them in `srcset` without looking anything up and a phone downloads
the size it shows. (Thumbnail libraries make copies on the page's request and look each one up
in a table or a cache when they draw it; these are made once, when a manager uploads.)
"""

import io
import logging
import warnings
from pathlib import PurePath, PurePosixPath

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
JPEG_QUALITY = 88
# A card on a phone is ~330 CSS px wide (990 device px at 3x); the detail page up to 672.
RENDITION_WIDTHS = (320, 480, 640, 960, 1280)
WEBP_QUALITY = 80

HELP_TEXT = _(
    "JPEG, PNG, WebP or GIF, at most 5 MB and 20 megapixels. It is saved as a PNG (when it has "
    "transparent parts) or a JPEG, without its metadata; an animated GIF keeps its first frame."
)
MESSAGES = {
    "too_big": _("The file is larger than 5 MB. Save it smaller and upload it again."),
    "not_an_image": _(
        "This file is not a JPEG, PNG, WebP or GIF image (an SVG, for one, is not accepted). "
        "Save it in one of those formats and upload it again."
    ),
    "too_many_pixels": _(
        "The image is %(width)d × %(height)d pixels; at most 20 megapixels are accepted. "
        "Scale it down and upload it again."
    ),
    "decompression_bomb": _(
        "The image has far more than 20 megapixels. Scale it down and upload it again."
    ),
    "broken": _("The image could not be read; the file may be damaged. Export it again."),
}


def _refuse(code: str, **params) -> forms.ValidationError:
    return forms.ValidationError(MESSAGES[code], code=code, params=params or None)


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )


def reward_image_reencode(upload: UploadedFile) -> ContentFile:
    """The upload's first frame as a fresh PNG (with transparency) or JPEG, or a
    `ValidationError` saying why it is refused. Reads the upload; writes nothing to storage."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse("too_big")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse("too_big")
    with warnings.catch_warnings():
        # Pillow only warns about a large image; treat it as the refusal it is here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # `formats` keeps every other decoder (SVG has none; EPS would call Ghostscript)
            # from even looking at the bytes.
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise _refuse("too_many_pixels", width=width, height=height)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
                image.seek(0)
                image.load()
                image = ImageOps.exif_transpose(image)
                if _has_transparency(image):
                    pixels, image_format, extension = image.convert("RGBA"), "PNG", "png"
                else:
                    pixels, image_format, extension = image.convert("RGB"), "JPEG", "jpg"
        except forms.ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("decompression_bomb") from None
        except UnidentifiedImageError:
            raise _refuse("not_an_image") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _refuse("broken") from None
    # A new image from the pixels alone: no EXIF, ICC, text chunks or trailing bytes survive.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    output = io.BytesIO()
    if image_format == "PNG":
        clean.save(output, "PNG", optimize=True)
    else:
        clean.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    stem = get_valid_filename(PurePath(upload.name or "image").stem)[:80] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def validate_reward_image(upload: UploadedFile) -> None:
    """A validator: raises `ValidationError` for what `reward_image_reencode` would refuse."""
    reward_image_reencode(upload)


class RewardImageField(forms.ImageField):
    """The reward form's image: a new upload comes out of `clean` as the re-encoded file.

    Django's own ImageField would hand Pillow the upload with every format enabled and keep the
    original bytes; this one decides both itself.
    """

    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return reward_image_reencode(upload)


def rendition_name(image_name: str, width: int) -> str:
    """Where the copy of `image_name` `width` pixels wide is kept in the same storage."""
    path = PurePosixPath(image_name)
    return str(path.parent / "renditions" / f"{path.stem}-{width}w.webp")


def _renditions_write(image_name: str, storage) -> tuple[int, int, list[int]]:
    with storage.open(image_name) as stored, Image.open(stored, formats=ALLOWED_FORMATS) as image:
        image.load()
        widths = [width for width in RENDITION_WIDTHS if width < image.width]
        for width in widths:
            height = max(1, round(image.height * width / image.width))
            smaller = image.resize((width, height), Image.Resampling.LANCZOS)
            output = io.BytesIO()
            smaller.save(output, "WEBP", quality=WEBP_QUALITY, method=6)
            name = rendition_name(image_name, width)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(output.getvalue()))
        return image.width, image.height, widths


def reward_image_renditions_make(*, reward) -> list[int]:
    """Measure the reward's image, write its WebP copies narrower than it, and record both on
    the reward; returns the copies' widths. None for no image, nor for an image narrower than
    320 px, which pages show as it is. A stored file that cannot be read leaves the reward
    unmeasured and without copies (pages then show the image itself, at the card's width); the
    failure is logged, not raised."""
    width = height = None
    widths: list[int] = []
    if reward.image:
        try:
            width, height, widths = _renditions_write(reward.image.name, reward.image.storage)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
            logger.warning("reward %s: no smaller copies of %s: %s", reward.pk, reward.image, error)
    type(reward).objects.filter(pk=reward.pk).update(
        image_width=width, image_height=height, image_renditions=widths
    )
    reward.image_width, reward.image_height, reward.image_renditions = width, height, widths
    return widths
