"""Simulate one agreement on a virtual clock: the real engine, the real diagram, a throwaway database.

By idea: `options` (what is asked, checked), `policy` (when and how people act; the plausible task data
is app.driving.scenarios), `snapshot` (the agreement read back), `harness` (the throwaway database and the
loop: `simulate`), `timeline` (what is returned) and `report` (table and SVG). The case itself is driven by
app.driving.case_driver, like the tests, the demo and the benchmarks. This package sits below the web and the
CLI and imports neither; the names they use are importable from here.
"""

from app.simulation.harness import simulate
from app.simulation.options import (
    MAX_AMOUNT_SEK,
    PAYMENT_INTERVALS,
    SIMULATED_PROCESSES,
    FieldProblem,
    InvalidOptions,
    SimulationOptions,
    configured_municipalities,
    parse_options,
    simulated_municipalities,
    simulated_process,
)
from app.simulation.report import format_sek, format_table, kind_title, render_svg, timeline_rows
from app.simulation.timeline import KINDS, SimulatedPeriod, SimulationError, SimulationResult, TimelineEvent

__all__ = [
    "KINDS", "MAX_AMOUNT_SEK", "PAYMENT_INTERVALS", "SIMULATED_PROCESSES", "FieldProblem", "InvalidOptions",
    "SimulatedPeriod", "SimulationError", "SimulationOptions", "SimulationResult", "TimelineEvent",
    "configured_municipalities", "format_sek", "format_table", "kind_title", "parse_options", "render_svg",
    "simulate", "simulated_municipalities", "simulated_process", "timeline_rows",
]
