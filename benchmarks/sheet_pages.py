"""Pages of the patient sheet for every single condition, every pair and all conditions at once.

Each sheet (patient copy, no helper recorded) is rendered and printed to A4 PDF with the same
Chromium printing as ``python -m aftercare handout --out sheet.pdf`` (one browser for all);
pages are counted with pypdf. Prints, per language, how many sheets need 1, 2, 3 or more pages
and any single or pair over 2 pages or an all-conditions sheet over 3. With ``--table``, also the
closing table of issue 20 for ten realistic combinations: the ice verdict, what the "Do not use"
box rules out, the pages and the Flesch-Kincaid grade of the English sheet (as
``tests/readability.py`` measures it).

    .venv/bin/python benchmarks/sheet_pages.py            # every single and pair, en and pt-BR
    .venv/bin/python benchmarks/sheet_pages.py --table    # plus the ten-combination table
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pypdf import PdfReader  # noqa: E402

from aftercare.export.pdf import print_many  # noqa: E402
from aftercare.factors import factor_ids  # noqa: E402
from aftercare.sheet.handout import handout_context, render_handout  # noqa: E402
from aftercare.sheet.i18n import languages  # noqa: E402
from aftercare.sheet.patient_file import PatientFile  # noqa: E402

#: Ten combinations a clinic meets (factor ids, helper recorded).
REALISTIC = [
    ((), False),
    (("diabetes",), False),
    (("diabetes", "neuropathy"), False),
    (("diabetes", "neuropathy"), True),
    (("raynauds", "bleeding_risk"), False),
    (("dvt_at_site",), False),
    (("cognitive_impairment",), True),
    (("hypertension_cardiac", "bleeding_risk"), False),
    (("pregnancy", "superficial_nerve"), False),
    (("age_extremes", "open_skin", "diabetes"), True),
]


def _record(factors, helper) -> PatientFile:
    return PatientFile.model_validate(
        {"needled_at": "09:30", "factors": list(factors), "has_helper": helper}
    )


def _pages(pdfs: list[bytes]) -> list[int]:
    return [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="store_true", help="print the ten-combination table")
    parser.add_argument("--lang", action="append", help="only these languages (default: all)")
    args = parser.parse_args()
    factors = list(factor_ids())
    combos = [(f,) for f in factors] + list(itertools.combinations(factors, 2))
    for lang in args.lang or languages():
        started = time.perf_counter()
        htmls = [render_handout(_record(c, False), lang=lang) for c in combos]
        htmls.append(render_handout(_record(factors, False), lang=lang))
        pages = _pages(print_many(htmls, slides=False))
        seconds = time.perf_counter() - started
        *sheets, every = pages
        over = [c for c, p in zip(combos, sheets, strict=True) if p > 2]
        print(
            f"{lang}: {len(combos)} single and pair sheets, pages {dict(sorted(Counter(sheets).items()))}; "
            f"over 2: {over or 'none'}; all {len(factors)} conditions: {every} pages "
            f"({seconds:.0f} s)"
        )
    if args.table:
        from readability import fk_grade, patient_text

        print(
            "\n| conditions | helper | ice verdict | box rules out | pages en / pt-BR | FK grade (en) |"
        )
        print("|---|---|---|---|---|---|")
        for combo, helper in REALISTIC:
            record = _record(combo, helper)
            context = handout_context(record)
            box = sorted(item["id"] for item in context["do_not_use"])
            htmls = [render_handout(record, lang=lang) for lang in languages()]
            pages = _pages(print_many(htmls, slides=False))
            grade = fk_grade(patient_text(htmls[0]))
            print(
                f"| {' + '.join(combo) or 'none'} | {'yes' if helper else 'no'} | "
                f"{context['verdict']} | {', '.join(box) or '-'} | "
                f"{' / '.join(map(str, pages))} | {grade:.1f} |"
            )


if __name__ == "__main__":
    main()
