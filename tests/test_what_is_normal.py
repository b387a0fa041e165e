"""The sheet's "what is normal after needling" block (data/what_is_normal.yaml): every line has
its sources, unsupported lines are never printed, the ice line only where ice has a plan."""

from __future__ import annotations

import re

import pytest
import yaml
from markupsafe import escape

from aftercare.errors import DataError
from aftercare.sheet.handout import render_handout
from aftercare.sheet.i18n import get_translator, languages
from aftercare.sheet.patient_file import PatientFile
from aftercare.sheet.what_is_normal import load_what_is_normal, sheet_normal_items
from aftercare.sources import load_sources

BASE = {"needled_at": "09:30", "hours_since_needling": 0.5}


def block(factors: list[str], lang: str = "en", **kw) -> str:
    html = render_handout(PatientFile.model_validate({**BASE, "factors": factors}), lang=lang, **kw)
    match = re.search(r'aria-labelledby="h-normal">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def test_the_five_lines_the_issue_names_each_with_sources():
    items = {i.id: i for i in load_what_is_normal()}
    assert {"soreness", "bruise", "tired", "flare", "emotional", "ice_again"} == set(items)
    sources = load_sources()
    for item in items.values():
        assert item.source_ids and all(s in sources for s in item.source_ids), item.id
    # NHS cold-therapy leaflets for "use ice again once the skin is normal".
    assert {"mpft-cold", "blackpool-pl774"} <= set(items["ice_again"].source_ids)


@pytest.mark.parametrize("lang", list(languages()))
def test_sheet_prints_each_line_and_the_ice_line_only_with_an_ice_plan(lang):
    tr = get_translator(lang)
    with_ice = block([], lang)
    assert escape(tr("normal.heading")) in render_handout(
        PatientFile.model_validate(BASE), lang=lang
    )
    for item in sheet_normal_items({"ice"}):
        assert f'data-normal="{item.id}"' in with_ice
        assert str(escape(tr(item.id, context="normal"))) in with_ice, item.id
    no_ice = block(["raynauds"], lang)  # ice ruled out
    assert 'data-normal="soreness"' in no_ice and 'data-normal="ice_again"' not in no_ice


def test_left_out_lines_are_never_printed():
    from aftercare.data import data_path

    doc = yaml.safe_load(data_path("what_is_normal.yaml").read_text(encoding="utf-8"))
    assert doc["left_out"], "the unsupported lines are recorded with their reason"
    text = block([]).lower()
    assert "brief" not in text  # no source gives the flare's duration
    assert "worst on the first day" not in text


def test_clinician_copy_cites_each_line():
    text = block([], copy="clinician")
    for item in sheet_normal_items({"ice"}):
        assert ", ".join(item.source_ids) in text, item.id


def test_a_line_without_a_source_is_refused(data_copy):
    path = data_copy / "what_is_normal.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "source_ids: [brady2014, boyce2020]", "source_ids: []"
        ),
        encoding="utf-8",
    )
    load_what_is_normal.cache_clear()
    try:
        with pytest.raises(DataError, match="what_is_normal.yaml"):
            load_what_is_normal()
    finally:
        load_what_is_normal.cache_clear()
