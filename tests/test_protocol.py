"""Protocol rules added for safety: per-day cap, factor caps, heat limit, labels, titles."""

from __future__ import annotations

import copy

import pytest
import yaml

from aftercare import DataError, Patient, load_protocol, plan_icing
from aftercare.protocol import protocol_from_mapping, rule_names

BASE = yaml.safe_load(load_protocol().source_path().read_text())


#: The suite's own presets, held to its house rules for wording and translation. A clinic's
#: preset is held only to what the preset format asks (test_every_preset_is_a_usable_protocol).
SUITE_PRESETS = ("seed-article", "early-cold")


def test_every_preset_is_a_usable_protocol(preset):
    """Any preset (the suite's, a clinic's, the minimal one): what load_protocol guarantees."""
    rows = {row["rule"]: row for row in preset.rule_table()}
    assert set(rows) == set(rule_names())
    for name, row in rows.items():
        rule = preset.rule(name)
        assert rule.source_ids and rule.basis.strip(), name
        assert row["basis"] == rule.basis.strip()
    assert preset.title and preset.title_in("pt-BR")  # a plain title serves every language
    plan = plan_icing(Patient(needled_at="09:00"), preset)
    assert plan.protocol is preset and plan.verdict == "ok"
    assert (plan.sessions.minutes <= preset.max_session_minutes).all()


@pytest.mark.parametrize("name", SUITE_PRESETS)
def test_the_suites_presets_label_what_the_sources_do_not_settle(name):
    protocol = load_protocol(name)
    for row in protocol.rule_table():
        rule = protocol.rule(row["rule"])
        says_choice = "choice" in row["basis"] or row["basis"].startswith("As in the seed")
        if rule.protocol_choice:
            assert says_choice, (name, row["rule"])
    assert protocol.title_in("pt-BR") != protocol.title  # the suite's presets are translated


def test_the_minimal_clinic_preset_is_the_seed_with_three_edits(presets):
    from clinic_preset import MINIMAL_CLINIC

    seed, clinic = presets["seed-article"], presets[MINIMAL_CLINIC]
    assert clinic.name == MINIMAL_CLINIC and clinic.title == clinic.title_in("pt-BR")
    assert clinic.max_session_minutes == 15 != seed.max_session_minutes
    for name in rule_names():
        if name != "max_session_minutes":
            assert clinic.rule(name) == seed.rule(name), name


def test_seed_article_defaults_state_their_sources():
    protocol = load_protocol()
    assert protocol.plan_hours == 48 and protocol.rule("plan_hours").protocol_choice
    assert "martinpintado2015" in protocol.rule("plan_hours").source_ids  # low at 48 h
    assert "ankle-sprain" in protocol.rule("interval_hours").basis
    assert "hotpack-howto" in protocol.rule("skin_check_minutes").source_ids
    assert "houghton2010" not in protocol.rule("skin_check_minutes").source_ids
    assert protocol.factor_max_session_minutes("superficial_nerve") == 10
    assert "moeller1997" in protocol.rule("factor_max_session_minutes").source_ids


def test_title_per_language_or_plain():
    raw = copy.deepcopy(BASE)
    raw["title"] = "Plain title"
    plain = protocol_from_mapping(raw, "plain.yaml")
    assert plain.title == plain.title_in("pt-BR") == "Plain title"
    raw["title"] = {"pt-BR": "Só em português"}
    with pytest.raises(DataError, match="English title"):
        protocol_from_mapping(raw, "no-en.yaml")
    raw["title"] = {"en": "E", "pt-BR": "P"}
    both = protocol_from_mapping(raw, "both.yaml")
    assert (both.title, both.title_in("pt-BR"), both.title_in("es")) == ("E", "P", "E")


def test_new_rules_are_required_not_defaulted():
    raw = copy.deepcopy(BASE)
    del raw["rules"]["max_sessions_per_day"]
    with pytest.raises(DataError, match="rules.max_sessions_per_day.*Field required"):
        protocol_from_mapping(raw, "old-clinic.yaml")


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


