"""Black-box check of a Stenungsund agreement's timers, knowing only the outside interface.

It uses what /work/shared/interface.md promises (the `iop` CLI, the settings, the JSON API) and
nothing of the application's code: a temporary SQLite database, `iop db upgrade`, an organisation
and one user per role made with the CLI, then `iop serve --no-scheduler` with IOP_CLOCK=manual on a
free port. Through the API it registers an organisation's interest in an agreement and completes
every task up to the board's decision with data made from each task's JSON Schema (the approach of
scripts/interface_check.py, whose helpers it reuses), then moves the manual clock through the
agreement's two years and checks what the timers did, each on its day and not the day before:

- every yearly payment is released on its due date (a payment task for finance opens), and paid;
- every follow-up opens on its day (a report task for the organisation), is reported and approved;
- the renewal dialogue opens 9 months before the end date;
- left undecided, the renewal escalates to the officer and the board 3 months before the end;
- at the end the undecided agreement runs out and the case ends.

The dates are computed here from the rules in the domain description (yearly payments on the
start date's anniversaries; renewal 9 and 3 months before the end, counted as a person would) and
compared with the agreement the API reports (GET /cases/{id}/agreement). Any failure exits with
status 1 and one clear message; the server is stopped in every case.

    python scripts/agreement_clock_check.py [--iop PATH_TO_IOP] [--years N]
"""

from __future__ import annotations

import argparse
import calendar
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from interface_check import CheckFailed, Client, iop, require, sample, serving  # noqa: E402

PASSWORD = "agreement-check-pw"
ORG_NAME = "Klockföreningen i Stenungsund"
ORG_NUMBER = "802017-0000"  # a valid organisation number (Luhn check digit)
USERS = [("ac_org", "organisation", ["--organisation", ORG_NUMBER]),
         ("ac_officer", "officer", ["--municipality", "stenungsund"]),
         ("ac_board", "board", ["--municipality", "stenungsund"]),
         ("ac_finance", "finance", ["--municipality", "stenungsund"]),
         ("ac_admin", "admin", [])]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PREPARATION_ROUNDS = 30
YEARLY_SEK = 250_000


# ------------------------------------------------------------------------------ calendar rules
def add_months(day: date, months: int) -> date:
    """`months` later (or earlier), on the same day of the month or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), STOCKHOLM)


def local_day(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(STOCKHOLM).date()


# ------------------------------------------------------------------------------ the API, by role
class Agreement:
    """One agreement case seen through the API with a token per role."""

    def __init__(self, client: Client, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens
        self.case_id = 0

    def get(self, path: str, role: str = "officer") -> Any:
        status, body = self.client.call("GET", path, token=self.tokens[role])
        require(status == 200, f"GET {path} as {role} answered {status}: {body}")
        return body

    def now(self) -> datetime:
        return datetime.fromisoformat(self.get("/clock", "admin")["now"])

    def move(self, moment: datetime) -> int:
        if moment <= self.now():
            return 0
        status, body = self.client.call("POST", "/clock", {"now": moment.isoformat()}, self.tokens["admin"])
        require(status == 200, f"moving the clock to {moment.isoformat()} answered {status}: {body}")
        return int(body.get("fired", 0))

    def case(self) -> Any:
        return self.get(f"/cases/{self.case_id}")

    def plan(self) -> Any:
        return self.get(f"/cases/{self.case_id}/agreement")

    def tasks(self) -> list[tuple[str, dict[str, Any]]]:
        """(role, task) for every task of the case, as each role's own task list shows it."""
        found = []
        for role in ("organisation", "officer", "board", "finance"):
            for task in self.get(f"/tasks?case_id={self.case_id}", role)["items"]:
                found.append((role, task))
        return found

    def open_names(self) -> list[str]:
        return sorted(t["name"] for t in self.case()["open_tasks"])

    def task(self, name: str) -> tuple[str, dict[str, Any]]:
        matching = [(role, t) for role, t in self.tasks() if t["name"] == name]
        require(matching, f"no role sees an open {name!r} task; the case has {self.open_names()}")
        require(len({t["id"] for _, t in matching}) == 1,
                f"{name!r} is open more than once: {[t['id'] for _, t in matching]}")
        return matching[0]

    def complete(self, name: str, data: dict[str, Any] | None = None) -> None:
        role, task = self.task(name)
        body = {**sample(task["form"] or {}), **(data or {})}
        status, answer = self.client.call("POST", f"/tasks/{task['id']}/complete", {"data": body},
                                          self.tokens[role])
        require(status == 200, f"{role} could not complete {name}: {status} {answer}")
        print(f"  completed {name} as {role}")


