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


#: The minimal clinic preset's name: a copy of seed-article.yaml as the README and the file's
#: own comment allow, with the least a clinic must change (name, a one-line title, one value).
MINIMAL_CLINIC = "minimal-clinic"


def minimal_clinic_preset_text(name: str = MINIMAL_CLINIC, *, minutes: int = 15) -> str:
    """seed-article.yaml with its name, a plain one-line ``title:`` and the session cap changed.

    Nothing else: no translated title, no new version or basis. A test over presets may ask of
    it only what the preset format asks (the checks ``load_protocol`` makes).
    """
    text = load_protocol("seed-article").source_path().read_text(encoding="utf-8")
    start = text.index("title:")
    end = text.index("version:", start)
    assert text[start:end].count("\n") == 3, "seed-article.yaml's title block changed"
    text = text[:start] + "title: My clinic's protocol\n" + text[end:]
    assert text.count("name: seed-article\n") == 1
    text = text.replace("name: seed-article\n", f"name: {name}\n")
    cap = text.index("  max_session_minutes:")
    value = text.index("    value: 20\n", cap)
    return text[:value] + f"    value: {minutes}\n" + text[value + len("    value: 20\n") :]


def preset_ids() -> list[str]:
    """The presets the preset-parametrized tests run on: every preset in data/protocols (the
    suite's and any a clinic added) and the minimal clinic preset."""
    from aftercare import list_protocols

    return [*list_protocols(), MINIMAL_CLINIC]
