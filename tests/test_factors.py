"""aftercare.factors: the factor table, its levels and its errors (row and column named)."""

from __future__ import annotations

import pytest

from aftercare import DataError
from aftercare.factors import load_factors


def _edit_levels(data_copy, start: str, old: str, new: str) -> int:
    path = data_copy / "factor_levels.csv"
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("".join(lines))
    return index + 1


def test_factor_table_bad_level_names_row_and_column(data_copy):
    row = _edit_levels(data_copy, "raynauds,cold,", ",avoid,", ",sometimes,")
    with pytest.raises(DataError) as info:
        load_factors()
    message = str(info.value)
    assert "data/factor_levels.csv" in message and f"row {row}" in message
    assert "'level'" in message and "'caution' or 'avoid'" in message


@pytest.mark.parametrize(
    ("start", "old", "new", "words"),
    [
        ("raynauds,cold,", "raynauds,", "frostbite,", "unknown factor 'frostbite'"),
        ("raynauds,cold,", ",cameron-lists,false,", ",,false,", "protocol_choice"),
        (
            "raynauds,cold,",
            ",cold,",
            ",ice,",
            "'cold', 'heat', 'massage', 'stretching' or 'electrical'",
        ),
        ("raynauds,cold,", ",false,", ",maybe,", "protocol_choice"),
        ("cold_urticaria,cold,", "cold_urticaria,", "raynauds,", "duplicate key 'raynauds/cold'"),
    ],
)
def test_factor_levels_errors_name_row(data_copy, start, old, new, words):
    row = _edit_levels(data_copy, start, old, new)
    with pytest.raises(DataError) as info:
        load_factors()
    message = str(info.value)
    assert "data/factor_levels.csv" in message and f"row {row}" in message, message
    assert words in message, message


def test_factors_csv_needs_helper_must_be_true_or_false(data_copy):
    path = data_copy / "factors.csv"
    path.write_text(
        path.read_text()
        .replace("neuropathy,", "neuropathy,", 1)
        .replace("(numbness or nerve damage),true,", "(numbness or nerve damage),sometimes,", 1)
    )
    with pytest.raises(DataError, match=r"factors.csv, row \d+.*needs_helper"):
        load_factors()


def test_unknown_source_in_factor_table(data_copy):
    path = data_copy / "factors.csv"
    path.write_text(path.read_text().replace("pai-seed;deroyal-ifu", "pai-seed;nobody2099", 1))
    with pytest.raises(DataError, match=r"factors.csv.*unknown source id 'nobody2099'"):
        load_factors()