# ------------------------------------------------------------------------------ preparation
def prepare(agreement: Agreement, start: date, years: int, today: date) -> None:
    """Interest registration through the board's decision, completed through the API."""
    overrides: dict[str, dict[str, Any]] = {
        "interest": {"organisation_name": ORG_NAME, "org_number": ORG_NUMBER, "legal_form": "ideell_forening",
                     "contact_email": "kontakt@example.org"},
        "dialogue": {"meeting_date": today.isoformat(), "dialogue_complete": True},
        "economic_plan": {"yearly_support_sek": YEARLY_SEK, "period_start": start.isoformat(),
                          "period_years": years, "statistics": ["individkontakter"]},
        "suitability": {"suitable": True},
        "board_decision": {"board_enters": True, "decision_date": today.isoformat(),
                           "minute_reference": "KS § 42"},
    }
    status, case = agreement.client.call("POST", "/cases", {"municipality": "stenungsund",
                                                            "process": "stenungsund_agreement"},
                                         agreement.tokens["organisation"])
    require(status == 201 and case.get("registration_number"), f"POST /cases answered {status}: {case}")
    agreement.case_id = case["id"]
    print(f"case {case['registration_number']}: preparation")
    status, body = agreement.client.call("GET", f"/cases/{agreement.case_id}/agreement",
                                         token=agreement.tokens["officer"])
    require(status == 404, f"before the board's decision there is no agreement, yet the API answered {status}")
    done: list[str] = []
    for _round in range(PREPARATION_ROUNDS):
        if "board_decision" in done:
            break
        open_now = agreement.tasks()
        require(open_now, f"the preparation stopped after {done}; the case is at {agreement.case()['current_step']}")
        for _role, task in open_now:
            agreement.complete(task["name"], overrides.get(task["name"]))
            done.append(task["name"])
    require("board_decision" in done, f"the board's decision was never reached: {done}")
    case = agreement.case()
    require(case["status"] == "running", f"after the board's decision the case is {case['status']}")
    require(not case["open_tasks"], f"after the decision nothing should be open: {agreement.open_names()}")
    require(case["next_timer"], "after the decision the case should wait for a timer")


# ------------------------------------------------------------------------------ the timeline
def check_plan(agreement: Agreement, start: date, years: int) -> dict[str, Any]:
    plan = agreement.plan()
    end = add_months(start, 12 * years) - timedelta(days=1)
    period = plan["periods"][0]
    require(period["start"] == start.isoformat() and period["end"] == end.isoformat(),
            f"the period should run {start}–{end}, the API says {period['start']}–{period['end']}")
    dialogue, deadline = add_months(end, -9), add_months(end, -3)
    require(period["renewal_dialogue_opens"] == dialogue.isoformat(),
            f"the renewal dialogue should open 9 months before {end}: {dialogue}, "
            f"the API says {period['renewal_dialogue_opens']}")
    require(period["renewal_decision_deadline"] == deadline.isoformat(),
            f"the renewal deadline should be 3 months before {end}: {deadline}, "
            f"the API says {period['renewal_decision_deadline']}")
    dues = [p["due"] for p in plan["payments"]]
    want = [add_months(start, 12 * k).isoformat() for k in range(years)]
    require(dues == want, f"yearly payments should be due {want}, the API says {dues}")
    require(all(p["status"] == "planned" and p["amount_sek"] == YEARLY_SEK for p in plan["payments"]),
            f"before the start every payment is planned at {YEARLY_SEK} SEK: {plan['payments']}")
    require(len(plan["follow_ups"]) == years, f"one follow-up a year expected: {plan['follow_ups']}")
    for f in plan["follow_ups"]:
        require(f["opens"] <= f["due"] < f["gates"] == add_months(start, 12 * f["year"]).isoformat(),
                f"follow-up {f['year']} should open and be due before the anniversary it gates: {f}")
    print(f"plan: {start}–{end}, payments {want}, follow-ups {[f['opens'] for f in plan['follow_ups']]}, "
          f"dialogue {dialogue}, deadline {deadline}")
    return plan


