"""Find and load the tables in ``data/``, validated against a schema.

The clinic-editable data lives in the repository's top-level ``data/`` folder (and is copied into
the wheel as ``aftercare/_data``). Set ``AFTERCARE_DATA`` to use another folder.

Every loader validates each row or document with a pydantic model and turns a validation failure
into a :class:`~aftercare.errors.DataError` naming the file, the row (as a spreadsheet numbers it:
the header is row 1), the column or key, and the allowed values.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ValidationError

from .errors import DataError

__all__ = [
    "data_dir",
    "data_path",
    "read_csv_models",
    "read_yaml",
    "read_yaml_model",
    "validation_to_data_error",
    "split_ids",
    "IdList",
]

M = TypeVar("M", bound=BaseModel)


def data_dir() -> Path:
    """Return the folder holding the data tables.

    Order: ``$AFTERCARE_DATA``; the checkout's ``data/`` beside the package; the copy inside an
    installed wheel (``aftercare/_data``).
    """
    override = os.environ.get("AFTERCARE_DATA")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise DataError(str(path), "AFTERCARE_DATA names a folder that does not exist")
        return path
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data", here / "_data"):
        if (candidate / "sources.csv").is_file():
            return candidate
    raise DataError(
        str(here.parent / "data"),
        "the data folder was not found; reinstall the package or set AFTERCARE_DATA",
    )


def data_path(*parts: str) -> Path:
    """Path of a file inside the data folder (it need not exist)."""
    return data_dir().joinpath(*parts)


def display_name(path: Path) -> str:
    """A short name for a data file in messages: ``data/factors.csv`` rather than a long path."""
    try:
        return str(Path("data") / path.resolve().relative_to(data_dir().resolve()))
    except ValueError:
        return str(path)


def split_ids(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Split a ``;``- or ``,``-separated id list from a CSV cell into a tuple of ids."""
    if text is None:
        return ()
    if isinstance(text, list | tuple):
        return tuple(str(t).strip() for t in text if str(t).strip())
    return tuple(part.strip() for part in str(text).replace(",", ";").split(";") if part.strip())


#: A model field holding ids, read from a ``;``/``,``-separated CSV cell (or a list) by split_ids.
IdList = Annotated[tuple[str, ...], BeforeValidator(split_ids)]


def _allowed_from(error: dict[str, Any]) -> str | None:
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    bounds = []
    for key, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if key in ctx:
            bounds.append(f"{word} {ctx[key]}")
    return " and ".join(bounds) or None


def validation_to_data_error(
    exc: ValidationError, file: str, row: int | None = None, prefix: str = ""
) -> DataError:
    """Turn the first problem in a pydantic ValidationError into a DataError naming its field."""
    first = exc.errors()[0]
    column = prefix + ".".join(str(p) for p in first["loc"]) if first["loc"] else None
    value = first.get("input")
    problem = first["msg"]
    if first["type"] not in ("missing",) and not isinstance(value, dict):
        problem = f"{value!r}: {problem}"
    more = len(exc.errors()) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''} in this entry)"
    return DataError(file, problem, row=row, column=column, allowed=_allowed_from(first))


def read_csv_models(path: Path, model: type[M], *, key: str | None = "id") -> list[M]:
    """Read a CSV file, validating each row with ``model``.

    Empty cells become ``None`` so that the model's defaults or its "required" errors apply.
    With ``key``, duplicate keys are an error. Lines starting with ``#`` are comments.
    """
    name = display_name(path)
    if not path.is_file():
        raise DataError(name, "file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    reader = csv.reader(lines)
    header: list[str] | None = None
    rows: list[M] = []
    seen: dict[str, int] = {}
    for line_number, cells in enumerate(reader, start=1):
        if not cells or (cells[0].startswith("#") and header is None) or not any(cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            expected = [
                f for f, info in model.model_fields.items() if info.is_required() or f in header
            ]
            unknown = [c for c in header if c not in model.model_fields]
            if unknown:
                raise DataError(
                    name,
                    f"unknown column {unknown[0]!r}",
                    row=line_number,
                    column=unknown[0],
                    allowed=", ".join(model.model_fields),
                )
            missing = [f for f in expected if f not in header]
            if missing:
                raise DataError(
                    name, f"missing column {missing[0]!r}", row=line_number, column=missing[0]
                )
            continue
        if len(cells) != len(header):
            raise DataError(
                name,
                f"has {len(cells)} cells but the header has {len(header)} columns "
                "(check for a stray comma or an unquoted comma inside text)",
                row=line_number,
            )
        record = {h: (c.strip() or None) for h, c in zip(header, cells, strict=True)}
        try:
            item = model.model_validate(record)
        except ValidationError as exc:
            raise validation_to_data_error(exc, name, row=line_number) from None
        if key is not None:
            ident = getattr(item, key)
            if ident in seen:
                raise DataError(
                    name,
                    f"duplicate {key} {ident!r} (first used in row {seen[ident]})",
                    row=line_number,
                    column=key,
                )
            seen[ident] = line_number
        rows.append(item)
    if header is None:
        raise DataError(name, "the file is empty (no header row)")
    return rows


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into a DataError with the line and column."""
    name = display_name(path)
    if not path.is_file():
        raise DataError(name, "file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise DataError(
            name, f"malformed YAML: {exc.problem} (line {line}, character {col})", row=line
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(name, f"malformed YAML: {exc}") from None


def read_yaml_model(path: Path, model: type[M]) -> M:
    """Parse a YAML document and validate it with ``model``."""
    raw = read_yaml(path)
    name = display_name(path)
    if not isinstance(raw, dict):
        raise DataError(name, "expected a mapping of keys to values at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_to_data_error(exc, name) from None


def cached_loader(func: Callable[[], Any]) -> Callable[[], Any]:
    """Cache a whole-table loader; ``func.cache_clear()`` forces a reload after edits."""
    return lru_cache(maxsize=1)(func)
