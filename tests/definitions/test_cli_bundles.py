"""`iop validate` and `iop deploy`: which files form a bundle, and clear errors instead of tracebacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path


def _apart(tmp_path: Path) -> tuple[Path, Path]:
    """The valid corpus diagram in one folder and its form in another, where the diagram cannot find it."""
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "elsewhere").mkdir()
    bpmn = Path(shutil.copy(CORPUS / "valid.bpmn", tmp_path / "diagrams" / "valid.bpmn"))
    form = Path(shutil.copy(CORPUS / "forms" / "ok.json", tmp_path / "elsewhere" / "ok.json"))
    return bpmn, form


def test_files_named_together_are_one_bundle(env: Path) -> None:
    bpmn, form = _apart(env)
    together = CliRunner().invoke(main, ["validate", str(bpmn), str(form)])
    assert (together.exit_code, together.output) == (0, "no problems found\n")
    alone = CliRunner().invoke(main, ["validate", str(bpmn)])
    assert alone.exit_code == 1
    assert alone.output == ("valid.bpmn:12 [apply 'Ansök']: the user task refers to the form 'ok.json', which is "
                            "not in the bundle\n")


def test_a_folder_validates_each_diagram_with_its_forms(env: Path) -> None:
    folder = env / "processes"
    (folder / "forms").mkdir(parents=True)
    for name in ("valid.bpmn", "gateway_no_conditions.bpmn"):
        shutil.copy(CORPUS / name, folder / name)
    shutil.copy(CORPUS / "forms" / "ok.json", folder / "forms" / "ok.json")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.output == (
        "gateway_no_conditions.bpmn:21 [gw 'Beviljas?']: the gateway has 2 outgoing flows but neither conditions "
        "nor a default flow, so the engine cannot choose a way: give the flows conditions and mark one as the "
        "default\n")


@pytest.mark.parametrize(("args", "message"), [
    (["missing.bpmn"], "Error: missing.bpmn: no such file or folder\n"),
    (["missing.bpmn", "gone.json"], "Error: missing.bpmn: no such file or folder; gone.json: no such file or folder\n"),
])
def test_a_missing_path_is_a_clear_error(env: Path, args: list[str], message: str) -> None:
    for command in ("validate", "deploy"):
        result = CliRunner().invoke(main, [command, *args])
        assert (result.exit_code, result.output) == (1, message)


def test_files_that_are_no_definition_are_clear_errors(env: Path) -> None:
    text = env / "notes.txt"
    text.write_text("x", encoding="utf-8")
    latin = env / "latin.bpmn"
    latin.write_bytes("<?xml version='1.0'?><x>åäö</x>".encode("latin-1"))
    empty = env / "empty"
    empty.mkdir()
    for path, message in [(text, f"Error: {text}: only .bpmn, .dmn and .json files belong in a definition\n"),
                          (latin, f"Error: {latin}: not UTF-8 text\n"),
                          (empty, f"Error: {empty}: the folder has no .bpmn file\n")]:
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert (result.exit_code, result.output) == (1, message)


def test_deploy_takes_the_same_bundle(env: Path) -> None:
    bpmn, form = _apart(env)
    refused = CliRunner().invoke(main, ["deploy", str(bpmn)])
    assert refused.exit_code == 1 and "which is not in the bundle" in refused.output
    deployed = CliRunner().invoke(main, ["deploy", str(bpmn), str(form)])
    assert deployed.exit_code == 0, deployed.output
    assert deployed.output.splitlines()[-1] == "deployed case version 1"
