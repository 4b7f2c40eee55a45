"""Reward images as managers upload them: checked by their content, then re-encoded.

What reaches MEDIA_ROOT is always a PNG or JPEG this module wrote from decoded pixels, never
the uploaded bytes: whatever else an upload carried (EXIF with a location, text chunks, HTML or
script appended to a GIF) is gone. What cannot be decoded as JPEG, PNG, WebP or GIF is
refused: an SVG (which can hold script), a text file named .png, any other format. So are files
over `MAX_BYTES` and images over `MAX_PIXELS`, the latter read from the header before a single
pixel is decoded (a "decompression bomb" is a small file that decodes to a huge image).
"""

import io
import warnings
from pathlib import PurePath

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
JPEG_QUALITY = 88

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
        "The image is %(width)d × %(height)d pixels; at most 20 megapixels are accepted. "  # noqa: RUF001
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
