"""aftercare.alternatives: the comparison of heat, massage, stretching... with ice."""

from __future__ import annotations

from aftercare import Patient, compare_alternatives
from aftercare.sources import load_sources


def test_compare_alternatives_has_one_row_per_therapy_with_sources():
    from aftercare.therapies import load_therapies

    table = compare_alternatives(Patient())
    assert list(table.therapy) == list(load_therapies())
    assert set(table.suitability) <= {"recommended", "caution", "avoid"}
    sources = load_sources()
    for ids in table.source_ids:
        assert ids and all(i in sources for i in ids)
