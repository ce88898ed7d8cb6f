"""The product speaks Dutch first (DESIGN.md rule 5, LEGAL.md 5.6: letters in plain Dutch): every
interface string has a reviewed Dutch translation, so no Dutch page, e-mail or letter shows
English. An untranslated or fuzzy entry (gettext serves the English msgid for both) fails here."""

import ast
import re
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


def catalogue_entries(po: Path) -> list[tuple[str | None, str, str | None]]:
    """The (msgctxt, msgid, msgid_plural) of a catalogue's entries, header and obsolete entries
    left out. polib is not installed: msgattrib writes each string on one line (and a string
    with a newline on consecutive ones), quoted and escaped as in C, which Python reads too."""
    result = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    entries = []
    entry: dict[str, str] = {}
    keyword = None
    for line in [*result.stdout.splitlines(), ""]:
        if line.startswith('"') and keyword:
            entry[keyword] += ast.literal_eval(line)
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            keyword, _, quoted = line.partition(" ")
            entry[keyword] = ast.literal_eval(quoted)
        elif not line.strip():
            if entry.get("msgid"):
                entries.append((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))
            entry, keyword = {}, None
    return entries


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


def test_english_names_every_article_of_the_regulation_as_gdpr():
    # LEGAL.md 5.6: a letter speaks the requester's language; every English text citing the
    # regulation says "article n GDPR", never the Dutch "AVG n" of its msgid (locale/en), so a
    # msgid citing "AVG <article>" (not UAVG, a different act) needs an English entry
    from django.utils import translation

    cites_the_avg = re.compile(r"(?<!U)AVG \d")
    po = Path(settings.LOCALE_PATHS[0]) / CATALOGUE
    citing = [
        (context, msgid, plural)
        for context, msgid, plural in catalogue_entries(po)
        if cites_the_avg.search(msgid) or (plural and cites_the_avg.search(plural))
    ]
    assert ("Access request (AVG 15)" in [msgid for _, msgid, _ in citing]) and len(citing) >= 40

    still_dutch = []
    with translation.override("en"):
        for context, msgid, plural in citing:
            if plural:
                english = [
                    translation.npgettext(context, msgid, plural, n)
                    if context
                    else translation.ngettext(msgid, plural, n)
                    for n in (1, 2)
                ]
            else:
                english = [
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                ]
            if any(cites_the_avg.search(text) or "GDPR" not in text for text in english):
                still_dutch.append(msgid)
    assert still_dutch == []
