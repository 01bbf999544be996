"""indexes for the case list, overview and benchmarks

Revision ID: 0015_query_indexes
Revises: 0014_saved_filters

Each index serves a query measured by bench/staff_bench.py (figures in docs/benchmarks.md); the same indexes
are declared in the models' __table_args__. On SQLite a scan of `cases` that reads a column stored after
`workflow_json` (created_at, updated_at) walks that column's overflow pages for every row, so the case list's
sort and the overview's counts need indexes that hold every column they read.
"""

from __future__ import annotations

from alembic import op

revision = "0015_query_indexes"
down_revision = "0014_saved_filters"
branch_labels = None
depends_on = None

# (name, table, columns): keep in step with app/models/case.py, task.py and event.py
INDEXES: list[tuple[str, str, list[str]]] = [
    # The case list, newest first, within a municipality (staff) and across all (a global administrator).
    # Wide on purpose: every filter of the list that reads `cases` alone (status, process, organisation, the
    # text search in registration number and title) is tested on the index while it is walked in the list's
    # order, so neither the page nor its count reads a table row that is not shown.
    ("ix_cases_muni_created", "cases", ["municipality_id", "created_at", "id", "status", "definition_id",
                                        "organisation_id", "registration_number", "title"]),
    ("ix_cases_created", "cases", ["created_at", "id", "municipality_id", "status", "definition_id",
                                   "organisation_id", "registration_number", "title"]),
    # the case list by status, and its count
    ("ix_cases_muni_status_created", "cases", ["municipality_id", "status", "created_at", "id"]),
    # overview: cases per status and municipality, active cases per process, step and municipality, cases per
    # process version; the failed cases, latest first
    ("ix_cases_status_step", "cases", ["status", "municipality_id", "definition_id", "current_step"]),
    ("ix_cases_status_updated", "cases", ["status", "updated_at", "id"]),
    # the case list sorted by last change (staff: within their municipality)
    ("ix_cases_muni_updated", "cases", ["municipality_id", "updated_at", "id"]),
    # case list filters on the open tasks, each giving the case ids from the index alone: step (and the list of
    # steps to choose from, with their titles), role, overdue and due within N days (and the overview's overdue
    # tasks per role)
    ("ix_open_tasks_muni_name_title", "open_tasks", ["municipality_id", "name", "title", "case_id"]),
    ("ix_open_tasks_muni_role_assignee", "open_tasks", ["municipality_id", "role", "assignee_id", "case_id"]),
    ("ix_open_tasks_muni_due_role", "open_tasks", ["municipality_id", "due_at", "role", "case_id"]),
    # overview calendar and money: the running agreements of some municipalities without reading their state
    # (PostgreSQL builds its hash joins from this index alone; SQLite keeps its plans, the id comes first);
    # open follow-ups due and renewal decision deadlines per month
    ("ix_agreements_scope", "agreements", ["id", "status", "municipality_id", "current_version"]),
    ("ix_agreement_follow_ups_status_due", "agreement_follow_ups", ["status", "due"]),
    ("ix_agreement_periods_deadline", "agreement_periods", ["renewal_decision_deadline"]),
    # a case's history in order
    ("ix_case_events_case_at", "case_events", ["case_id", "at", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
