"""Bad input gets a clear error naming the field, file, row or column and the allowed range."""

from __future__ import annotations

import datetime as dt

import pytest

from aftercare import DataError, InputError, Patient, load_protocol, plan_icing
from aftercare.factors import load_factors
from aftercare.sources import load_sources


@pytest.mark.parametrize(
    ("fields", "named", "allowed"),
    [
        ({"hours_since_needling": -1}, "hours_since_needling", ">= 0"),
        ({"hours_since_needling": float("nan")}, "hours_since_needling", ">= 0"),
        ({"skinfold_mm": 81}, "skinfold_mm", "0 to 80 mm"),
        ({"skinfold_mm": -0.1}, "skinfold_mm", "0 to 80 mm"),
        ({"skinfold_mm": "thick"}, "skinfold_mm", "0 to 80 mm"),
        ({"needled_at": "25:00"}, "needled_at", "HH:MM"),
        ({"awake_from": "morning"}, "awake_from", "HH:MM"),
        ({"awake_from": "07:00", "asleep_from": "07:00"}, "asleep_from", "at least 4 hours"),
        ({"awake_from": "07:00", "asleep_from": "06:59"}, "asleep_from", "at least 4 hours"),
        ({"awake_from": "23:00"}, "asleep_from", "together"),
        ({"asleep_from": "07:00"}, "awake_from", "together"),
        ({"needled_at": "09:00:30"}, "needled_at", "no seconds"),
        ({"needled_at": "9:00"}, "needled_at", "HH:MM"),
        ({"awake_from": "07:00+02:00", "asleep_from": "23:00"}, "awake_from", "no UTC offset"),
        ({"awake_from": dt.time(7, 0, 30), "asleep_from": "23:00"}, "awake_from", "no seconds"),
        ({"needled_at": dt.datetime(2026, 1, 1, 9, 0)}, "needled_at", "HH:MM"),
        ({"has_helper": "yes"}, "has_helper", "True or False"),
        ({"has_helper": 1}, "has_helper", "True or False"),
        ({"flu": True}, "flu", "raynauds"),
        ({"diabetes": "yes"}, "diabetes", "True or False"),
    ],
)
def test_patient_errors_name_field_and_range(fields, named, allowed):
    with pytest.raises(InputError) as info:
        Patient(**fields)
    message = str(info.value)
    assert message.startswith(named)
    assert allowed in message
    assert info.value.field == named


def test_one_sided_waking_time_names_the_field_to_give():
    """The issue's reproduction: awake_from alone equal to the default night_starts."""
    with pytest.raises(InputError, match="Give asleep_from too"):
        Patient(needled_at="09:00", awake_from="23:00")


def test_plan_needs_a_patient():
    with pytest.raises(TypeError, match="Patient"):
        plan_icing({"hours_since_needling": 1})


def test_unknown_preset_lists_presets():
    from aftercare.protocol import list_protocols

    presets = list_protocols()  # the shipped ones and any a clinic added
    assert {"early-cold", "seed-article"} <= set(presets)
    with pytest.raises(DataError) as info:
        load_protocol("no-such-preset")
    assert f"allowed: {', '.join(presets)}, or a path" in str(info.value)


