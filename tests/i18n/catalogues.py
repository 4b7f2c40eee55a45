"""The project's translation catalogues, read with Babel (the tests of tests/i18n/)."""

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def translated_languages() -> list[str]:
    """Every language but the source one: they all need a complete catalogue."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.po"


@cache
def catalogue(language: str):
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=to_locale(language))


def english_msgids(language: str) -> set[str]:
    """The English text of every message whose translation into `language` differs from it
    (so "API", or "Bonus" in Turkish, written alike, never counts as English left)."""
    texts = set()
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts.update(text for text in ids if text not in strings)
    return texts
