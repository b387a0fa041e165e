"""The house palette: colour-blind-safe colours and how each suitability level is shown.

Kept apart from :mod:`aftercare.charts.style` (which re-exports it) so that text output
(:mod:`aftercare.present`) uses the same colours and words without importing matplotlib.

References
----------
Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and presentations that
are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

__all__ = ["OKABE_ITO", "LEVEL_STYLE"]

#: The Okabe-Ito palette (name -> hex), safe for common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Category -> how it is drawn. Colour is backed up by a text label, a marker and a hatch.
LEVEL_STYLE: dict[str, dict[str, str]] = {
    "ok": {"color": OKABE_ITO["bluish_green"], "marker": "o", "hatch": "", "label": "OK"},
    "recommended": {
        "color": OKABE_ITO["bluish_green"],
        "marker": "o",
        "hatch": "",
        "label": "recommended",
    },
    "caution": {"color": OKABE_ITO["orange"], "marker": "^", "hatch": "//", "label": "caution"},
    "avoid": {"color": OKABE_ITO["vermillion"], "marker": "X", "hatch": "xx", "label": "AVOID"},
}
