"""aftercare.data: the shared readers (CSV rows, duplicate ids) and the data folder."""

from __future__ import annotations

import pytest

from aftercare import DataError
from aftercare.sources import load_sources


def test_csv_stray_comma_names_row(data_copy):
    path = data_copy / "sources.csv"
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if ",trial," in line)
    lines[index] = lines[index].replace(",trial,", ",trial,extra,", 1)
    path.write_text("".join(lines))
    with pytest.raises(DataError, match=rf"data/sources.csv, row {index + 1}: has 10 cells"):
        load_sources()


def test_csv_duplicate_id_names_both_rows(data_copy):
    path = data_copy / "sources.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines + [lines[2]]))
    with pytest.raises(DataError, match=r"row \d+, column/key 'id': duplicate id .* row 3"):
        load_sources()


def test_data_folder_override_must_exist(monkeypatch):
    from aftercare.data import data_dir

    monkeypatch.setenv("AFTERCARE_DATA", "/nonexistent/aftercare-data")
    with pytest.raises(DataError, match="does not exist"):
        data_dir()
