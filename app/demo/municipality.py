"""What a municipality's demo is: its process, organisations, users and cases (the data of one module)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.demo.agreement import AgreementCase
from app.demo.initiative import StepsCase

DemoCase = StepsCase | AgreementCase


@dataclass(frozen=True)
class MunicipalityDemo:
    slug: str
    process_id: str  # the process every demo case of the municipality runs
    organisations: list[tuple[str, str, str]]  # (name, org number, email)
    users: list[dict[str, Any]]  # username, role, name, and municipality or organisation
    cases: Callable[[date], Sequence[DemoCase]]  # the cases, every date counted from today
