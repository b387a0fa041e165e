"""The documentation renders as written: every code fence closes (markdown-it-py, CommonMark).

An unclosed fence is not an error to a Markdown renderer: the rest of the page silently becomes
code (docs/classroom.md once lost its Sizing and Kubernetes sections that way). markdown-it-py,
the CommonMark parser behind Jupyter's and MyST's Markdown, finds each fence; a fence whose last
line is not a closing marker ran to the end of the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("notebooks/*.md")])


def unclosed_fences(text: str) -> list[int]:
    """Line numbers (1-based) of the code fences in ``text`` that never close."""
    lines = text.splitlines()
    unclosed = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map
        last = lines[end - 1].strip() if end - 1 > start else ""
        closes = len(last) >= len(token.markup) and set(last) == {token.markup[0]}
        if not closes:
            unclosed.append(start + 1)
    return unclosed


def test_an_unclosed_fence_is_found():
    assert unclosed_fences("# Title\n\n```bash\nrun\n```\n\ntext\n") == []
    assert unclosed_fences("# Title\n\n```json\n{}\n``` What follows:\n\n## Sizing\n") == [3]
    assert unclosed_fences("- item\n\n  ~~~\n  code\n  ~~~\n") == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_fence_in_the_docs_closes(page):
    found = unclosed_fences(page.read_text(encoding="utf-8"))
    assert found == [], (
        f"{page.relative_to(ROOT)}: code fence opened on line(s) {found} never closes"
    )
