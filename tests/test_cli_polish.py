"""Command line: options anywhere, an example in the schema, quiet exports."""

from __future__ import annotations

import pytest


def test_schema_command_gives_an_example_and_the_factor_ids(capsys):
    import json

    import jsonschema

    from aftercare.__main__ import main
    from aftercare.factors import factor_ids
    from aftercare.sheet.patient_file import PatientFile

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["factors"]["items"]["enum"] == list(factor_ids())
    assert "raynauds" in schema["properties"]["factors"]["description"]
    (example,) = schema["examples"]
    jsonschema.validate(example, schema)  # the example is a valid patient file ...
    assert PatientFile.model_validate(example).factors == ["diabetes"]  # ... for the reader too
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**example, "factors": ["no-such-factor"]}, schema)


def test_options_may_come_before_the_notebooks(tmp_path, monkeypatch):
    from aftercare.__main__ import parse_args

    args = parse_args(["export", "slides", "--out", str(tmp_path), "a.ipynb", "--protocol", "x"])
    assert (args.kind, args.notebooks, args.out, args.protocol) == (
        "slides",
        ["a.ipynb"],
        tmp_path,
        "x",
    )
    args = parse_args(["export", "slides", "a.ipynb", "b.ipynb", "--out", str(tmp_path)])
    assert args.notebooks == ["a.ipynb", "b.ipynb"]
    with pytest.raises(SystemExit):
        parse_args(["export", "slides", "--no-such-option"])


def test_export_kernels_run_over_ipc_without_tcp_warnings(tmp_path, capfd):
    from pathlib import Path

    from aftercare.__main__ import main
    from aftercare.export.assets import node_modules_dir

    if not (node_modules_dir() / "reveal.js" / "package.json").is_file():
        pytest.skip("npm assets missing: run `npm ci --prefix js`")
    fixture = Path(__file__).parent / "fixtures" / "deck.ipynb"
    assert main(["export", "html", "--out", str(tmp_path), str(fixture)]) == 0
    err = capfd.readouterr().err
    assert "running over TCP without encryption" not in err
    assert "Parent appears to have exited" not in err
    assert (tmp_path / "deck.html").is_file()
