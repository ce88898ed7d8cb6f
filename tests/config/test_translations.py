"""The product speaks Dutch first (DESIGN.md rule 5, LEGAL.md 5.6: letters in plain Dutch): every
interface string has a reviewed Dutch translation, so no Dutch page, e-mail or letter shows
English. An untranslated or fuzzy entry (gettext serves the English msgid for both) fails here."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

CATALOGUE = Path("nl", "LC_MESSAGES", "django.po")


def entries_needing_work(po: Path) -> list[str]:
    """The msgids of a catalogue's untranslated and fuzzy entries."""
    msgids = []
    for selection in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", selection, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        # the header (the empty msgid) comes with any entry found
        msgids += [
            line
            for line in result.stdout.splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        ]
    return msgids


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entry():
    # Dutch first: every msgid translated and reviewed
    po = Path(settings.LOCALE_PATHS[0]) / CATALOGUE
    assert entries_needing_work(po) == []
    # placeholders such as %(reference)s kept exactly, plural forms complete
    subprocess.run(["msgfmt", "--check", "--output-file=/dev/null", str(po)], check=True)


def test_dutch_catalogue_covers_every_marked_string(tmp_path):
    # Dutch first: a string marked in the code but missing from the catalogue shows English too;
    # scripts/make-messages, run on a copy of the project, must find nothing new to translate
    copy = tmp_path / "avgflow"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "var",
            "test-artifacts",
            "node_modules",
            "__pycache__",
            "*.mo",
            ".pytest_cache",
            ".ruff_cache",
        ),
    )
    (copy / ".venv").symlink_to(Path(settings.BASE_DIR) / ".venv")
    subprocess.run(
        [str(copy / "scripts" / "make-messages")],
        cwd=copy,
        capture_output=True,
        check=True,
    )
    assert entries_needing_work(copy / "locale" / CATALOGUE) == []


def test_english_choice_labels_name_articles_of_the_gdpr():
    # LEGAL.md 5.6: a letter speaks the requester's language; English letters cite "article n
    # GDPR", so the grounds they quote do too (locale/en), while Dutch keeps "AVG"
    import re

    from django.db import models
    from django.utils import translation

    from requests_flow import constants
    from tests.requests_flow.items_helpers import as_read

    choice_classes = [
        value
        for value in vars(constants).values()
        if isinstance(value, type) and issubclass(value, models.Choices)
    ]
    with translation.override("en"):
        english = {as_read(str(choice.label)) for cls in choice_classes for choice in cls}
    with translation.override("nl"):
        dutch = str(constants.ItemGround.LEGAL_OBLIGATION.label)
    assert not [label for label in english if re.search(r"\bAVG \d", label)]
    assert "Legal obligation to keep (article 17(3)(b) GDPR)" in english
    assert "AVG 17(3)(b)" in dutch
