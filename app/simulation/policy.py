"""How people plausibly act in a simulated agreement: when each task is done after it opens and with what data.

- finance executes a released payment two days after its date;
- the organisation submits its follow-up report two weeks after it opens (or, with `late_follow_up`, the
  first one two weeks after the payment it gates, so that payment is held), the officer approves it a
  week later;
- the renewal dialogue is held a month after it opens; a party declines to extend unless `renew` is asked
  for, in which case the board renews once for the same terms a month later (the renewed period is then
  declined in its turn).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from app.driving.case_driver import WORK_TIME, CaseDriver, local_moment
from app.driving.scenarios import report_data
from app.models import OpenTask
from app.simulation.options import SimulationOptions
from app.simulation.snapshot import Snapshot
from app.simulation.timeline import SimulationError

# how long people take (days after the task opens)
PAY_AFTER_DAYS = 2
REPORT_AFTER_DAYS = 14
REVIEW_AFTER_DAYS = 7
ESCALATION_AFTER_DAYS = 3
RENEWAL_DIALOGUE_AFTER_DAYS = 30
RENEWAL_DECISION_AFTER_DAYS = 30


class People:
    """When and how the simulated people complete each task; mixed into the harness, which observes the case
    (`before`), records timeline events (`add`) and reads the state again after each act (`observe`)."""

    d: CaseDriver
    o: SimulationOptions
    before: Snapshot
    renewed: bool
    statistics: list[str]
    minute: str  # the deciding body's register in minute references: KS, SN, GAN

    def today(self) -> date:
        return self.d.clock.today()  # type: ignore[no-any-return]

    def add(self, kind: str, on: date | None = None, ref: str = "", amount: int | None = None,
            detail: str = "") -> None:
        raise NotImplementedError

    def observe(self) -> None:
        raise NotImplementedError

    def current_follow_up(self) -> dict[str, Any] | None:
        snap = self.before
        version = max(snap.periods) if snap.periods else 1
        for ref, f in sorted(snap.follow_ups.items()):
            if ref.startswith(f"v{version}-") and f["status"] in ("open", "returned", "submitted"):
                return dict(f, ref=ref)
        return None

    def plan(self, task: OpenTask) -> tuple[datetime, str]:
        opened = task.created_at.astimezone(self.d.clock.tz).date()
        name = task.name
        if name == "pay":
            days = PAY_AFTER_DAYS
        elif name == "report":
            days = REPORT_AFTER_DAYS
            fu = self.current_follow_up()
            if self.o.late_follow_up and fu is not None and fu["ref"] == "v1-f1" and fu["rounds"] == 0:
                late = fu["gates"] + timedelta(days=REPORT_AFTER_DAYS)
                return local_moment(late, WORK_TIME), name
        elif name == "review":
            days = REVIEW_AFTER_DAYS
        elif name in ("escalate_hold", "escalate_officer", "escalate_board"):
            days = ESCALATION_AFTER_DAYS
        elif name == "renewal_dialogue":
            days = RENEWAL_DIALOGUE_AFTER_DAYS
        elif name == "renewal_decision":
            days = RENEWAL_DECISION_AFTER_DAYS
        else:
            raise SimulationError(f"the simulation does not know how to complete the task {name!r}")
        return local_moment(opened + timedelta(days=days), WORK_TIME), name

    def act(self, name: str) -> None:
        today = self.today().isoformat()
        version = max(self.before.periods) if self.before.periods else 1
        period = self.before.periods.get(version, {})
        if name == "pay":
            self.d.complete("pay", {"paid_on": today, "payment_reference": f"VER-{today}"})
        elif name == "report":
            self.d.complete("report", report_data(self.statistics))
        elif name == "review":
            self.d.complete("review", {"dialogue_date": today, "follow_up_approved": True,
                                       "follow_up_feedback": "Redogörelsen godkänns."})
        elif name == "escalate_hold":
            self.d.complete(name, {"action_taken": "Påminde föreningen om redogörelsen."})
        elif name in ("escalate_officer", "escalate_board"):
            self.d.complete(name, {"action_taken": "Noterat; förnyelsen behandlas."})
        elif name == "renewal_dialogue":
            renew = self.o.renew and not self.renewed
            self.d.complete(name, {"meeting_date": today, "participants": "Föreningen och kommunen",
                                   "minutes": "Parterna vill fortsätta." if renew else "Föreningen avstår.",
                                   "renewal_declined_by": "none" if renew else "organisation"})
            if not renew:
                self.add("renewal_declined", None, f"v{version}", detail="organisation")
        elif name == "renewal_decision":
            self.d.complete(name, {"board_renews": True, "renewal_decision_date": today,
                                   "renewal_minute_reference": f"{self.minute} § 2",
                                   "renewal_yearly_support_sek": int(period.get("yearly") or self.o.yearly_amount_sek),
                                   "renewal_years": self.o.years,
                                   "renewal_interval": str(period.get("interval") or self.o.interval)})
            self.renewed = True
            self.add("renewal_decided", None, f"v{version}",
                     amount=int(period.get("yearly") or self.o.yearly_amount_sek))
        self.observe()