def _edit_protocol(data_copy, old: str, new: str):
    path = data_copy / "protocols" / "seed-article.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "allowed"),
    [
        ("value: 20\n", "value: 0\n", "rules.max_session_minutes.value", "1 to 60 minutes"),
        ("value: 20\n", "value: 90\n", "rules.max_session_minutes.value", "1 to 60 minutes"),
        ("value: 3\n", "value: -1\n", "rules.wait_hours.value", "0 to 72 hours"),
        ("value: 2\n", "value: 0\n", "rules.interval_hours.value", "0.5 to 24 hours"),
        ("value: damp_towel", "value: none", "rules.barrier.value", "double_dry_towel"),
        ('value: "07:00"', 'value: "7 am"', "rules.day_starts", "HH:MM"),
        ('value: "23:00"', "value: 23:00", "rules.night_starts", "in quotes"),
        ('value: "07:00"', 'value: "07:00:30"', "rules.day_starts", "no seconds"),
        ('value: "23:00"', 'value: "05:00"', "rules.night_starts", "at least 4 hours"),
        ("value: 4\n", "value: 0\n", "rules.max_sessions_per_day.value", "1 to 24 sessions"),
        ("superficial_nerve: 10", "superficial_nerve: 30", "superficial_nerve", "shorter"),
        ("superficial_nerve: 10", "frostbite: 10", "factor_max_session_minutes", "raynauds"),
        ("  en: ", "  fr-FRANCE: x\n  en: ", "title", "language tag"),
        (
            "factor_levels: {}",
            "factor_levels: {raynauds: maybe}",
            "factor_levels.raynauds",
            "'ok', 'caution' or 'avoid'",
        ),
        ("factor_levels: {}", "factor_levels: {flu: avoid}", "factor_levels", "raynauds"),
        (
            "source_ids: [bleakley2006, bugaj1975]",
            "source_ids: [made-up-2020]",
            "interval_hours.source_ids",
            "ids",
        ),
    ],
)
def test_protocol_errors_name_file_key_and_range(data_copy, old, new, key, allowed):
    _edit_protocol(data_copy, old, new)
    with pytest.raises(DataError) as info:
        load_protocol()
    message = str(info.value)
    assert "data/protocols/seed-article.yaml" in message
    assert key in message
    assert allowed in message


def test_malformed_yaml_names_line(data_copy):
    _edit_protocol(data_copy, "rules:\n", "rules: [\n")
    with pytest.raises(DataError, match=r"seed-article.yaml.*malformed YAML.*line \d+"):
        load_protocol()


def test_missing_rule_is_named(data_copy):
    path = data_copy / "protocols" / "seed-article.yaml"
    text = path.read_text()
    start = text.index("  plan_hours:")
    end = text.index("  barrier:")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(DataError, match=r"rules.plan_hours.*Field required"):
        load_protocol()


def test_clinic_file_outside_data_folder(tmp_path):
    source = load_protocol().source_path().read_text()
    clinic = tmp_path / "my-clinic.yaml"
    clinic.write_text(
        source.replace("name: seed-article", "name: my-clinic").replace(
            "value: 20\n", "value: 15\n", 1
        )
    )
    protocol = load_protocol(clinic)
    assert protocol.name == "my-clinic" and protocol.max_session_minutes == 15
    (tmp_path / "bad.yaml").write_text(source.replace("value: 20\n", "value: 90\n", 1))
    with pytest.raises(DataError, match=r"bad.yaml.*max_session_minutes.*1 to 60"):
        load_protocol(tmp_path / "bad.yaml")


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
        ("raynauds,cold,", ",cold,", ",ice,", "'cold', 'heat', 'massage' or 'stretching'"),
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


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "Use ice no more than {max_sessions_per_day}",
            "Use ice no more than {per_daay}",
            "unknown placeholder {per_daay}",
        ),
        ("    rule: interval_hours\n", "    rule: spacing_hours\n", "unknown rule 'spacing_hours'"),
        ("  asleep:\n", "  sleeping:\n", "step 'asleep' is missing"),
        ("because of {labels}.", "because of {names}.", "unknown placeholder {names}"),
        ("  avoid: ice is ruled out\n", "", "'avoid' is missing"),
        (
            "    rule: interval_hours\n",
            "    rule: interval_hours\n    reason: x\n",
            "exactly one of",
        ),
    ],
)
def test_instructions_file_errors_name_the_step(data_copy, old, new, words):
    from aftercare.instructions import load_steps

    path = data_copy / "instructions.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    load_steps.cache_clear()
    try:
        with pytest.raises(DataError) as info:
            load_steps()
    finally:
        load_steps.cache_clear()
    assert "data/instructions.yaml" in str(info.value) and words in str(info.value)


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


def test_unknown_source_in_factor_table(data_copy):
    path = data_copy / "factors.csv"
    path.write_text(path.read_text().replace("pai-seed;deroyal-ifu", "pai-seed;nobody2099", 1))
    with pytest.raises(DataError, match=r"factors.csv.*unknown source id 'nobody2099'"):
        load_factors()


def test_data_folder_override_must_exist(monkeypatch):
    from aftercare.data import data_dir

    monkeypatch.setenv("AFTERCARE_DATA", "/nonexistent/aftercare-data")
    with pytest.raises(DataError, match="does not exist"):
        data_dir()
