"""What the organisation would see of the simulated case at its end, through the same policy as every page and
the API (app.domain.visibility): how many history entries, which kinds stay with the municipality, and which
fields it reads only as "Sekretess: <ground>". A process owner sees there what the diagram's forms give the party.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.roles import Role
from app.domain.visibility import CaseView, Masked
from app.models import Case, CaseEvent, User
from app.services import Services


@dataclass(frozen=True)
class PartyView:
    events_shown: int
    events_total: int
    kinds_kept_from_party: tuple[str, ...]  # event kinds only staff see
    secret_fields: tuple[str, ...]  # the titles of the fields the party reads masked
    values_shown: int  # form values the party reads
    values_kept: int  # form values left out for the party (staff-only fields)


def read_party_view(services: Services, case_id: int) -> PartyView:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
        party = User(username="simulation-party", role=Role.ORGANISATION, organisation_id=case.organisation_id,
                     active=True)  # never stored: the organisation's standing, for the policy to judge
        definition = services.engine.definition(s, case.definition_id)
        view = CaseView(party, case, definition)
        shown = view.events(events)
        secret: list[str] = []
        values_shown = values_kept = 0
        for event in shown:
            if event.kind != "task_completed":
                continue
            stored = (event.data or {}).get("values") or {}
            seen = view.event_data(event).get("values") or {}
            values_kept += len(set(stored) - set(seen))
            values_shown += len(seen)
            form = definition.form((event.data or {}).get("form")) or {}
            for name, value in seen.items():
                if isinstance(value, Masked):
                    title = str(((form.get("properties") or {}).get(name) or {}).get("title") or name)
                    if title not in secret:
                        secret.append(title)
        return PartyView(events_shown=len(shown), events_total=len(events),
                         kinds_kept_from_party=tuple(sorted({e.kind for e in events} - {e.kind for e in shown})),
                         secret_fields=tuple(secret), values_shown=values_shown, values_kept=values_kept)
