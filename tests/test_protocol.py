"""Protocol rules added for safety: per-day cap, factor caps, heat limit, labels, titles."""

from __future__ import annotations

import copy

import pytest
import yaml

from aftercare import DataError, list_protocols, load_protocol
from aftercare.protocol import protocol_from_mapping

BASE = yaml.safe_load(load_protocol().source_path().read_text())


@pytest.mark.parametrize("name", list_protocols())
def test_every_preset_labels_what_the_sources_do_not_settle(name):
    protocol = load_protocol(name)
    for row in protocol.rule_table():
        rule = protocol.rule(row["rule"])
        says_choice = "choice" in row["basis"] or row["basis"].startswith("As in the seed")
        if rule.protocol_choice:
            assert says_choice, (name, row["rule"])
    for rule in ("max_sessions_per_day", "factor_max_session_minutes", "heat_max_minutes"):
        assert protocol.rule(rule).source_ids
    assert protocol.title_in("pt-BR") != protocol.title  # the shipped presets are translated


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
