"""Hypothesis fuzz: generated patient files, through reading and planning to the rendered sheet.

Every generated file (valid fields, wrong types, junk values, unknown and repeated keys, NaN,
markup and control characters in text) must either be refused with one short line that names
the file, or become a sheet in which every text the clinician wrote appears HTML-escaped and
that runs no script. Nothing else (no traceback, no other exception) is allowed.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import event, example, given
from hypothesis import strategies as st
from markupsafe import escape

from aftercare.errors import AftercareError
from aftercare.factors import factor_ids
from aftercare.sheet.handout import write_handout
from aftercare.sheet.i18n import languages

FACTORS = list(factor_ids())
TEXT_FIELDS = ("site", "name", "clinic_name", "clinic_phone", "clinician", "note")

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**40), 10**40) | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
# Printable text, markup, quotes, control characters, right-to-left marks, emoji.
text = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["<", ">", "&", '"', "'", "\x1b", "\u202e"]),
    max_size=220,
)


VALID = {
    "hours_since_needling": st.floats(0, 168) | st.integers(0, 168),
    "needled_on": st.dates().map(lambda d: d.isoformat()),
    "awake_from": clock,
    "asleep_from": clock,
    "skinfold_mm": st.floats(0, 80) | st.integers(0, 80),
    "factors": st.lists(st.sampled_from(FACTORS), max_size=4, unique=True),
    "protocol": st.sampled_from(["seed-article", "early-cold"]),
    **{field: text for field in TEXT_FIELDS},
}
# Each field may also be out of range, of the wrong type, or junk.
BROKEN = {
    **{field: valid | junk for field, valid in VALID.items()},
    "needled_on": VALID["needled_on"] | st.text(max_size=12) | junk,
    "factors": st.lists(st.sampled_from([*FACTORS, "frostbite"]), max_size=4) | junk,
    "protocol": st.sampled_from(["no-such-preset", "../etc/passwd.yaml"]) | junk,
}

BROKEN_CLOCK = clock | st.text(max_size=8) | junk


@st.composite
def patient_files(draw) -> str:
    """The text of a patient file: plausible, with one field broken, or broken in every way."""
    mode = draw(st.sampled_from(["valid", "one field broken", "all broken"]))
    broken = mode == "all broken"
    required = {"needled_at": BROKEN_CLOCK if broken else clock}
    record = draw(st.fixed_dictionaries(required, optional=BROKEN if broken else VALID))
    if mode == "one field broken":
        field = draw(st.sampled_from(sorted([*BROKEN, "needled_at"])))
        record[field] = draw(BROKEN_CLOCK if field == "needled_at" else BROKEN[field])
    pairs = list(record.items())
    if broken:
        pairs += draw(st.lists(st.tuples(st.text(max_size=12), junk), max_size=2))
        if draw(st.booleans()):
            pairs.append(draw(st.sampled_from(pairs)))  # a key given twice
    body = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs)
    return "{" + body + "}"


@given(patient_files(), st.sampled_from(list(languages())))
@example('{"needled_at": "09:00", "hours_since_needling": true}', "en")
@example('{"needled_at": "09:00", "skinfold_mm": "12"}', "en")
@example('{"needled_at": "09:00", "name": 12}', "pt-BR")
@example('{"needled_at": "09:00", "site": "\\r<b>x</b>"}', "en")
@example('{"needled_at": "00:00", "protocol": "../etc/passwd.yaml"}', "en")
def test_any_patient_file_gives_a_sheet_or_one_named_line(text, lang):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "patient.json"
        path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "sheet.html"
        try:
            write_handout(path, out, lang=lang)
        except AftercareError as exc:
            event("refused")
            message = str(exc)
            assert "\n" not in message and "\r" not in message, message
            assert str(path) in message or "data/protocols" in message, message
            assert len(message) - len(str(path)) <= 400, message
            assert not out.exists()
            return
        html = out.read_bytes().decode("utf-8")  # as written: no newline translation
    event("sheet written")
    record = json.loads(text)  # accepted, so plain JSON without duplicates
    assert "<script" not in html.lower()
    for field in TEXT_FIELDS:
        value = record.get(field)
        assert value is None or isinstance(value, str), field  # never coerced to text
        if value:
            assert str(escape(value)) in html, field
    for field, (low, high) in {"hours_since_needling": (0, 168), "skinfold_mm": (0, 80)}.items():
        number = record.get(field, low)
        assert isinstance(number, int | float) and not isinstance(number, bool), field
        assert math.isfinite(number) and low <= number <= high, field
    for field in ("needled_at", "awake_from", "asleep_from", "needled_on", "protocol"):
        assert record.get(field) is None or isinstance(record[field], str), field
    assert all(isinstance(f, str) for f in record.get("factors", [])), record.get("factors")
