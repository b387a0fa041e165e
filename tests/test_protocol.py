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
