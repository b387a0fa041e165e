"""aftercare.instructions: the steps' file and its errors (the step named)."""

from __future__ import annotations

import pytest

from aftercare import DataError


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