def payment(agreement: Agreement, number: int) -> dict[str, Any]:
    return next(p for p in agreement.plan()["payments"] if p["number"] == number and p["version"] == 1)


def follow_up(agreement: Agreement, year: int) -> dict[str, Any]:
    return next(f for f in agreement.plan()["follow_ups"] if f["year"] == year and f["version"] == 1)


def opened_on(agreement: Agreement, name: str, day: date) -> None:
    _role, task = agreement.task(name)
    require(task["created"] and local_day(task["created"]) == day,
            f"{name} should have opened on {day}, it opened {task['created']}")


Step = tuple[date, str, Callable[[], None], Callable[[], None]]


def timeline(agreement: Agreement, start: date, years: int, plan: dict[str, Any]) -> list[Step]:
    """(day, label, check the day before, check and act on the day) for every timer of the period."""
    steps: list[Step] = []
    end = add_months(start, 12 * years) - timedelta(days=1)

    for p in plan["payments"]:
        number, due = p["number"], date.fromisoformat(p["due"])

        def before(number: int = number) -> None:
            require(payment(agreement, number)["status"] == "planned", f"payment {number} moved before its day")
            require("pay" not in agreement.open_names(), f"a payment task opened before payment {number}'s day")

        def on(number: int = number, due: date = due) -> None:
            p = payment(agreement, number)
            require(p["status"] == "released" and p["released_on"] == due.isoformat(),
                    f"payment {number} should be released on {due}: {p}")
            opened_on(agreement, "pay", due)
            agreement.complete("pay", {"paid_on": due.isoformat(), "payment_reference": f"VER-{number}"})
            p = payment(agreement, number)
            require(p["status"] == "paid" and p["paid_on"] == due.isoformat(), f"payment {number} not paid: {p}")

        steps.append((due, f"payment {number} due", before, on))

    for f in plan["follow_ups"]:
        year, opens = f["year"], date.fromisoformat(f["opens"])

        def before_f(year: int = year) -> None:
            require(follow_up(agreement, year)["status"] == "planned", f"follow-up {year} opened early")
            require("report" not in agreement.open_names(), f"a report task opened before follow-up {year}")

        def on_f(year: int = year, opens: date = opens) -> None:
            require(follow_up(agreement, year)["status"] == "open",
                    f"follow-up {year} should be open on {opens}: {follow_up(agreement, year)}")
            opened_on(agreement, "report", opens)
            # a report holds exactly the statistics the economic plan names (x-keys-from)
            agreement.complete("report", {"statistics_values": {"individkontakter": 40 + year}})
            agreement.complete("review", {"follow_up_approved": True, "dialogue_date": opens.isoformat()})
            require(follow_up(agreement, year)["status"] == "approved",
                    f"follow-up {year} should be approved: {follow_up(agreement, year)}")

        steps.append((opens, f"follow-up {year} opens", before_f, on_f))

    dialogue, deadline, next_start = add_months(end, -9), add_months(end, -3), end + timedelta(days=1)

    def before_dialogue() -> None:
        require("renewal_dialogue" not in agreement.open_names(), "the renewal dialogue opened early")

    def on_dialogue() -> None:
        opened_on(agreement, "renewal_dialogue", dialogue)  # and left undecided

    def before_deadline() -> None:
        names = agreement.open_names()
        require(not {"escalate_officer", "escalate_board"} & set(names), f"escalated before the deadline: {names}")
        require("renewal_dialogue" in names, f"the undecided renewal dialogue should still be open: {names}")

    def on_deadline() -> None:
        for name in ("escalate_officer", "escalate_board"):
            opened_on(agreement, name, deadline)
        agreement.complete("escalate_officer")
        agreement.complete("escalate_board")

    def before_end() -> None:
        require(agreement.case()["status"] == "running", "the agreement ended before its end date")

    def on_end() -> None:
        case = agreement.case()
        require(case["status"] == "completed", f"the undecided agreement should end on {next_start}: "
                                               f"{case['status']}, open {agreement.open_names()}")
        plan = agreement.plan()
        require(plan["status"] != "running", f"the agreement is still running: {plan['status']}")
        require([p["status"] for p in plan["payments"]] == ["paid"] * years, f"payments: {plan['payments']}")
        fired = [e for e in case["history"] if e["kind"] == "timer_fired"]
        require(fired, "the history shows no timer firings")
        print(f"  ended: outcome {case['outcome']}, agreement {plan['status']}, {len(fired)} timer firings")

    steps += [(dialogue, "renewal dialogue opens (9 months before the end)", before_dialogue, on_dialogue),
              (deadline, "undecided renewal escalates (3 months before the end)", before_deadline, on_deadline),
              (next_start, "the period has run out", before_end, on_end)]
    steps.sort(key=lambda s: s[0])
    return steps


