"""Per-municipality agreement settings, read from config/municipalities/<slug>.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.agreements.payments import INTERVALS

LATE_RENEWAL_CHOICES = ("warn", "refuse")
CONFIG_DIR = Path(__file__).resolve().parents[3] / "config" / "municipalities"


@dataclass(frozen=True)
class AgreementSettings:
    renewal_dialogue_months_before_end: int = 9
    renewal_deadline_months_before_end: int = 3
    max_agreement_years: int = 5
    default_payment_interval: str = "yearly"
    follow_up_opens_months_before_anniversary: int = 2
    follow_up_due_months_before_anniversary: int = 1
    # days after its date (or its release, if later) that an unpaid payment escalates to officer and finance
    payment_overdue_days: int = 10
    # a renewal decided after the decision deadline: "warn" (recorded and shown) or "refuse"
    late_renewal_decision: str = "warn"

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> AgreementSettings:
        known = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        made = cls(**known)
        if made.default_payment_interval not in INTERVALS:
            raise ValueError(f"default_payment_interval must be one of {', '.join(INTERVALS)}")
        if not 1 <= made.max_agreement_years <= 10:
            raise ValueError("max_agreement_years must be between 1 and 10")
        if made.late_renewal_decision not in LATE_RENEWAL_CHOICES:
            raise ValueError(f"late_renewal_decision must be one of {', '.join(LATE_RENEWAL_CHOICES)}")
        if not 1 <= made.payment_overdue_days <= 365:
            raise ValueError("payment_overdue_days must be between 1 and 365")
        return made


def load_settings(slug: str | None, config_dir: Path | None = None) -> AgreementSettings:
    """The municipality's settings; the domain defaults when there is no slug, file or key.

    The folder is read at call time (CONFIG_DIR unless given), so tests can point it elsewhere."""
    if not slug:
        return AgreementSettings()
    return _load(slug, config_dir or CONFIG_DIR)


@lru_cache(maxsize=16)
def _load(slug: str, config_dir: Path) -> AgreementSettings:
    path = config_dir / f"{slug}.json"
    if not path.exists():
        return AgreementSettings()
    spec = json.loads(path.read_text(encoding="utf-8"))
    return AgreementSettings.from_mapping(spec.get("settings", {}))
