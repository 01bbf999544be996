"""What a simulation is asked: the municipality, the agreement's terms and how people behave (form-like input
checked by `parse_options`; each bad field named with a code for the page's texts and a message in English)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.municipal_settings import MunicipalSettings
from app.domain.accounts import configured_settings
from app.domain.agreements.payments import INTERVALS
from app.driving.scenarios import PREPARATIONS

# the agreement processes whose preparation up to the decision the simulation knows how to drive
# (app/driving/scenarios.py PREPARATIONS); a municipality is simulated when its settings offer one
SIMULATED_PROCESSES: tuple[str, ...] = tuple(PREPARATIONS)
PAYMENT_INTERVALS: tuple[str, ...] = tuple(INTERVALS)  # yearly, half_yearly, quarterly, lump_sum
MAX_AMOUNT_SEK = 1_000_000_000


def simulated_process(settings: MunicipalSettings) -> str | None:
    """The agreement process the simulation drives for a municipality with these settings (None: none)."""
    return next((p for p in settings.processes if p in SIMULATED_PROCESSES), None)


def simulated_municipalities(offered: Mapping[str, MunicipalSettings]) -> dict[str, MunicipalSettings]:
    """Of the municipalities' settings by slug, those the simulation can run, in slug order."""
    return {slug: offered[slug] for slug in sorted(offered) if simulated_process(offered[slug])}


def configured_municipalities(config_dir: Path | None = None) -> dict[str, MunicipalSettings]:
    """Every municipality's settings as config/municipalities/*.json give them (the command line, which has no
    database of its own to read; the pages pass the stored settings)."""
    folder = config_dir or Settings.config_path / "municipalities"
    return {path.stem: configured_settings(folder, path.stem) for path in sorted(folder.glob("*.json"))}


@dataclass(frozen=True)
class SimulationOptions:
    municipality: str = "stenungsund"
    yearly_amount_sek: int = 400_000
    start: date = date(2027, 1, 1)
    years: int = 5
    interval: str = "yearly"
    late_follow_up: bool = False
    renew: bool = False
    # the municipality's settings the agreement runs under (the stored ones, from the page); None: config/'s
    settings: MunicipalSettings | None = None


@dataclass(frozen=True)
class FieldProblem:
    code: str  # i18n key suffix: simulation.error.<code>
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # the same in English, for the command line and logs


class InvalidOptions(ValueError):
    def __init__(self, problems: dict[str, FieldProblem]) -> None:
        super().__init__("; ".join(f"{name}: {p.message}" for name, p in problems.items()))
        self.problems = problems


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on", "ja")


def parse_options(raw: Mapping[str, Any], offered: Mapping[str, MunicipalSettings] | None = None) -> SimulationOptions:
    """Options from form-like input (strings); InvalidOptions names each bad field. `offered`: the
    municipalities' settings by slug (the stored ones); config/'s when not given."""
    problems: dict[str, FieldProblem] = {}
    choices = simulated_municipalities(configured_municipalities() if offered is None else offered)
    municipality = str(raw.get("municipality") or next(iter(choices), "")).strip()
    chosen = choices.get(municipality)
    if chosen is None:
        problems["municipality"] = FieldProblem("municipality", {"choices": ", ".join(choices)},
                                                f"choose one of {', '.join(choices)}")
    max_years = chosen.agreement.max_agreement_years if chosen is not None else 5

    def integer(name: str, low: int, high: int) -> int:
        text = str(raw.get(name) if raw.get(name) is not None else "").strip().replace(" ", "").replace("\u00a0", "")
        try:
            value = int(text)
        except ValueError:
            problems[name] = FieldProblem("integer", {}, "write a whole number")
            return 0
        if not low <= value <= high:
            problems[name] = FieldProblem(f"{name}_range", {"low": low, "high": high},
                                          f"must be between {low} and {high}")
        return value

    amount = integer("yearly_amount_sek", 1, MAX_AMOUNT_SEK)
    years = integer("years", 1, max_years)
    start = date(2000, 1, 1)
    text = str(raw.get("start") or "").strip()
    try:
        start = date.fromisoformat(text)
        if len(text) != 10 or not 2000 <= start.year <= 2100:
            raise ValueError(text)
    except ValueError:
        problems["start"] = FieldProblem("date", {}, "write the date as YYYY-MM-DD (years 2000-2100)")
    interval = str(raw.get("interval") or "").strip()
    if interval not in PAYMENT_INTERVALS:
        problems["interval"] = FieldProblem("interval", {"choices": ", ".join(PAYMENT_INTERVALS)},
                                            f"choose one of {', '.join(PAYMENT_INTERVALS)}")
    if problems:
        raise InvalidOptions(problems)
    return SimulationOptions(municipality=municipality, yearly_amount_sek=amount, start=start, years=years,
                             interval=interval, late_follow_up=_flag(raw.get("late_follow_up")),
                             renew=_flag(raw.get("renew")), settings=None if offered is None else chosen)


