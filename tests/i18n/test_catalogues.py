"""Every language's catalogue is whole: each msgid of the code translated, none fuzzy, none
missing, and compiled without an error (the Makefile's `translations` runs before the suite)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from tests.i18n.catalogues import catalogue, catalogue_path, translated_languages

LANGUAGES = translated_languages()
# Python's placeholders and the HTML of a message: a translation keeps every one of them.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sdf]|\{[a-z_0-9]*\}|<[a-z/][^>]*>")


def _forms(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return ids, strings


def test_the_site_offers_english_chinese_and_turkish():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "zh-hans", "tr"]
    assert LANGUAGES == ["zh-hans", "tr"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated, fuzzy = [], []
    for message in catalogue(language):
        if not message.id:
            continue
        ids, strings = _forms(message)
        if message.fuzzy:
            fuzzy.append(ids[0])
        if not all(strings):
            untranslated.append(ids[0])

    assert (untranslated, fuzzy) == ([], []), (
        f"{catalogue_path(language)}: translate these (and remove '#, fuzzy')"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language):
    broken = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids, strings = _forms(message)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            # A singular may leave out its count ("one point" needs no number).
            if set(PLACEHOLDER.findall(string)) != wanted and not (
                len(ids) > 1 and set(PLACEHOLDER.findall(string)) < wanted
            ):
                broken.append(ids[0])

    assert broken == []


def test_chinese_has_one_plural_form_and_turkish_two():
    assert catalogue("zh-hans").num_plurals == 1
    assert catalogue("tr").num_plurals == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_one_django_reads(language):
    """The .mo is built from the .po (`make translations`): a translation of the catalogue
    reaches Django. An outdated .mo would answer with another string or with English."""
    message = next(m for m in catalogue(language) if m.id == "Your profile is saved.")

    with translation.override(language):
        assert translation.gettext("Your profile is saved.") == message.string


def test_chinese_has_no_spaces_between_words():
    spaced = [
        m.id
        for m in catalogue("zh-hans")
        if m.id and any(re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", s) for s in _forms(m)[1])
    ]

    assert spaced == []


def test_every_msgid_of_the_code_is_in_each_catalogue(tmp_path):
    """`make messages` was run after the text last changed: extracting the code again, into a
    copy of the project, finds no msgid the committed catalogues lack, and none they keep that
    the code no longer has."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "bench", "tools", "node_modules", "*.mo", "docs"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--all",
            "--no-obsolete",
            "--add-location=never",
            "--ignore=.venv",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "loyalty.settings.test"},
    )
    for language in LANGUAGES:
        relative = catalogue_path(language).relative_to(root)
        with (copy / relative).open("rb") as po:
            extracted = {m.id for m in read_po(po) if m.id}
        committed = {m.id for m in catalogue(language) if m.id}

        assert (sorted(extracted - committed), sorted(committed - extracted)) == ([], []), (
            f"{relative}: run `make messages` and translate"
        )
