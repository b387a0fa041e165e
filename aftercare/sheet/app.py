"""PatientSheetApp: fill in a patient on a form, see the aftercare sheet, write it to a file.

The dashboard for clinicians who do not write code (``dashboards/patient_sheet.ipynb``, served
by ``./scripts/dashboards``). It is a thin front end to :mod:`aftercare.sheet.handout`: the
form becomes a patient file (the same JSON that ``python -m aftercare handout --patient`` reads,
validated by :class:`~aftercare.sheet.patient_file.PatientFile`), the preview is
:func:`~aftercare.sheet.handout.render_handout`, and "Write the sheet" calls
:func:`~aftercare.sheet.handout.write_sheet`, the handout's own writer given the record
(HTML, or PDF through the system Chromium).
An existing sheet is never replaced unless "Replace" is ticked; every error is one line.

Examples
--------
>>> app = PatientSheetApp()
>>> app.controls["raynauds"].value = True
>>> 'data-rules-out="ice"' in app.preview_html()  # the "Do not use" box names ice
True
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import AftercareError
from ..export.files import OutputExistsError
from ..patient import Patient
from ..widgets.controls import clock_picker, factor_checkboxes, protocol_choices, protocol_dropdown
from .handout import render_handout, write_sheet
from .i18n import language_names
from .patient_file import PatientFile, patient_record

__all__ = ["PatientSheetApp"]


class PatientSheetApp(widgets.VBox):
    """A form for one patient, a live preview of the sheet and a button that writes it.

    Parameters
    ----------
    out_dir : path, optional
        Folder the sheets are written to (default ``sheets`` in the working folder; made when
        the first sheet is written).
    protocol : str, optional
        Preset name or YAML path to start with (default: the suite's protocol).
    """

    def __init__(self, out_dir: str | Path = "sheets", protocol: Any = None) -> None:
        super().__init__()
        self.add_class("aftercare-app")
        self.add_class("aftercare-sheet-app")
        self.out_dir = Path(out_dir)
        start = Patient()
        self.protocols, start_protocol = protocol_choices(protocol)
        c: dict[str, widgets.Widget] = {
            "needled_at": clock_picker(
                start.needled_at, "Needled at (24 h clock)", "aftercare-needled-at"
            ),
            "needled_on": widgets.DatePicker(value=dt.date.today(), description="Needled on"),
            "hours_since_needling": widgets.BoundedFloatText(
                value=0, min=0, max=168, step=1, description="Hours since needling (h)"
            ),
            "skinfold_mm": widgets.BoundedFloatText(
                value=start.skinfold_mm, min=0, max=80, step=1, description="Skinfold (mm)"
            ),
            "protocol": protocol_dropdown(self.protocols, start_protocol),
            "lang": widgets.Dropdown(
                options=[(name, tag) for tag, name in language_names().items()],
                value="en",
                description="Language",
            ),
            "clinic_name": widgets.Text(description="Clinic name", placeholder="optional"),
            "clinic_phone": widgets.Text(description="Clinic phone", placeholder="optional"),
            "site": widgets.Text(description="Needled site", placeholder="optional"),
            "note": widgets.Textarea(
                description="Note", placeholder="optional, printed as written"
            ),
        }
        for control in c.values():
            if "description_width" in control.style.keys:
                control.style.description_width = "12em"
            control.layout.max_width = "100%"
        boxes, grid = factor_checkboxes(start)
        c.update(boxes)
        self._factor_ids = tuple(boxes)
        self.controls = c
        self.file_name = widgets.Text(
            value=f"aftercare-sheet-{dt.date.today():%Y-%m-%d}",
            description="File name",
            style={"description_width": "12em"},
        )
        self.replace = widgets.Checkbox(
            value=False, description="Replace an existing sheet", indent=False
        )
        self.write_html = widgets.Button(
            description="Write the sheet (HTML)", button_style="primary"
        )
        self.write_pdf = widgets.Button(description="Write the sheet (PDF)")
        self.message = widgets.HTML()
        self.message.add_class("aftercare-message")
        self.preview = widgets.HTML()
        self.preview.add_class("aftercare-sheet-preview")
        self.write_html.on_click(lambda _b: self.write("html"))
        self.write_pdf.on_click(lambda _b: self.write("pdf"))
        for control in c.values():
            control.observe(self._update, names="value")
        patient = widgets.VBox(
            [c[k] for k in ("needled_at", "needled_on", "hours_since_needling", "skinfold_mm")]
            + [widgets.HTML("Tick every factor that applies to this patient."), grid]
        )
        sheet = widgets.VBox(
            [c[k] for k in ("protocol", "lang", "clinic_name", "clinic_phone", "site", "note")]
        )
        tabs = widgets.Tab(children=[patient, sheet])
        tabs.titles = ("Patient", "Sheet and clinic")
        tabs.add_class("aftercare-tabs")
        actions = widgets.HBox([self.file_name, self.replace, self.write_html, self.write_pdf])
        actions.add_class("aftercare-row")
        self.children = (tabs, actions, self.message, self.preview)
        self._update()

    # -- the form as a patient file ------------------------------------------------------------
    def record(self) -> PatientFile:
        """The form as a :class:`PatientFile` (raises ``AftercareError`` naming a bad field)."""
        c = self.controls
        data: dict[str, Any] = {
            "hours_since_needling": c["hours_since_needling"].value,
            "needled_at": (c["needled_at"].value or "").strip(),
            "skinfold_mm": c["skinfold_mm"].value,
            "factors": [f for f in self._factor_ids if c[f].value],
        }
        if c["needled_on"].value:
            data["needled_on"] = c["needled_on"].value.isoformat()
        for key in ("clinic_name", "clinic_phone", "site", "note"):
            text = (c[key].value or "").strip()
            if text:
                data[key] = text
        return patient_record(data, "the form")

    def _protocol(self) -> Any:
        return self.protocols[self.controls["protocol"].value]

    def preview_html(self) -> str:
        """The sheet for the form as it is now (the handout's HTML)."""
        return render_handout(
            self.record(), lang=self.controls["lang"].value, protocol=self._protocol()
        )

    def _update(self, _change: Any = None) -> None:
        try:
            sheet = self.preview_html()
        except AftercareError as exc:
            self.message.value = (
                f'<div role="alert"><b>Not updated:</b> {html.escape(str(exc))}</div>'
            )
            return
        self.message.value = ""
        self.preview.value = (
            '<iframe title="Preview of the aftercare sheet" style="width:100%;height:1100px;'
            'border:1px solid #c8c8c8;background:#ffffff" srcdoc="'
            + html.escape(sheet, quote=True)
            + '"></iframe>'
        )

    # -- writing -------------------------------------------------------------------------------
    def write(self, kind: str = "html") -> Path | None:
        """Write the sheet to ``out_dir/<file name>.html`` or ``.pdf`` with the handout's own
        writer; show where, with a link to open or save it. Returns the path (``None`` on error)."""
        name = (self.file_name.value or "").strip() or "aftercare-sheet"
        if "/" in name or "\\" in name or name.startswith("."):
            self.message.value = (
                '<div role="alert"><b>Not written:</b> the file name must be a plain name, '
                "without folders.</div>"
            )
            return None
        target = self.out_dir / f"{name}.{kind}"
        try:
            record = self.record()
            self.out_dir.mkdir(parents=True, exist_ok=True)
            result = write_sheet(
                record,
                target,
                lang=self.controls["lang"].value,
                protocol=self._protocol(),
                force=self.replace.value,
            )
        except OutputExistsError:
            self.message.value = (
                f'<div role="alert"><b>Not written:</b> {html.escape(str(target))} already '
                "exists. Tick <i>Replace an existing sheet</i>, or choose another file name.</div>"
            )
            return None
        except AftercareError as exc:
            self.message.value = (
                f'<div role="alert"><b>Not written:</b> {html.escape(str(exc))}</div>'
            )
            return None
        mime = "application/pdf" if kind == "pdf" else "text/html"
        data = base64.b64encode(result.path.read_bytes()).decode("ascii")
        self.message.value = (
            f'<div role="status"><b>Written:</b> {html.escape(str(result.path.resolve()))} '
            f'(<a download="{html.escape(result.path.name)}" href="data:{mime};base64,{data}">'
            "open or save a copy</a>)</div>"
        )
        return result.path
