"""cases and organisations carry the text the case list's search matches, case-folded

Revision ID: 0043_case_search_text
Revises: 0042_overview_figures

The case list's free-text search compared `lower(registration_number || title)` on PostgreSQL (a function per
row: 33-60 ms for the 45,000 cases of a municipality) and plain LIKE on SQLite, which folds ASCII letters only,
so "ängen" did not find "Ängen", in titles and organisation names alike. Now a case carries `search_text`, its
registration number and title case-folded in Python (app.core.search.case_search_text), and an organisation
`search_name`, as open tasks have since 0025; the searches are a plain LIKE on both databases. The two case
indexes that held the title for the search hold `search_text` in its place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0043_case_search_text"
down_revision = "0042_overview_figures"
branch_labels = None
depends_on = None

SEPARATOR = "\x1f"  # app/core/search.py at this revision
BATCH = 2000
# keep in step with app/models/case.py
INDEXES = {
    "ix_cases_muni_created": ["municipality_id", "created_at", "id", "status", "definition_id", "organisation_id",
                              "registration_number"],
    "ix_cases_created": ["created_at", "id", "municipality_id", "status", "definition_id", "organisation_id",
                         "registration_number"],
}

cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("registration_number", sa.String),
                 sa.column("title", sa.String), sa.column("search_text", sa.String))
organisations = sa.table("organisations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                         sa.column("search_name", sa.String))


def _case_text(registration_number: str, title: str | None) -> str:
    return SEPARATOR.join((registration_number.casefold(), (title or "").casefold()))


def _fill_cases(conn: sa.Connection) -> None:
    last = 0
    while True:
        rows = conn.execute(sa.select(cases.c.id, cases.c.registration_number, cases.c.title)
                            .where(cases.c.id > last).order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(cases).where(cases.c.id == sa.bindparam("key"))
                     .values(search_text=sa.bindparam("text")),
                     [{"key": r.id, "text": _case_text(r.registration_number, r.title)} for r in rows])
        last = rows[-1].id


def _fill_organisations(conn: sa.Connection) -> None:
    last = 0
    while True:
        rows = conn.execute(sa.select(organisations.c.id, organisations.c.name)
                            .where(organisations.c.id > last).order_by(organisations.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(organisations).where(organisations.c.id == sa.bindparam("key"))
                     .values(search_name=sa.bindparam("text")),
                     [{"key": r.id, "text": r.name.casefold()} for r in rows])
        last = rows[-1].id


def _add(table: str, column: str, length: int, sqlite: bool) -> None:
    if sqlite:  # in place: a batch copy would rebuild the table
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR({length}) NOT NULL DEFAULT ''")
    else:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    _add("cases", "search_text", 400, sqlite)
    _add("organisations", "search_name", 200, sqlite)
    _fill_cases(conn)
    _fill_organisations(conn)
    if not sqlite:
        op.alter_column("cases", "search_text", existing_type=sa.String(400), nullable=False)
        op.alter_column("organisations", "search_name", existing_type=sa.String(200), nullable=False)
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*columns, "search_text"])


def downgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*columns, "title"])
    for table, column in (("cases", "search_text"), ("organisations", "search_name")):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
