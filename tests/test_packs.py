"""aftercare.packs: the cold packs and barriers of data/, the one home of their ids and labels."""

from __future__ import annotations

import re
import shutil

import pytest

from aftercare import Patient, load_protocol, plan_icing
from aftercare.errors import DataError
from aftercare.packs import (
    barrier_ids,
    load_barriers,
    load_modalities,
    modality_ids,
    prescribable_barriers,
)

NEW_BARRIER = """
thin_cloth:
  label: One thin cotton cloth
  short_label: thin cloth
  prescribable: true
  plan_label: a thin cotton cloth
  resistance_m2k_w: 0.003
  layers: 1
  source_ids: [damptowel-study]
  basis: "test entry: thinner than a dry towel"
"""


def test_ids_and_labels_come_from_the_files():
    assert barrier_ids() == tuple(load_barriers()) and "none" in barrier_ids()
    assert modality_ids() == tuple(load_modalities())
    for barrier in load_barriers().values():
        assert barrier.label and barrier.short_label
        assert barrier.prescribable == (barrier.plan_label is not None)
    assert "none" not in prescribable_barriers()  # ice always has a barrier
    assert load_barriers()["none"].short_label == "no barrier"  # reads well in a chart title


def test_every_preset_uses_a_known_pack_and_a_prescribable_barrier(preset):
    assert preset.modality in modality_ids()
    assert preset.barrier in prescribable_barriers()
    assert preset.barrier_label == load_barriers()[preset.barrier].plan_label


def test_a_prescribable_barrier_needs_its_plan_label(data_copy):
    with (data_copy / "barriers.yaml").open("a", encoding="utf-8") as handle:
        handle.write(NEW_BARRIER.replace("  plan_label: a thin cotton cloth\n", ""))
    with pytest.raises(DataError, match="barriers.yaml, line .*'thin_cloth'.*needs plan_label"):
        load_barriers()


def test_a_protocol_barrier_must_be_prescribable(data_copy):
    seed = (data_copy / "protocols" / "seed-article.yaml").read_text(encoding="utf-8")
    assert seed.count("value: damp_towel") == 1
    (data_copy / "protocols" / "bare.yaml").write_text(
        seed.replace("name: seed-article", "name: bare").replace(
            "value: damp_towel", "value: none"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line \d+.*rules.barrier.value.*'none' is not a barrier"):
        load_protocol("bare")


def test_a_new_barrier_is_a_data_change_plus_its_translations(data_copy, tmp_path, monkeypatch):
    """Following docs/extending.md: one entry in data/barriers.yaml, a protocol that uses it,
    and its sentence in each handout catalogue. No code changes."""
    from aftercare.charts import cooling_curve
    from aftercare.sheet import i18n
    from aftercare.sheet.handout import render_handout
    from aftercare.sheet.patient_file import PatientFile
    from aftercare.thermal import simulate_cooling

    with (data_copy / "barriers.yaml").open("a", encoding="utf-8") as handle:
        handle.write(NEW_BARRIER)
    seed = (data_copy / "protocols" / "seed-article.yaml").read_text(encoding="utf-8")
    (data_copy / "protocols" / "cloth.yaml").write_text(
        seed.replace("name: seed-article", "name: cloth").replace(
            "value: damp_towel", "value: thin_cloth"
        ),
        encoding="utf-8",
    )
    assert "thin_cloth" in prescribable_barriers()
    protocol = load_protocol("cloth")
    plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), protocol)
    assert set(plan.sessions.barrier_label) == {"a thin cotton cloth"}
    assert any("Always put a thin cotton cloth between" in step for step in plan.instructions)
    simulation = simulate_cooling("crushed_ice", "thin_cloth", 20)
    assert "crushed ice, thin cloth, 20 min" in cooling_curve(simulation).caption

    record = PatientFile.model_validate({"needled_at": "09:30", "protocol": "cloth"})
    # Without its sentence in the catalogues, no sheet is printed (never a half sentence).
    i18n.get_translator.cache_clear()
    with pytest.raises(
        i18n.CatalogueError, match=re.escape("no translation for 'barrier|thin_cloth'")
    ):
        render_handout(record, lang="en")
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    sentences = {"en": "Wrap the ice in a thin cotton cloth.", "pt_BR": "Enrole o gelo em um pano."}
    for folder, sentence in sentences.items():
        with (locale / folder / "LC_MESSAGES" / "handout.po").open("a", encoding="utf-8") as po:
            po.write(f'\nmsgctxt "barrier"\nmsgid "thin_cloth"\nmsgstr "{sentence}"\n')
    with monkeypatch.context() as patch:
        patch.setattr(i18n, "LOCALE_DIR", locale)
        i18n.get_translator.cache_clear()
        try:
            assert sentences["en"] in render_handout(record, lang="en")
            assert sentences["pt_BR"] in render_handout(record, lang="pt-BR")
        finally:
            i18n.get_translator.cache_clear()
