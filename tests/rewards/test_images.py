"""Reward images: checked by content, limited in bytes and pixels, re-encoded without metadata.

Every file here is made by the test: real images by Pillow, the hostile ones by hand.
"""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rewards.images import MAX_BYTES, RewardImageField, reward_image_reencode
from rewards.models import Reward
from tests.rewards.test_admin import reward_form

GPS_IFD = 0x8825
EXIF_MAKE = 0x010F


def _image_bytes(image: Image.Image, image_format: str, **save_options) -> bytes:
    output = io.BytesIO()
    image.save(output, image_format, **save_options)
    return output.getvalue()


def _upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _photo_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[EXIF_MAKE] = "PhoneCam"
    exif.get_ifd(GPS_IFD)[2] = (52.0, 22.0, 1.0)  # GPSLatitude: where the photo was taken
    return _image_bytes(image, "JPEG", exif=exif.tobytes(), quality=90)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` (1-bit grey) and holds one empty row: cheap to
    make, and what a decompression bomb looks like before decoding."""  # noqa: RUF002
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + _png_chunk(b"IEND", b"")
    )


def _decoded(content) -> Image.Image:
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


# --- what is accepted, and how it comes out ----------------------------------------------


def test_a_photo_comes_out_as_a_jpeg_without_its_exif():
    data = _photo_with_exif()
    assert Image.open(io.BytesIO(data)).getexif()[EXIF_MAKE] == "PhoneCam"  # the input has it

    clean = reward_image_reencode(_upload("Holiday Photo.jpeg", data, "image/jpeg"))

    assert clean.name == "Holiday_Photo.jpg"
    image = _decoded(clean)
    assert (image.format, image.size, image.mode) == ("JPEG", (64, 48), "RGB")
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert b"PhoneCam" not in clean.open().read()


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    image = Image.new("RGB", (60, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    data = _image_bytes(image, "JPEG", exif=exif.tobytes())

    clean = _decoded(reward_image_reencode(_upload("rotated.jpg", data, "image/jpeg")))

    assert clean.size == (20, 60)


def test_a_transparent_png_stays_a_png_without_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGBA", (32, 32), (0, 128, 0, 0))
    image.putpixel((5, 5), (0, 128, 0, 255))
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    data = _image_bytes(image, "PNG", pnginfo=info)

    clean = reward_image_reencode(_upload("badge.png", data))

    assert clean.name == "badge.png"
    raw = clean.read()
    assert b"<script" not in raw
    decoded = Image.open(io.BytesIO(raw))
    assert (decoded.format, decoded.mode, decoded.size) == ("PNG", "RGBA", (32, 32))
    assert decoded.getpixel((5, 5)) == (0, 128, 0, 255)
    assert decoded.getpixel((0, 0))[3] == 0
    assert "Comment" not in decoded.info


@pytest.mark.parametrize(
    ("image_format", "mode", "expected"),
    [("WEBP", "RGB", "JPEG"), ("WEBP", "RGBA", "PNG"), ("GIF", "P", "JPEG"), ("PNG", "L", "JPEG")],
)
def test_each_accepted_format_is_re_encoded(image_format, mode, expected):
    data = _image_bytes(Image.new(mode, (16, 16)), image_format)

    clean = _decoded(reward_image_reencode(_upload(f"x.{image_format.lower()}", data)))

    assert (clean.format, clean.size) == (expected, (16, 16))


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (10, 10), colour) for colour in [(255, 0, 0), (0, 0, 255)]]
    output = io.BytesIO()
    frames[0].save(output, "GIF", save_all=True, append_images=frames[1:])

    clean = _decoded(reward_image_reencode(_upload("blink.gif", output.getvalue(), "image/gif")))

    red, _green, blue = clean.convert("RGB").getpixel((5, 5))
    assert red > 200  # the red first frame, give or take JPEG's rounding
    assert blue < 50
    assert getattr(clean, "n_frames", 1) == 1


# --- what is refused, or neutralised -------------------------------------------------------


def _refusal(upload) -> forms.ValidationError:
    with pytest.raises(forms.ValidationError) as caught:
        reward_image_reencode(upload)
    return caught.value


def test_an_svg_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
    )

    error = _refusal(_upload("logo.svg", svg, "image/svg+xml"))

    assert error.code == "not_an_image"


def test_an_svg_named_png_is_refused():
    error = _refusal(_upload("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>'))

    assert error.code == "not_an_image"


def test_a_text_file_renamed_png_is_refused():
    error = _refusal(_upload("notes.png", b"Just some text, not an image at all.\n"))

    assert error.code == "not_an_image"
    assert "not a JPEG, PNG, WebP or GIF image" in error.messages[0]


def test_other_image_formats_are_refused():
    data = _image_bytes(Image.new("RGB", (8, 8)), "BMP")

    assert _refusal(_upload("old.bmp", data, "image/bmp")).code == "not_an_image"


def test_html_appended_to_a_gif_does_not_survive_the_re_encode():
    """A GIF that is also an HTML page (a polyglot): what is saved is only the picture."""
    gif = _image_bytes(Image.new("P", (12, 12), 3), "GIF")
    polyglot = gif + b"<html><script>alert(document.domain)</script></html>"
    assert Image.open(io.BytesIO(polyglot)).format == "GIF"  # browsers and Pillow accept it

    clean = reward_image_reencode(_upload("polyglot.gif", polyglot, "image/gif"))

    raw = clean.read()
    assert b"<script" not in raw
    assert b"<html" not in raw
    assert Image.open(io.BytesIO(raw)).format == "JPEG"


def test_html_in_a_jpeg_comment_does_not_survive_the_re_encode():
    image = Image.new("RGB", (12, 12), (9, 9, 9))
    data = _image_bytes(image, "JPEG", comment=b"<script>alert(1)</script>")
    assert b"<script>" in data

    assert b"<script" not in reward_image_reencode(_upload("c.jpg", data, "image/jpeg")).read()


def test_a_truncated_image_is_refused():
    data = _image_bytes(Image.new("RGB", (200, 200), (1, 2, 3)), "PNG")

    assert _refusal(_upload("cut.png", data[: len(data) // 2])).code == "broken"


def test_a_file_over_5_mb_is_refused_before_it_is_decoded():
    data = _png_header_only(10, 10) + b"\x00" * MAX_BYTES

    error = _refusal(_upload("big.png", data))

    assert error.code == "too_big"


def test_an_image_over_20_megapixels_is_refused():
    data = _image_bytes(Image.new("1", (5000, 4001)), "PNG")  # 20,005,000 pixels, a few KB
    assert len(data) < 100_000

    error = _refusal(_upload("huge.png", data))

    assert error.code == "too_many_pixels"
    assert "5000 × 4001 pixels" in error.messages[0]


def test_an_image_of_exactly_20_megapixels_is_accepted():
    data = _image_bytes(Image.new("1", (5000, 4000)), "PNG")

    assert _decoded(reward_image_reencode(_upload("edge.png", data))).size == (5000, 4000)


@pytest.mark.parametrize(
    "size",
    [(10_000, 10_000), (30_000, 30_000)],  # above Pillow's warning, and above its hard limit
    ids=["100-megapixels", "900-megapixels"],
)
def test_a_decompression_bomb_is_refused_from_its_header(size):
    error = _refusal(_upload("bomb.png", _png_header_only(*size)))

    assert error.code in {"too_many_pixels", "decompression_bomb"}


# --- the admin form --------------------------------------------------------------------------


def test_the_form_field_returns_the_re_encoded_file():
    field = RewardImageField(required=False)

    cleaned = field.clean(_upload("p.jpg", _photo_with_exif(), "image/jpeg"))

    assert cleaned.name == "p.jpg"
    assert b"PhoneCam" not in cleaned.read()
    assert field.widget.attrs["accept"] == "image/jpeg,image/png,image/webp,image/gif"


@pytest.mark.django_db
def test_a_manager_uploads_a_reward_image_and_the_clean_copy_is_saved(
    client, manager_user, media_root
):
    client.force_login(manager_user)
    upload = _upload("Muffin.jpeg", _photo_with_exif(), "image/jpeg")

    response = client.post(reverse("admin:rewards_reward_add"), {**reward_form(), "image": upload})

    assert response.status_code == 302
    reward = Reward.objects.get(slug="free-muffin")
    assert reward.image.name == "rewards/Muffin.jpg"
    saved = (media_root / reward.image.name).read_bytes()
    assert b"PhoneCam" not in saved
    assert Image.open(io.BytesIO(saved)).format == "JPEG"


@pytest.mark.django_db
def test_the_admin_refuses_an_svg_and_saves_nothing(client, manager_user, media_root):
    client.force_login(manager_user)
    upload = _upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml")

    response = client.post(reverse("admin:rewards_reward_add"), {**reward_form(), "image": upload})

    assert response.status_code == 200
    assert "not a JPEG, PNG, WebP or GIF image" in response.content.decode()
    assert not Reward.objects.exists()
    assert list(media_root.rglob("*")) == []
