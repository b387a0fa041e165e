"""Source ids to citations: the evidence behind every recommendation.

``data/sources.csv`` holds one row per source with its confidence (high, medium, low) as judged in
the project's evidence brief. Every flag, instruction and recommendation the suite shows names one
or more of these ids so a clinician can check its basis independently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .data import cached_loader, data_path, read_csv_models
from .errors import DataError, quote

__all__ = [
    "Source",
    "load_sources",
    "get_source",
    "check_source_ids",
    "check_listed_items",
    "cite",
    "SOURCE_KINDS",
]

Kind = Literal[
    "trial",
    "review",
    "guideline",
    "case report",
    "expert article",
    "web page",
    "experimental study",
    "observational study",
    "survey",
    "dissertation",
]
#: The allowed values of the ``kind`` column of data/sources.csv.
SOURCE_KINDS: tuple[str, ...] = get_args(Kind)


class Source(BaseModel):
    """One published or web source, as it appears in ``data/sources.csv``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    authors: str
    year: int | None = Field(default=None, ge=1900, le=2100)
    title: str
    venue: str
    doi_or_url: str | None = None
    kind: Kind
    confidence: Literal["high", "medium", "low"]
    note: str | None = None

    @field_validator("year", mode="before")
    @classmethod
    def _blank_year(cls, value: object) -> object:
        return None if value in ("", None) else value

    def short(self) -> str:
        """Short citation, e.g. ``Bleakley CM et al. 2006``."""
        first = self.authors.split(",")[0].split(";")[0].strip()
        many = "," in self.authors or ";" in self.authors or "et al" in self.authors
        year = str(self.year) if self.year else "n.d."
        if "et al" in first:
            many = False
        return f"{first}{' et al.' if many else ''} {year}"

    def full(self) -> str:
        """Full citation with venue and DOI or URL."""
        year = str(self.year) if self.year else "year not visible"
        link = f" {self.doi_or_url}" if self.doi_or_url else ""
        return f"{self.authors} ({year}). {self.title}. {self.venue}.{link}"


@cached_loader
def load_sources() -> dict[str, Source]:
    """All sources keyed by id (cached; call ``load_sources.cache_clear()`` after editing)."""
    rows = read_csv_models(data_path("sources.csv"), Source)
    return {s.id: s for s in rows}


def get_source(source_id: str) -> Source:
    """Look up one source; an unknown id raises an error listing how to find valid ids."""
    sources = load_sources()
    try:
        return sources[source_id]
    except KeyError:
        raise DataError(
            "data/sources.csv",
            f"unknown source id {source_id!r}",
            column="id",
            allowed=f"one of the {len(sources)} ids in data/sources.csv",
        ) from None


def check_listed_items(items: Iterable[Any], *, file: str) -> None:
    """Check a YAML file's ``items`` list: ids unique, and every item's ``source_ids`` known.

    An item with no source ids is left to its own model (which decides whether that is allowed).
    Errors name ``file`` and the item (``items[3].source_ids``).
    """
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        if item.id in seen:
            raise DataError(file, f"duplicate id {item.id!r}", column=f"items[{number}].id")
        seen.add(item.id)
        if item.source_ids:
            check_source_ids(item.source_ids, file=file, column=f"items[{number}].source_ids")


def check_source_ids(
    ids: Iterable[str],
    *,
    file: str,
    row: int | None = None,
    column: str = "source_ids",
    line: int | None = None,
) -> tuple[str, ...]:
    """Check that every id exists and that there is at least one; return them as a tuple.

    Errors name ``file`` and ``column``, and the ``row`` of a table or the ``line`` of a YAML
    file where known.
    """
    sources = load_sources()
    ids = tuple(ids)
    if not ids:
        raise DataError(
            file, "at least one source id is required", row=row, line=line, column=column
        )
    for source_id in ids:
        if source_id not in sources:
            close = sorted(s for s in sources if s[:4] == source_id[:4])[:5]
            raise DataError(
                file,
                f"unknown source id {quote(source_id)}",
                row=row,
                line=line,
                column=column,
                allowed=("similar ids: " + ", ".join(close))
                if close
                else "ids listed in data/sources.csv",
            )
    return ids


def cite(ids: Iterable[str]) -> str:
    """Short in-text citation for a list of ids: ``[bleakley2006: Bleakley CM et al. 2006]``."""
    sources = load_sources()
    parts = [f"{i}: {sources[i].short()}" if i in sources else i for i in ids]
    return "[" + "; ".join(parts) + "]"
