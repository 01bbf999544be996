"""Migration 0008: existing definitions get owners (the offering municipality, else the first deployer's),
and the revision goes down again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.scratch_database import alembic, scratch_engine

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "owners.sqlite3", prefix="o") as engine:
        yield engine


def _owners(engine: Engine) -> dict[tuple[str, int], str | None]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT d.process_id, d.version, m.slug FROM definition_versions d "
                                 "LEFT JOIN municipalities m ON m.id = d.owner_municipality_id"))
        return {(p, v): slug for p, v, slug in rows}


def test_existing_definitions_get_their_owners_and_the_revision_goes_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", "0007")
    with fresh.begin() as conn:
        for mid, slug, offers in ((1, "falun", ["falun_initiative"]), (2, "stenungsund", ["stenungsund_agreement"]),
                                  (3, "gavle", [])):
            conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format, settings) "
                              "VALUES (:id, :slug, :slug, 'KS {year}/{seq:04d}', :settings)"),
                         {"id": mid, "slug": slug, "settings": json.dumps({"processes": offers})})
        for uid, name, mid in ((1, "pia", 1), (2, "greta", 3)):
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, municipality_id, "
                              "language, active, created_at) VALUES (:id, :name, :name, 'x', 'process_owner', :mid, "
                              "'sv', :active, :now)"),
                         {"id": uid, "name": name, "mid": mid, "active": True, "now": NOW})
        versions = [("falun_initiative", 1, None), ("stenungsund_agreement", 1, None),
                    ("stenungsund_agreement", 2, 1),  # pia of Falun deployed Stenungsund's process
                    ("gavle_egen", 1, 2), ("gavle_egen", 2, 1), ("ingens", 1, None)]
        for i, (process, version, by) in enumerate(versions, start=1):
            conn.execute(text("INSERT INTO definition_versions (id, process_id, version, name, content_hash, files, "
                              "spec_json, deployed_at, deployed_by_id, meta) VALUES (:id, :p, :v, :p, :h, '{}', "
                              "'{}', :now, :by, '{}')"),
                         {"id": i, "p": process, "v": version, "h": f"{i:064d}", "now": NOW, "by": by})
    alembic(fresh, "upgrade", "0008")
    assert _owners(fresh) == {
        ("falun_initiative", 1): "falun", ("stenungsund_agreement", 1): "stenungsund",
        ("stenungsund_agreement", 2): "stenungsund", ("gavle_egen", 1): "gavle", ("gavle_egen", 2): "gavle",
        ("ingens", 1): None}
    alembic(fresh, "downgrade", "0007")
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM definition_versions")).scalar() == 6
        columns = conn.execute(text("SELECT * FROM definition_versions")).keys()
        assert "owner_municipality_id" not in columns
    alembic(fresh, "upgrade", "0008")
    assert _owners(fresh)[("gavle_egen", 2)] == "gavle"
