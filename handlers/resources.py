"""Resources that are not money, valued: staff, competence and premises beside the money (Gävle's guidelines:
"Kommunen kan lämna ett ekonomiskt stöd, men det behöver nödvändigtvis inte handla om pengar").

`value_resources` takes the economic plan's rows (party, kind, description, value per year in kronor) and the
plan's free text, and returns the sums per party and one Swedish sentence that the agreement states under
co-financing (it reaches the agreement as the plan's `other_resources`). Any municipality's diagram may call it.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.errors import ScriptFailure
from app.engine.step import StepContext
from app.i18n.formats import sek

PARTIES = {"municipality": "Kommunen", "organisation": "Organisationen"}
KINDS = {"staff": "personal", "competence": "kompetens", "premises": "lokaler", "other": "annat"}


def _row(raw: Any, index: int) -> tuple[str, str, str, int]:
    if not isinstance(raw, dict):
        raise ScriptFailure(f"in_kind_resources[{index}] is no row")
    party, kind = raw.get("party"), raw.get("kind")
    value = raw.get("value_sek_per_year")
    if party not in PARTIES or kind not in KINDS:
        raise ScriptFailure(f"in_kind_resources[{index}] names an unknown party or kind")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScriptFailure(f"in_kind_resources[{index}] has no value in whole kronor")
    return str(party), str(kind), " ".join(str(raw.get("description") or "").split()), value


def value_resources(step: StepContext | None, args: dict[str, Any]) -> str:
    rows = [_row(raw, i) for i, raw in enumerate(args.get("rows") or [])]
    totals = {party: sum(r[3] for r in rows if r[0] == party) for party in PARTIES}
    parts = [f"{PARTIES[party]}: {KINDS[kind]}, {text} ({sek(value)} per år)" if text
             else f"{PARTIES[party]}: {KINDS[kind]} ({sek(value)} per år)" for party, kind, text, value in rows]
    sentence = "; ".join(parts)
    if rows:
        sentence += (f". Värderat sammanlagt per år: kommunen {sek(totals['municipality'])}, "
                     f"organisationen {sek(totals['organisation'])}.")
    free = " ".join(str(args.get("other") or "").split())
    text = " ".join(t for t in (sentence, free) if t)
    return json.dumps({"municipality_sek": totals["municipality"], "organisation_sek": totals["organisation"],
                       "rows": [{"party": p, "kind": k, "description": d, "value_sek_per_year": v}
                                for p, k, d, v in rows], "text": text}, ensure_ascii=False)
