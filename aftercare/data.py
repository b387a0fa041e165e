"""Find and load the tables in ``data/``, validated against a schema.

The clinic-editable data lives in the repository's top-level ``data/`` folder (and is copied into
the wheel as ``aftercare/_data``). Set ``AFTERCARE_DATA`` to use another folder.

Every loader validates each row or document with a pydantic model and turns a validation failure
into a :class:`~aftercare.errors.DataError` naming the file, the row (as a spreadsheet numbers it:
the header is row 1), the column or key, and the allowed values.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ValidationError

from .errors import DataError, clip, quote
from .resources import checkout_dir, shipped

__all__ = [
    "data_dir",
    "data_path",
    "read_text",
    "read_csv_models",
    "read_yaml",
    "load_yaml",
    "read_yaml_model",
    "read_keyed_models",
    "cached_loader",
    "data_cache",
    "clear_caches",
    "validate_model",
    "validation_to_data_error",
    "as_tuples",
    "split_ids",
    "IdList",
    "YamlDocument",
    "Yaml11Number",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
]

M = TypeVar("M", bound=BaseModel)

#: Largest input file read (data tables, protocols, patient files, export manifests), in bytes.
#: The biggest shipped table is about 30 KB; a larger file is refused before it is read.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of lists and mappings accepted in a YAML or JSON input (a protocol needs 3).
MAX_NESTING = 32
#: Longest integer accepted in YAML or JSON input, in digits (no allowed value comes close).
MAX_INT_DIGITS = 30


def data_dir() -> Path:
    """Return the folder holding the data tables.

    Order: ``$AFTERCARE_DATA``; the checkout's ``data/`` beside the package; the copy inside an
    installed wheel (``aftercare/_data``, found with :mod:`importlib.resources`).
    """
    override = os.environ.get("AFTERCARE_DATA")
    if override:
        path = Path(override)
        if not path.is_dir():
            raise DataError(str(path), "AFTERCARE_DATA names a folder that does not exist")
        return path
    checkout = checkout_dir("data")
    for candidate in (checkout, shipped("_data")):
        if candidate is not None and (candidate / "sources.csv").is_file():
            return candidate
    raise DataError(
        str(checkout or shipped("_data")),
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


def read_text(path: str | Path, *, name: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a small UTF-8 text file, checking it before reading it.

    The file must be a regular file (not a folder, FIFO, socket or device such as /dev/zero) of
    at most ``max_bytes`` bytes; it is opened without blocking, so a FIFO never hangs, and at
    most ``max_bytes + 1`` bytes are ever read. A UTF-8 byte-order mark is allowed.

    Raises
    ------
    DataError
        Naming ``name`` (default: the path) and what is wrong: not found, not a regular file,
        too large, unreadable, or not UTF-8 (with the line and byte).

    Examples
    --------
    >>> read_text(data_path("sources.csv"))[:3]
    'id,'
    """
    path = Path(path)
    name = name or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DataError(name, "file not found") from None
    except IsADirectoryError:
        raise DataError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise DataError(name, f"cannot open the file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(name, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise DataError(name, f"is {kind}, not a regular file")
        if info.st_size > max_bytes:
            raise DataError(
                name, f"is {info.st_size:,} bytes; the largest file read is {max_bytes:,} bytes"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DataError(name, f"cannot read the file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:  # grew after the check
        raise DataError(name, f"is larger than {max_bytes:,} bytes, the largest file read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            name,
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8",
        ) from None


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
        return clip(ctx["expected"], 300)
    bounds = []
    for key, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if key in ctx:
            bounds.append(f"{word} {ctx[key]}")
    return " and ".join(bounds) or None


# pydantic error types for a value that should not be text.
_NOT_TEXT = ("float_type", "int_type", "bool_type", "float_parsing", "int_parsing", "bool_parsing")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return "text"


def validation_to_data_error(
    exc: ValidationError,
    file: str,
    row: int | None = None,
    prefix: str = "",
    document: YamlDocument | None = None,
) -> DataError:
    """Turn the first problem in a pydantic ValidationError into a DataError naming its field.

    With the YAML ``document`` the value was read from, the error also names the line and quotes
    the value as written; an unquoted value that YAML read as another type (``0700`` as the
    number 448, ``yes`` as true, ``1.10`` as 1.1) is pointed out. At most about 80 characters
    of a value are quoted.
    """
    first = exc.errors()[0]
    kind = first["type"]
    # An error of a whole entry (a model-level check) names the entry (``prefix``) itself.
    column = prefix + ".".join(str(p) for p in first["loc"]) if first["loc"] else None
    column = column or prefix.rstrip(".") or None
    value = first.get("input")
    # Words a YAML or CSV author uses: a list, a mapping (pydantic says tuple, dictionary).
    problem = first["msg"].removeprefix("Value error, ")
    problem = problem.replace("valid tuple", "list").replace("valid dictionary", "mapping")
    node = document.locate(first["loc"]) if document is not None else None
    line = node.start_mark.line + 1 if node is not None else None
    allowed = _allowed_from(first)
    if kind == "extra_forbidden":
        problem = "unknown key; check its spelling and indentation"
    elif isinstance(value, dict):
        problem += f" (it is {_kind(value)})" if kind.endswith("_type") else ""
    elif isinstance(value, Yaml11Number):
        if kind in _NOT_TEXT and kind != "bool_type":  # a number field: say what to write
            problem = (
                "not a plain number; write decimal digits with no leading zero, underscore, "
                "0x or colon"
            )
        problem = (
            f"{clip(value.written)}: {problem} (YAML reads the unquoted {clip(value.written)} "
            f"as {value.read_as:g}: {value.form})"
        )
    elif kind != "missing":
        written = node.value if isinstance(node, yaml.ScalarNode) else None
        if isinstance(written, str) and not isinstance(value, str):
            # An unquoted scalar YAML typed: 0700 -> 448, yes -> True, 1.10 -> 1.1.
            read_as = quote(value) if str(value) != written else _kind(value)
            hint = "; write text in quotes" if kind == "string_type" else ""
            problem = (
                f"{clip(written)}: {problem} "
                f"(YAML reads the unquoted {clip(written)} as {read_as}{hint})"
            )
        else:
            problem = f"{quote(value)}: {problem}"
            if kind == "date_type":
                problem += " (write a date as YYYY-MM-DD, without quotes)"
            elif isinstance(value, str) and kind in _NOT_TEXT and written is not None:
                problem += " (it is text" + (" in quotes" if node.style else "") + ")"
    if allowed and allowed in problem:
        allowed = None
    more = len(exc.errors()) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''} in this entry)"
    return DataError(file, problem, row=row, line=line, column=column, allowed=allowed)


def as_tuples(value: Any, *, name: str = "<mapping>", depth: int = 0) -> Any:
    """A copy of parsed data with every list as a tuple (what the strict models expect).

    Raises :class:`DataError` naming ``name`` when the data nest deeper than :data:`MAX_NESTING`.
    """
    if depth > MAX_NESTING:
        raise DataError(name, f"nested more than {MAX_NESTING} levels deep")
    if isinstance(value, Mapping):
        return {k: as_tuples(v, name=name, depth=depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(as_tuples(v, name=name, depth=depth + 1) for v in value)
    return value


def validate_model(
    raw: Any, model: type[M], name: str, *, document: YamlDocument | None = None, **extra: Any
) -> M:
    """Validate parsed data with ``model`` in pydantic's strict mode; errors name ``name``.

    Strict mode means no coercion: a number or true/false where text is wanted, text where a
    number is wanted, or a date written as text is an error rather than a silent conversion.
    ``extra`` keys are added to the top-level mapping (for example the source file name).
    """
    if not isinstance(raw, dict):
        raise DataError(name, "expected a mapping of keys to values at the top level")
    try:
        return model.model_validate({**as_tuples(raw, name=name), **extra}, strict=True)
    except ValidationError as exc:
        raise validation_to_data_error(exc, name, document=document) from None


def read_csv_models(path: Path, model: type[M], *, key: str | None = "id") -> list[M]:
    """Read a CSV file, validating each row with ``model``.

    Empty cells become ``None`` so that the model's defaults or its "required" errors apply.
    With ``key``, duplicate keys are an error. Lines starting with ``#`` are comments.
    """
    name = display_name(path)
    lines = read_text(path, name=name).splitlines()
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
                    f"unknown column {quote(unknown[0])}",
                    row=line_number,
                    column=unknown[0],
                    allowed=", ".join(model.model_fields),
                )
            missing = [f for f in expected if f not in header]
            if missing:
                raise DataError(
                    name, f"missing column {quote(missing[0])}", row=line_number, column=missing[0]
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
                    f"duplicate {key} {quote(ident)} (first used in row {seen[ident]})",
                    row=line_number,
                    column=key,
                )
            seen[ident] = line_number
        rows.append(item)
    if header is None:
        raise DataError(name, "the file is empty (no header row)")
    return rows


#: A number as YAML 1.2 and every reader agree on it: decimal digits, no leading zero.
_PLAIN_NUMBER = re.compile(
    r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


@dataclass(frozen=True)
class Yaml11Number:
    """An unquoted number written in a form only YAML 1.1 reads as one: refused everywhere.

    PyYAML (YAML 1.1) reads ``020`` as 16 (octal), ``0x14`` as 20, ``2_0`` as 20 and ``1:30``
    as 90 (base 60); YAML 1.2 and a person read them otherwise. The strict loader builds this
    value instead of the number, so no model field accepts it and the validation error
    (:func:`validation_to_data_error`) names the line, the key, what was written and what YAML
    read. One path for every field: numeric rules, clock times (``day_starts: 07:00``), text.
    """

    written: str
    read_as: int | float
    form: str

    @classmethod
    def check(cls, written: str, read_as: int | float) -> Yaml11Number | int | float:
        """``read_as`` when ``written`` is a plain number, else the refused form."""
        if _PLAIN_NUMBER.fullmatch(written):
            return read_as
        digits = written.lstrip("+-")
        if ":" in digits:
            form = "base 60"
        elif "_" in digits:
            form = "YAML drops the underscores"
        elif digits[:2].lower() == "0x":
            form = "hexadecimal"
        elif digits[:2].lower() == "0b":
            form = "binary"
        elif isinstance(read_as, int):
            form = "a leading zero makes it octal"
        else:
            form = "a leading zero"
        return cls(written, read_as, form)

    def __repr__(self) -> str:
        return repr(self.read_as)


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the checks a clinic-edited file needs.

    On top of ``yaml.SafeLoader`` (no Python tags): aliases (``*name``) and merge keys (``<<``)
    are refused, so a file cannot expand to gigabytes; a key given twice in one mapping is an
    error (PyYAML would keep the last); nesting is capped at :data:`MAX_NESTING`; integers are
    capped at :data:`MAX_INT_DIGITS` digits; numbers in a form only YAML 1.1 reads as numbers
    (``020``, ``0x14``, ``2_0``, ``1:30``) become :class:`Yaml11Number`, which every model
    refuses; sequences are read as tuples; and a scalar that cannot be built (``2026-02-30``)
    is an error at its line.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*{clip(event.anchor, 40)}) are not allowed; write the value out",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_NESTING} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # e.g. a date 2026-02-30
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {quote(node.value)}: {clip(exc, 120)}", node.start_mark
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not allowed", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML reports it below
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {quote(key)} (first given on line {first})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> int:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number with {digits} digits; the most allowed is {MAX_INT_DIGITS}",
                node.start_mark,
            )
        return Yaml11Number.check(node.value, super().construct_yaml_int(node))

    def construct_yaml_float(self, node: Any) -> Any:
        return Yaml11Number.check(node.value, super().construct_yaml_float(node))

    def construct_yaml_seq_tuple(self, node: Any) -> tuple[Any, ...]:
        return tuple(self.construct_sequence(node, deep=True))


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _StrictLoader.construct_yaml_float)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_yaml_seq_tuple)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: the data, and the node tree that says where each value was written."""

    name: str
    data: Any
    root: Any

    def child(self, key: str) -> YamlDocument:
        """The document rooted at the value of top-level ``key`` (for per-entry validation)."""
        return YamlDocument(self.name, self.data[key], self.locate((key,)))

    def locate(self, loc: Sequence[int | str]) -> Any:
        """The deepest node along a pydantic error location (keys and list indexes)."""
        node = self.root
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next(
                    (
                        v
                        for k, v in node.value
                        if isinstance(k, yaml.ScalarNode) and k.value == str(part)
                    ),
                    None,
                )
                node = match if match is not None else node
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    node = node.value[part]
        return node


def load_yaml(path: Path, *, name: str | None = None) -> YamlDocument:
    """Check, read and parse a YAML file with the strict loader (see :class:`_StrictLoader`).

    Every problem is a :class:`DataError` naming the file and, for syntax, the line.
    """
    name = name or display_name(path)
    text = read_text(path, name=name)
    loader = None
    try:
        loader = _StrictLoader(text)  # the reader refuses control characters here
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, character {mark.column + 1})" if mark else ""
        what = ", ".join(str(part) for part in (exc.context, exc.problem) if part)
        what = clip(" ".join(what.split()), 200)
        raise DataError(name, f"malformed YAML: {what}{where}") from None
    except yaml.reader.ReaderError as exc:  # a control character
        line = text.count("\n", 0, exc.position) + 1
        raise DataError(
            name,
            f"malformed YAML: the character #x{exc.character:04x} is not allowed (line {line})",
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(name, f"malformed YAML: {clip(' '.join(str(exc).split()), 200)}") from None
    except RecursionError:
        raise DataError(name, f"nested more than {MAX_NESTING} levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(name=name, data=data, root=root)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file strictly (see :func:`load_yaml`) and return its data."""
    return load_yaml(path).data