def drive(client: Client, years: int) -> None:
    tokens = {}
    for username, role, _ in USERS:
        status, body = client.call("POST", "/auth/token", {"username": username, "password": PASSWORD})
        require(status == 200 and body.get("token"), f"no token for {username}: {status} {body}")
        tokens[role] = body["token"]
    agreement = Agreement(client, tokens)
    today = agreement.now().astimezone(STOCKHOLM).date()
    first = add_months(today, 2)
    start = date(first.year, first.month, 1)  # the first of a month at least two months ahead
    prepare(agreement, start, years, today)
    plan = check_plan(agreement, start, years)
    for day, label, before, on in timeline(agreement, start, years, plan):
        agreement.move(local_midnight(day - timedelta(days=1)) + timedelta(hours=12))
        before()
        fired = agreement.move(local_midnight(day))
        print(f"{day}: {label} ({fired} timer firings)")
        require(fired > 0, f"{day}: moving the clock to {label} fired no timer")
        on()
    print(f"agreement {start}–{add_months(start, 12 * years) - timedelta(days=1)}: every timer had its effect "
          f"on its day ({client.calls} calls, none 500)")


def run(binary: str, years: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
        env.update(IOP_DATABASE_URL=f"sqlite:///{Path(tmp) / 'clock.sqlite3'}", IOP_INSTANCE_PATH=tmp,
                   IOP_CLOCK="manual")
        iop(binary, env, "db", "upgrade")
        iop(binary, env, "org", "add", "--name", ORG_NAME, "--org-number", ORG_NUMBER)
        for username, role, extra in USERS:
            iop(binary, env, "user", "add", username, "--role", role, *extra, "--password-stdin",
                stdin=PASSWORD + "\n")
        with serving(binary, env) as client:
            drive(client, years)


def main() -> int:
    parser = argparse.ArgumentParser(description="black-box check of an agreement's timers through the API")
    parser.add_argument("--iop", default=str(Path(sys.executable).with_name("iop")))
    parser.add_argument("--years", type=int, default=2, help="the agreement period, 1-5 years (2)")
    args = parser.parse_args()
    try:
        run(args.iop, args.years)
    except CheckFailed as failure:
        print(f"agreement clock check failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
