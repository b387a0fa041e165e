"""PatientSheetApp: fill in a patient on a form, see the aftercare sheet, write it to a file.

The dashboard for clinicians who do not write code (``dashboards/patient_sheet.ipynb``, served
by ``./scripts/dashboards``). It is a thin front end to :mod:`aftercare.sheet.handout`: the
form becomes a patient file (the same JSON that ``python -m aftercare handout --patient`` reads,
validated by :class:`~aftercare.sheet.patient_file.PatientFile`), the preview is
:func:`~aftercare.sheet.handout.render_handout`, and "Write the sheet" calls
:func:`~aftercare.sheet.handout.write_sheet`, the handout's own writer given the record
(HTML, or PDF through the system Chromium).
Sheets go to a folder the clinician chooses, outside the repository by default
(``~/aftercare-sheets``), remembered for next time in ``~/.config/aftercare/sheet-app.json``
(``XDG_CONFIG_HOME`` respected). Each sheet gets a name of its own (the date and time it was
written and a short code of the patient's entries, or the clinician's name for it): a second
patient is never refused and no sheet is ever replaced; a name already taken gets ``-2``,
``-3`` ... Every error is one line.

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
import hashlib
import html
import json
import os
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import AftercareError
from ..export.files import OutputExistsError
from ..patient import Patient
from ..widgets.app import APP_CSS
from ..widgets.controls import clock_picker, factor_checkboxes, protocol_choices, protocol_dropdown
from .handout import render_handout, write_sheet
from .i18n import language_names
from .patient_file import PatientFile, patient_record

__all__ = ["PatientSheetApp", "settings_path", "remembered_folder"]

#: Where sheets go until the clinician chooses a folder: outside any repository.
DEFAULT_FOLDER = Path("~/aftercare-sheets")
#: The link to the written sheet looks like a link, whatever the page's styles.
_LINK_STYLE = "color:#0b57d0;text-decoration:underline;cursor:pointer"


def settings_path() -> Path:
    """The file that remembers the sheets' folder (``$XDG_CONFIG_HOME/aftercare``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "aftercare" / "sheet-app.json"


def remembered_folder() -> Path:
    """The folder the clinician last wrote a sheet to, else ``~/aftercare-sheets``."""
    try:
        folder = json.loads(settings_path().read_text(encoding="utf-8")).get("folder")
    except (OSError, ValueError, AttributeError):
        folder = None
    return Path(folder) if isinstance(folder, str) and folder else DEFAULT_FOLDER.expanduser()


def _remember(folder: Path) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"folder": str(folder)}) + "\n", encoding="utf-8")
    except OSError:
        pass  # not remembered: the sheet is written all the same


class PatientSheetApp(widgets.VBox):
    """A form for one patient, a live preview of the sheet and a button that writes it.

    Parameters
    ----------
    out_dir : path, optional
        Folder the sheets are written to (default: the folder remembered from the last sheet,
        else ``~/aftercare-sheets``; made when the first sheet is written). The form's
        "Folder" field changes it.
    protocol : str, optional
        Preset name or YAML path to start with (default: the suite's protocol).
    """

    def __init__(self, out_dir: str | Path | None = None, protocol: Any = None) -> None:
        super().__init__()
        self.add_class("aftercare-app")
        self.add_class("aftercare-sheet-app")
        self.folder = widgets.Text(
            value=str(Path(out_dir) if out_dir is not None else remembered_folder()),
            description="Folder for sheets",
            style={"description_width": "210px"},
            layout=widgets.Layout(width="auto", flex="1 1 auto", max_width="100%"),
        )
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
                control.style.description_width = "210px"
            control.layout.max_width = "100%"
        boxes, grid = factor_checkboxes(start)
        c.update(boxes)
        self._factor_ids = tuple(boxes)
        self.controls = c
        self.file_name = widgets.Text(
            value="",
            placeholder="automatic (date, time, code)",
            description="File name",
            style={"description_width": "210px"},
            layout=widgets.Layout(width="520px", max_width="100%"),  # the whole placeholder
        )
        auto = widgets.Layout(width="auto")
        self.write_html = widgets.Button(
            description="Write the sheet (HTML)", button_style="primary", layout=auto
        )
        self.write_pdf = widgets.Button(description="Write the sheet (PDF)", layout=auto)
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
        actions = widgets.HBox([self.file_name, self.write_html, self.write_pdf])
        actions.add_class("aftercare-row")
        style = widgets.HTML(f"<style>{APP_CSS}</style>", layout=widgets.Layout(height="0px"))
        self.children = (style, tabs, self.folder, actions, self.message, self.preview)
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
    @property
    def out_dir(self) -> Path:
        """The folder the next sheet goes to (the form's "Folder for sheets")."""
        return Path((self.folder.value or "").strip() or str(remembered_folder())).expanduser()

    def _file_stem(self, record: PatientFile) -> str:
        """The clinician's name for the sheet, else one unique to this patient and time."""
        typed = (self.file_name.value or "").strip()
        if typed:
            return typed
        code = hashlib.sha256(record.model_dump_json().encode("utf-8")).hexdigest()[:6]
        return f"aftercare-sheet-{dt.datetime.now():%Y-%m-%d-%H%M%S}-{code}"

    def write(self, kind: str = "html") -> Path | None:
        """Write the sheet into :attr:`out_dir` with the handout's own writer, under a name no
        other sheet has (a taken name gets ``-2``, ``-3`` ...: nothing is replaced); remember
        the folder; show where, with a link to open or save it. Returns the path (``None`` on
        error)."""
        typed = (self.file_name.value or "").strip()
        if "/" in typed or "\\" in typed or typed.startswith("."):
            self.message.value = (
                '<div role="alert"><b>Not written:</b> the file name must be a plain name, '
                "without folders.</div>"
            )
            return None
        folder = self.out_dir
        try:
            record = self.record()
            stem = self._file_stem(record)
            folder.mkdir(parents=True, exist_ok=True)
            for n in range(1, 1000):
                target = folder / (f"{stem}.{kind}" if n == 1 else f"{stem}-{n}.{kind}")
                if target.exists():
                    continue
                try:
                    result = write_sheet(
                        record,
                        target,
                        lang=self.controls["lang"].value,
                        protocol=self._protocol(),
                        force=False,
                    )
                    break
                except OutputExistsError:
                    continue  # taken between the check and the write: the next name
            else:
                raise OutputExistsError(f"{folder / stem}: 999 sheets of this name; choose another")
        except AftercareError as exc:
            self.message.value = (
                f'<div role="alert"><b>Not written:</b> {html.escape(str(exc))}</div>'
            )
            return None
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            self.message.value = (
                f'<div role="alert"><b>Not written:</b> {html.escape(str(folder))}: '
                f"{html.escape(why)}. Choose another folder.</div>"
            )
            return None
        _remember(folder.resolve())
        renamed = (
            f" (a sheet named {html.escape(stem)} was there already: it was kept)"
            if typed and result.path.stem != stem
            else ""
        )
        mime = "application/pdf" if kind == "pdf" else "text/html"
        data = base64.b64encode(result.path.read_bytes()).decode("ascii")
        self.message.value = (
            f'<div role="status"><b>Written:</b> {html.escape(str(result.path.resolve()))}'
            f"{renamed} "
            f'(<a style="{_LINK_STYLE}" download="{html.escape(result.path.name)}" '
            f'href="data:{mime};base64,{data}">open or save a copy</a>)</div>'
        )
        return result.path