def read_yaml_model(path: Path, model: type[M]) -> M:
    """Parse a YAML document and validate it with ``model`` in strict mode."""
    document = load_yaml(path)
    return validate_model(document.data, model, document.name, document=document)


def read_keyed_models(path: Path, model: type[M]) -> dict[str, M]:
    """Read a YAML mapping of ids to entries, validating each entry with ``model`` (strict).

    The file must be a non-empty mapping whose values are mappings. When ``model`` has an ``id``
    field, it is filled from the entry's key. Errors name the file, the line, the entry's key
    and the field (``damp_towel.short_label``).

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> class Labelled(BaseModel):  # the fields it names; the others are left out
    ...     id: str
    ...     label: str
    >>> read_keyed_models(data_path("barriers.yaml"), Labelled)["dry_towel"].label
    'One dry towel layer'
    """
    document = load_yaml(path)
    name = document.name
    if not isinstance(document.data, dict) or not document.data:
        raise DataError(name, "expected a non-empty mapping of ids to entries")
    entries: dict[str, M] = {}
    for key, entry in document.data.items():
        if not isinstance(entry, dict):
            raise DataError(name, "expected a mapping of fields", column=str(key))
        record = as_tuples(entry, name=name)
        if "id" in model.model_fields:
            record["id"] = key
        try:
            entries[str(key)] = model.model_validate(record, strict=True)
        except ValidationError as exc:
            raise validation_to_data_error(
                exc, name, prefix=f"{key}.", document=document.child(key)
            ) from None
    return entries


_CACHED_LOADERS: list[Any] = []


def data_cache(maxsize: int | None = 128) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Cache a function whose result is derived from the data folder, and register the cache
    with :func:`clear_caches`.

    The one way to cache anything read or computed from ``data/`` (a table, a grid built from
    tissue properties, a simulated session): a cache that :func:`clear_caches` does not know of
    would keep serving values from before an edit. ``func.cache_clear()`` clears one cache.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        cached = lru_cache(maxsize=maxsize)(func)
        _CACHED_LOADERS.append(cached)
        return cached

    return decorate


def cached_loader(func: Callable[[], Any]) -> Callable[[], Any]:
    """Cache a whole-table loader (:func:`data_cache` with one entry)."""
    return data_cache(maxsize=1)(func)


def clear_caches() -> None:
    """Forget every table read and every value derived from one so far, so the next call reads
    the data folder again (after editing a file, or after pointing ``AFTERCARE_DATA`` at another
    folder)."""
    for loader in _CACHED_LOADERS:
        loader.cache_clear()
