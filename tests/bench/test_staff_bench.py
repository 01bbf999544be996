"""The staff benchmark (bench/staff_bench.py) at tiny scale, so that the generator and the harness cannot rot:
200 cases made the way the 100,000 are, then every measured request once. The figures are not checked here
(docs/benchmarks.md has them); that the data has the promised mix and every request answers is."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import records
from app.models import Case, CaseEvent, OpenTask
from bench.bigdata import bench_services, generate
from bench.staff_bench import run
from tests.scratch_database import scratch_database

pytestmark = pytest.mark.slow  # makes a benchmark database and times every request of the mix


@pytest.fixture
def bench_url(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path / "bench.sqlite3", prefix="b") as url:
        yield url


def test_tiny_benchmark_makes_the_mix_and_measures_every_request(bench_url: str, tmp_path: Path) -> None:
    services = bench_services(bench_url, tmp_path / "instance")
    try:
        made = generate(services, 200, log=lambda _text: None)
        with services.session_factory() as s:
            by_status = dict(s.execute(select(Case.status, func.count()).group_by(Case.status)).all())
            events = s.scalar(select(func.count()).select_from(CaseEvent)) or 0
            incidents = s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "incident")) or 0
            duplicates = s.scalar(select(func.count()).select_from(
                select(Case.municipality_id, Case.registration_number).group_by(
                    Case.municipality_id, Case.registration_number).having(func.count() > 1).subquery()))
            failed = s.scalars(select(Case).where(Case.status == "failed")).all()
            task_ids = set(s.scalars(select(OpenTask.id).where(OpenTask.case_id > 20)))
            sealed = records.verify(s)  # the generated histories are sealed as the application seals them
        assert sealed.intact and sealed.entries == events, sealed.findings[:3]
        assert made.cases == sum(by_status.values()) >= 200
        assert by_status["running"] > by_status["completed"] > by_status.get("failed", 0) > 0
        assert events >= 5 * made.cases and incidents >= len(failed)
        assert all(c.summary["incident"]["message"] for c in failed)
        assert duplicates == 0
        assert 10 <= made.officer_tasks <= 13  # 5,000 at 100,000 cases (and the demo templates' three)
        assert task_ids and len(task_ids) == len({t.lower() for t in task_ids})
        results = run(services, made, repeat=1, warmup=1, deep_pages=2, log=lambda _text: None)
        assert logging.root.manager.disable == logging.NOTSET  # the harness gives the process its logs back
    finally:
        services.db.dispose()
    names = [r.name for r in results]
    assert "overview /admin/" in names and "API tasks limit=500" in names
    broken = [(r.name, r.status, r.note) for r in results if r.status not in (200, 404)]
    assert not broken
    requests = [r for r in results if r.who != "scheduler"]
    assert all(r.sql > 0 for r in requests if r.status == 200)
    job = next(r for r in results if r.who == "scheduler")  # the overview's figures, refreshed in the background
    assert job.name.startswith("overview figures refreshed") and job.median_ms > 0
