"""The translation catalogs, kept with Babel's own commands, and the check CI runs.

    python -m warroom_bot.devtools.catalog update    # extract the English texts, merge them into each .po
    python -m warroom_bot.devtools.catalog compile   # .po -> .mo (the wheel ships the .mo)
    python -m warroom_bot.devtools.catalog check     # fails on a text without its translation

`update` and `compile` are `pybabel extract`/`update`/`compile` with this project's keywords and
paths (babel.cfg); `check` extracts again into memory and compares, so a new English text without
its Chinese, a fuzzy or empty translation, a translation for a text no longer in the code, or a
stale .mo fails the build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from warroom_bot.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent  # the source tree: warroom_bot/, handlers/, scheduler/, models/
KEYWORDS = ["tr", "tr_n:1,2", "N_"]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = [language.replace("-", "_") for language in LANGUAGES[1:]]


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    TEMPLATE.parent.mkdir(exist_ok=True)
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    _pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-wrap", "--no-location", "--sort-output",
        "--project", "warroom-bot", "-o", str(TEMPLATE), str(ROOT),
    )  # fmt: skip
    for locale in TRANSLATED:
        command = "update" if po_path(locale).exists() else "init"
        _pybabel(command, "-i", str(TEMPLATE), "-d", str(LOCALE_DIR), "-l", locale, "-D", DOMAIN, "--no-wrap")


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(LOCALE_DIR), "-D", DOMAIN, "--statistics")


def extracted() -> set[str]:
    """Every message id the code marks now."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"tr": None, "tr_n": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.add(_singular(message))
    return found


def _singular(message_id: object) -> str:
    """A message's id; a plural's, its singular."""
    return str(message_id[0] if isinstance(message_id, (list, tuple)) else message_id)


def _pairs(catalog: Catalog) -> dict[object, object]:
    """Each message id and its translation, hashable (a plural's forms come as a list or a tuple)."""

    def key(text: object) -> object:
        return tuple(text) if isinstance(text, (list, tuple)) else text

    return {key(message.id): key(message.string) for message in catalog if message.id}


def problems() -> list[str]:
    """What is wrong with the catalogs: one line per message."""
    wanted, found = extracted(), []
    for locale in TRANSLATED:
        with po_path(locale).open("rb") as file:
            catalog: Catalog = read_po(file, locale=locale)
        have = {_singular(message.id): message for message in catalog if message.id}
        for key in sorted(wanted - have.keys()):
            found.append(f"{locale}: not in the catalog (run `update`): {key!r}")
        for key in sorted(have.keys() - wanted):
            found.append(f"{locale}: no longer in the code: {key!r}")
        for key in sorted(wanted & have.keys()):
            entry = have[key]
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if entry.fuzzy or not all(strings):
                found.append(f"{locale}: {'fuzzy' if entry.fuzzy else 'untranslated'}: {key!r}")
        mo = po_path(locale).with_suffix(".mo")
        if not mo.exists():
            found.append(f"{locale}: no compiled catalog (run `compile`)")
            continue
        with mo.open("rb") as file:
            compiled = _pairs(read_mo(file))
        if compiled != _pairs(catalog):
            found.append(f"{locale}: the .mo is older than the .po (run `compile`)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "compile", "check"])
    command = parser.parse_args().command
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    else:
        found = problems()
        print("\n".join(found) or "catalogs complete", file=sys.stderr if found else sys.stdout)
        sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
