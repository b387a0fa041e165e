"""What is normal after needling, and when ice may be used again (``data/what_is_normal.yaml``).

The patient sheet prints these lines in a short "What is normal after needling" block. Each
line carries its own sources; a line no source supports stays in the file's ``left_out`` list
with its reason and is never printed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..data import cached_loader, data_path, read_yaml_model
from ..sources import check_listed_items

__all__ = ["NormalItem", "load_what_is_normal", "sheet_normal_items"]

_FILE = "data/what_is_normal.yaml"


class NormalItem(BaseModel):
    """One line of the sheet's "what is normal" block, with the evidence for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    #: Printed only when this self-care option is not ruled out and has a plan.
    only_if_offered: Literal["ice", "heat"] | None = None
    basis: str = Field(min_length=1)
    source_ids: tuple[str, ...] = Field(min_length=1)
    confidence: Literal["high", "medium", "low"]


class LeftOut(BaseModel):
    """A line clinic sheets carry that no source here supports: never printed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: str = Field(min_length=1)
    why: str = Field(min_length=1)


class _WhatIsNormal(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[NormalItem, ...] = Field(min_length=1)
    left_out: tuple[LeftOut, ...] = ()


@cached_loader
def load_what_is_normal() -> tuple[NormalItem, ...]:
    """The lines, in file order, with their source ids checked against sources.csv.

    Examples
    --------
    >>> [item.id for item in load_what_is_normal()][:2]
    ['soreness', 'bruise']
    """
    doc = read_yaml_model(data_path("what_is_normal.yaml"), _WhatIsNormal)
    check_listed_items(doc.items, file=_FILE)
    return doc.items


def sheet_normal_items(offered: set[str]) -> tuple[NormalItem, ...]:
    """The lines one sheet prints: every general line, and a line about an option (ice) only
    where that option is ``offered`` (not ruled out, with a plan).

    Examples
    --------
    >>> [i.id for i in sheet_normal_items(set())][-1]
    'emotional'
    >>> [i.id for i in sheet_normal_items({"ice"})][-1]
    'ice_again'
    """
    return tuple(
        item
        for item in load_what_is_normal()
        if item.only_if_offered is None or item.only_if_offered in offered
    )
