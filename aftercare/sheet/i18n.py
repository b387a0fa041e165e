"""Translation catalogues for patient handouts (gettext ``.po`` files read with Babel).

Catalogues live in ``aftercare/sheet/locale/<locale>/LC_MESSAGES/handout.po``; the folders are
the one list of languages (:func:`languages`: ``en``, ``pt_BR`` -> ``"en"``, ``"pt-BR"``), so a
new language is a new folder with its catalogue, and ``--lang``, the sheet app's menu and the
tests follow. The sheet's own wording uses symbolic keys (``"how.barrier"``), so the English
wording too lives in a catalogue that a clinic can edit, not in code. Text that comes from the
data files (a factor's advice in ``data/factor_advice.csv``, a plain reason in
``data/factor_levels.csv`` or ``data/instructions.yaml``) is English in its one home and is
translated the gettext way: the message id is the English text itself, under a context
(``msgctxt "factor.advice"``). :meth:`Translator.data` prints the English text as it is
and refuses to print a sheet in another language whose catalogue lacks it, so a translated sheet
never falls back to English. Placeholders use ``{name}`` (Python ``str.format``). ``.po`` files
are read at run time; compiled ``.mo`` files are not needed.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import AftercareError, InputError
from ..resources import shipped

__all__ = [
    "languages",
    "language_names",
    "LOCALE_DIR",
    "SOURCE_LANG",
    "DATA_CONTEXTS",
    "Translator",
    "get_translator",
    "normalise_lang",
]

LOCALE_DIR = shipped("sheet", "locale")
DOMAIN = "handout"
#: The language of the data files' text (message ids of data text are in this language).
SOURCE_LANG = "en"
#: Contexts whose message ids are English text from the data files (see the module notes).
DATA_CONTEXTS = ("factor.advice", "reason")


class CatalogueError(AftercareError):
    """A catalogue is missing a message or a placeholder."""


def languages(locale_dir: Path | None = None) -> dict[str, str]:
    """The handout languages: language tag -> catalogue folder (Babel locale name).

    One entry per folder of ``locale_dir`` (default :data:`LOCALE_DIR`) holding
    ``LC_MESSAGES/handout.po``; the source language (English) first, then by tag.

    Examples
    --------
    >>> languages()
    {'en': 'en', 'pt-BR': 'pt_BR'}
    """
    root = LOCALE_DIR if locale_dir is None else Path(locale_dir)
    found = {
        folder.name.replace("_", "-"): folder.name
        for folder in root.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    }
    return dict(sorted(found.items(), key=lambda item: (item[0] != SOURCE_LANG, item[0])))


def language_names() -> dict[str, str]:
    """Each handout language's name in that language (Babel's locale data), for menus.

    Examples
    --------
    >>> language_names()
    {'en': 'English', 'pt-BR': 'Português (Brasil)'}
    """
    from babel import Locale

    names = {}
    for tag, locale in languages().items():
        name = Locale.parse(locale).get_display_name(locale) or tag
        names[tag] = name[:1].upper() + name[1:]
    return names


def normalise_lang(lang: str) -> str:
    """``"pt-BR"``, ``"pt_BR"`` or ``"pt-br"`` -> ``"pt-BR"``; unknown tags raise InputError."""
    tags = languages()
    for tag in tags:
        if str(lang).replace("_", "-").lower() == tag.lower():
            return tag
    raise InputError("lang", lang, "one of " + ", ".join(tags))


@dataclass(frozen=True)
class Translator:
    """Look up and format messages of one catalogue."""

    lang: str
    locale: str
    messages: dict[tuple[str | None, str], str]
    path: Path

    def has(self, key: str, context: str | None = None) -> bool:
        return bool(self.messages.get((context, key)))

    def __call__(
        self, key: str, /, context: str | None = None, default: str | None = None, **values: object
    ) -> str:
        """The message ``key`` formatted with ``values``.

        A missing key returns ``default`` if given, else raises :class:`CatalogueError`.
        """
        text = self.messages.get((context, key))
        if not text:
            if default is not None:
                return default
            where = f"{context}|{key}" if context else key
            raise CatalogueError(f"{self.path}: no translation for {where!r}")
        return self._format(text, f"message {key!r}", values)

    def _format(self, text: str, what: str, values: dict[str, object]) -> str:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise CatalogueError(
                f"{self.path}: {what} has a bad placeholder ({exc}); available: {sorted(values)}"
            ) from None

    def data(self, text: str, /, context: str, **values: object) -> str:
        """Data-file text (English) in this catalogue's language, formatted with ``values``.

        English sheets print ``text`` itself (unless the English catalogue overrides it);
        other languages must have a translation, else :class:`CatalogueError` names the
        catalogue, the context and the text to add.
        """
        message = " ".join(text.split())
        found = self.messages.get((context, message))
        if not found:
            if self.lang != SOURCE_LANG:
                raise CatalogueError(
                    f"{self.path}: no translation for the data text {message!r} "
                    f"(add it under msgctxt {context!r}; the text comes from the data files)"
                )
            found = message
        return self._format(found, f"data text {message[:60]!r}", values)

    def placeholders(self, key: str, context: str | None = None) -> set[str]:
        text = self.messages.get((context, key), "")
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@lru_cache(maxsize=8)
def get_translator(lang: str = "en") -> Translator:
    """The translator for ``lang`` (a tag of :func:`languages`), read from its ``.po`` file."""
    from babel.messages.pofile import read_po

    tag = normalise_lang(lang)
    locale = languages()[tag]
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        raise CatalogueError(f"{path}: translation catalogue not found")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    messages: dict[tuple[str | None, str], str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        messages[(message.context, msgid)] = msgstr
    return Translator(tag, locale, messages, path)


def __getattr__(name: str) -> Any:
    # ``LANGUAGES``: the catalogue folders (:func:`languages`), never a list written here.
    if name == "LANGUAGES":
        return languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
