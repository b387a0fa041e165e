"""A clinic's own preset, made the README's way: copy ``data/protocols/seed-article.yaml`` and
change its name, title, version, effective date and one value (the session cap).

Every edit must take: when the seed file's wording changes, this fails loudly instead of
leaving a "clinic" preset that is the seed under another name.
"""

from __future__ import annotations

from aftercare import load_protocol


def clinic_preset_text(
    name: str = "my-clinic",
    *,
    title: str = "My clinic protocol",
    version: str = "2.1",
    effective_date: str = "2027-01-15",
    minutes: int = 15,
) -> str:
    """The text of a clinic preset copied from seed-article.yaml, with the edits applied."""
    text = load_protocol("seed-article").source_path().read_text(encoding="utf-8")
    edits = (
        ("name: seed-article\n", f"name: {name}\n"),
        ('  en: "Source-article protocol', f'  en: "{title}'),
        ('version: "1.0"', f'version: "{version}"'),
        ("effective_date: 2026-11-27", f"effective_date: {effective_date}"),
        ("  max_session_minutes:   # longest", "  max_session_minutes:   # our cap; longest"),
    )
    for old, new in edits:
        assert text.count(old) == 1, f"seed-article.yaml no longer has {old!r} once"
        text = text.replace(old, new)
    cap = text.index("  max_session_minutes:")
    value = text.index("    value: 20\n", cap)
    return text[:value] + f"    value: {minutes}\n" + text[value + len("    value: 20\n") :]
