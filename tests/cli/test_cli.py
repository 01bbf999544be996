"""The `iop` command line against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("IOP_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(tmp_path / "instance"))
    return db


def _count(db: Path, table: str) -> int:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(value)


def test_db_upgrade_loads_municipalities_and_processes(env: Path) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _count(env, "municipalities") == 4
    assert _count(env, "definition_versions") >= 1


def test_org_and_user_add(env: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["org", "add", "--name", "Fel", "--org-number", "802400-0006"])
    assert bad.exit_code != 0
    assert "wrong check digit" in bad.output
    good = runner.invoke(main, ["org", "add", "--name", "Rätt", "--org-number", "8024000005"])
    assert good.exit_code == 0 and "802400-0005" in good.output
    user = runner.invoke(main, ["user", "add", "kim", "--role", "organisation", "--organisation", "802400-0005",
                                "--password-stdin"], input="ett-langt-losenord\n")
    assert user.exit_code == 0, user.output
    short = runner.invoke(main, ["user", "add", "kort", "--role", "lawyer", "--municipality", "falun",
                                 "--password-stdin"], input="kort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    nomuni = runner.invoke(main, ["user", "add", "jurist", "--role", "lawyer", "--password-stdin"],
                           input="ett-langt-losenord\n")
    assert nomuni.exit_code != 0 and "needs --municipality" in nomuni.output
    assert _count(env, "users") == 1


def test_validate_and_deploy(env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(ROOT / "processes" / "falun_initiative.bpmn")])
    assert ok.exit_code == 0 and "no problems" in ok.output
    broken = tmp_path / "broken.bpmn"
    broken.write_text((ROOT / "processes" / "falun_initiative.bpmn").read_text()[:900])
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code != 0
    assert "broken.bpmn" in result.output
    deployed = runner.invoke(main, ["deploy", str(ROOT / "processes" / "falun_initiative.bpmn")])
    assert deployed.exit_code == 0
    assert "falun_initiative version 1" in deployed.output
    refused = runner.invoke(main, ["deploy", str(broken)])
    assert refused.exit_code != 0


@pytest.mark.slow  # loads the whole demo twice
def test_demo_is_idempotent(env: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    cases, users = _count(env, "cases"), _count(env, "users")
    assert cases >= 5 and users >= 8
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0
    assert (_count(env, "cases"), _count(env, "users")) == (cases, users)
    assert "already loaded" in second.output


def test_validate_names_file_element_and_line(env: Path, tmp_path: Path) -> None:
    source = (ROOT / "processes" / "falun_initiative.bpmn").read_text(encoding="utf-8")
    broken = tmp_path / "falun_initiative.bpmn"
    broken.write_text(source.replace('value="falun_initiative.json"', 'value="missing_form.json"'), encoding="utf-8")
    for form in (ROOT / "processes" / "forms").glob("falun_*.json"):
        (tmp_path / form.name).write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
    line = next(n for n, text in enumerate(source.splitlines(), 1) if '<bpmn:userTask id="initiative"' in text)
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert f"falun_initiative.bpmn:{line} [initiative 'Skicka in initiativet']: " in result.output
    assert "missing_form.json" in result.output
    missing = CliRunner().invoke(main, ["validate", str(tmp_path / "nothing.json")])
    assert missing.exit_code != 0 and "nothing.json: no such file" in missing.output


def test_duplicates_are_refused_and_help_lists_the_interface(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["org", "add", "--name", "A", "--org-number", "802400-0005"]).exit_code == 0
    again = runner.invoke(main, ["org", "add", "--name", "B", "--org-number", "802400-0005"])
    assert again.exit_code != 0 and "802400-0005 already exists" in again.output
    first = runner.invoke(main, ["user", "add", "kim", "--role", "admin", "--password-stdin"],
                          input="ett-langt-losenord\n")
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["user", "add", "kim", "--role", "admin", "--password-stdin"],
                           input="ett-langt-losenord\n")
    assert second.exit_code != 0 and "kim" in second.output
    assert _count(env, "users") == 1 and _count(env, "organisations") == 1
    help_text = runner.invoke(main, ["--help"]).output
    for command in ("serve", "scheduler", "db", "demo", "user", "org", "validate", "deploy"):
        assert command in help_text
    serve_help = runner.invoke(main, ["serve", "--help"]).output
    assert "--no-scheduler" in serve_help and "--port" in serve_help and "--host" in serve_help