# --- rules that contradict each other ---------------------------------------------------------


def _with(**values):
    raw = copy.deepcopy(BASE)
    for rule, value in values.items():
        raw["rules"][rule]["value"] = value
    return raw


@pytest.mark.parametrize(
    ("values", "named", "allowed"),
    [
        # The probe's protocol: continuous ice from 07:00 to 22:00 on the sheet.
        (
            dict(interval_hours=0.5, max_session_minutes=60, max_sessions_per_day=24),
            ("rules.interval_hours.value", "interval_hours (0.5 h)", "max_session_minutes (60"),
            "at least 1 h",
        ),
        # The probe's other protocol: "There are no ice times left".
        (
            dict(wait_hours=72, plan_hours=48),
            ("rules.wait_hours.value", "wait_hours (72 h)", "plan_hours (48 h)"),
            "shorter than plan_hours",
        ),
        (
            dict(wait_hours=48, plan_hours=48),
            ("rules.wait_hours.value", "wait_hours (48 h)", "plan_hours (48 h)"),
            "shorter than plan_hours",
        ),
        # 07:00 to 23:00 is 16 h: 20-minute sessions every 2 h fit 8 times.
        (
            dict(max_sessions_per_day=9),
            ("rules.max_sessions_per_day.value", "max_sessions_per_day (9)", "interval_hours (2"),
            "1 to 8 sessions",
        ),
        (
            dict(max_sessions_per_day=24, interval_hours=1, max_session_minutes=60),
            ("max_sessions_per_day (24)", "day_starts 07:00", "night_starts 23:00"),
            "1 to 16 sessions",
        ),
    ],
)
def test_contradicting_rules_are_refused_naming_both(values, named, allowed):
    with pytest.raises(DataError) as info:
        protocol_from_mapping(_with(**values), "my-clinic.yaml")
    message = str(info.value)
    assert "my-clinic.yaml" in message and allowed in message
    for words in named:
        assert words in message


def test_contradictions_name_the_line_in_a_file(tmp_path):
    text = load_protocol().source_path().read_text(encoding="utf-8")
    clinic = tmp_path / "my-clinic.yaml"
    clinic.write_text(text.replace("value: 3\n", "value: 72\n", 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_protocol(clinic)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "    value: 3")
    assert f"line {line}" in str(info.value) and "wait_hours" in str(info.value)


@pytest.mark.parametrize(
    "values",
    [
        dict(interval_hours=1, max_session_minutes=60),  # back to back: not shorter
        dict(wait_hours=47.9, plan_hours=48),
        dict(max_sessions_per_day=8),  # exactly what 07:00-23:00 holds at 2 h
        dict(max_sessions_per_day=16, interval_hours=1, max_session_minutes=60),
    ],
)
def test_rules_at_the_edge_of_a_contradiction_are_accepted(values):
    protocol = protocol_from_mapping(_with(**values), "my-clinic.yaml")
    for rule, value in values.items():
        assert getattr(protocol, rule) == value


def test_a_waking_day_holds_whole_sessions_at_the_spacing():
    import datetime as dt

    from aftercare.protocol import sessions_a_waking_day_holds as holds

    seven, eleven = dt.time(7), dt.time(23)
    assert holds(seven, eleven, 20, 2) == 8  # 07:00, 09:00 ... 21:00; 23:00 is bedtime
    assert holds(seven, eleven, 60, 2) == 8  # 21:00-22:00 still fits
    assert holds(seven, eleven, 61, 2) == 8  # 21:00-22:01 too
    assert holds(seven, dt.time(22, 59), 120, 2) == 7  # 21:00-23:00 would run into the night
    assert (
        holds(seven, eleven, 20, 0.25) == holds(seven, eleven, 20, 1 / 3) == 48
    )  # spacing >= session
    assert holds(dt.time(22), dt.time(2), 20, 0.5) == 8  # across midnight: 4 h awake
    assert holds(seven, dt.time(7, 10), 20, 2) == 0  # 10 minutes awake
