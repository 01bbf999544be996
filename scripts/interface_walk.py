"""A walk through one municipality's process that knows only the outside interface (/work/shared/interface.md).

What it uses, and nothing else of the product: the `iop` command line (`org add`, `user add`), the
settings (`IOP_DATABASE_URL`, `IOP_CLOCK=manual`) and the JSON API of a real `iop serve --no-scheduler`.

1. A temporary SQLite database; an organisation and one user for every role of interface.md, made with
   the CLI (the walk knows who holds which role because it made them: the interface needs no extension).
2. The organisation starts a case in the municipality: `POST /api/v1/cases` with `{"municipality"}` only,
   so the municipality's first offered process runs. If the municipality offers no process yet the walk
   says so and exits with status 3 (a skip, not a failure).
3. Round after round it lists the case's open tasks as each role's user (`GET /api/v1/tasks?case_id=`),
   fills each task's form from its JSON Schema alone (`fill`: required fields, `if`/`then` and
   `dependentRequired`, enums, types, formats, `minItems`, `x-prefill`, `x-not-before`, `x-keys-from`
   resolved against what the walk itself submitted earlier in the case, a `pattern`'s first `examples`)
   and completes it. A 422 naming fields is answered once more with those fields filled (a field a rule
   outside the schema wants, such as a conditional requirement the schema cannot express) or changed (an
   enum's next value, a boolean's other value).
4. When no role has a task and the case waits for a timer (`next_timer` of `GET /api/v1/cases/{id}`),
   the manual clock is moved there (`POST /api/v1/clock`), which fires what became due.
5. It stops at a defined point: the case has ended (status other than `running`) or it is a running
   agreement (`GET /api/v1/agreements?municipality=` lists it) whose first payment is made (`GET
   /api/v1/payments` shows it paid; the walk moves the clock to the payment's release). Any 500, an
   answer without the error shape, a stuck case or too many rounds exits with status 1 and one clear
   message.

    python scripts/interface_walk.py MUNICIPALITY [--iop PATH_TO_IOP] [--process PROCESS_ID]
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from interface_check import CheckFailed, Client, iop, require, serving  # noqa: E402

PASSWORD = "interface-walk-pw"
ORG_NAME = "Vandringsföreningen"
ORG_NUMBER = "802017-0000"  # a valid Swedish organisation number (Luhn check digit)
ORG_EMAIL = "kontakt@example.org"
ROLES = ("organisation", "lawyer", "officer", "board", "finance", "process_owner", "admin")
MUNICIPALITIES = ("falun", "stenungsund", "gavle", "kungsbacka")
TASK_FIELDS = {"id", "case_id", "name", "title", "role", "assignee", "due", "form"}
MAX_ROUNDS = 80
RETRIES = 4
AHEAD_DAYS = 14  # dates are this far ahead of the clock, so that the process's timers wait and the walk moves it
SKIPPED = 3  # the exit status when the municipality offers no process yet
TEXT = "Svar från vandringen genom gränssnittet"


class NoProcess(Exception):
    """The municipality offers no process yet: nothing to walk."""


# ------------------------------------------------------------------------------ values from a schema
class Filler:
    """Values for a form made from its JSON Schema alone, plus what the walk knows about itself: the
    organisation it registered (`x-prefill`), the clock's day (dates) and its own earlier answers
    (`x-keys-from`)."""

    def __init__(self, today: date, known: dict[str, Any] | None = None, ahead_days: int = AHEAD_DAYS) -> None:
        self.today = today
        self.ahead = today + timedelta(days=ahead_days)  # dates a little ahead: timers wait for the walk's clock
        self.known = known if known is not None else {}  # every value the walk submitted in the case

    # -- one property
    def value(self, prop: dict[str, Any], data: dict[str, Any] | None = None) -> Any:
        prop = _resolved(prop)
        if "const" in prop:
            return copy.deepcopy(prop["const"])
        if "enum" in prop:
            return copy.deepcopy(prop["enum"][0])
        prefill = self._prefill(prop.get("x-prefill"))
        if prefill is not None:
            return prefill
        kind = _kind(prop)
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return _number(prop, kind)
        if kind == "array":
            return [self.value(prop.get("items") or {"type": "string"}) for _ in range(int(prop.get("minItems", 0)))]
        if kind == "object":
            if prop.get("x-keys-from"):
                return self._named_numbers(prop)
            return self.fill(prop)
        if kind == "null":
            return None
        return self._string(prop, data or {})

    def _prefill(self, source: Any) -> Any:
        return {"organisation.name": ORG_NAME, "organisation.org_number": ORG_NUMBER,
                "organisation.email": ORG_EMAIL, "user.name": "Vandraren", "user.email": ORG_EMAIL}.get(source)

    def _string(self, prop: dict[str, Any], data: dict[str, Any]) -> str:
        fmt = prop.get("format")
        if fmt == "date":
            after = prop.get("x-not-before")
            start = data.get(after) if isinstance(after, str) else None
            try:
                base = date.fromisoformat(start) if isinstance(start, str) else self.ahead
            except ValueError:
                base = self.ahead
            return (base + timedelta(days=365) if start else base).isoformat()
        if fmt == "date-time":
            return datetime.combine(self.today, datetime.min.time()).isoformat() + "+00:00"
        if fmt == "email":
            return ORG_EMAIL
        examples = prop.get("examples")
        if prop.get("pattern") and isinstance(examples, list) and examples and isinstance(examples[0], str):
            return examples[0]
        if prop.get("pattern") and re.fullmatch(str(prop["pattern"]), ORG_NUMBER):
            return ORG_NUMBER
        text = TEXT.ljust(int(prop.get("minLength", 0)), "x")
        return text[: int(prop.get("maxLength", len(text)))]

    def _named_numbers(self, prop: dict[str, Any]) -> dict[str, Any]:
        """One number per name of the list an `x-keys-from` path names (the first path found wins)."""
        paths = prop["x-keys-from"]
        for path in [paths] if isinstance(paths, str) else paths:
            found: Any = self.known
            for step in str(path).split("."):
                found = found.get(step) if isinstance(found, dict) else None
            if isinstance(found, list):
                each = prop.get("additionalProperties")
                each = each if isinstance(each, dict) else {"type": "number"}
                names = [item.get("label") if isinstance(item, dict) else item for item in found]
                return {str(name): self.value(each) for name in names if name}
        return {}

    # -- a whole form
    def fill(self, schema: dict[str, Any], variant: int = 0) -> dict[str, Any]:
        """The required fields, then what the schema's conditions make required, until nothing changes.
        `variant` n > 0 turns each top-level choice n steps on (the other boolean, the next enum value): a
        task met again in a loop ("another meeting?") is answered differently, so the walk leaves the loop."""
        props = schema.get("properties", {}) or {}
        data: dict[str, Any] = {}
        for name in schema.get("required", []):
            data[name] = self.value(props.get(name, {}), data)
            for _ in range(variant):
                data[name] = self.other(props.get(name, {}), data[name], data)
        for _ in range(10):
            wanted = self._conditionally_required(schema, data)
            missing = [name for name in wanted if name not in data]
            if not missing:
                break
            for name in missing:
                data[name] = self.value(_merged(props.get(name, {}), wanted[name]), data)
        return data

    def _conditionally_required(self, schema: dict[str, Any], data: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Field -> extra constraints, for every field a matching `if`/`then` or `dependentRequired` requires."""
        wanted: dict[str, dict[str, Any]] = {}
        rules = [schema, *[s for s in schema.get("allOf", []) if isinstance(s, dict)]]
        for rule in rules:
            if "if" in rule and isinstance(rule.get("if"), dict):
                branch = rule.get("then") if _matches(rule["if"], data) else rule.get("else")
                if isinstance(branch, dict):
                    extra = branch.get("properties", {}) or {}
                    for name in branch.get("required", []):
                        wanted[name] = extra.get(name, {}) if isinstance(extra.get(name), dict) else {}
            for field, needs in (rule.get("dependentRequired") or {}).items():
                if field in data:
                    for name in needs:
                        wanted.setdefault(name, {})
        return wanted

    def other(self, prop: dict[str, Any], current: Any, data: dict[str, Any]) -> Any:
        """Another valid value for a field the server refused (the next enum value, the other boolean)."""
        prop = _resolved(prop)
        if "enum" in prop and current in prop["enum"]:
            values = prop["enum"]
            return values[(values.index(current) + 1) % len(values)]
        if _kind(prop) == "boolean" and isinstance(current, bool):
            return not current
        if prop.get("format") == "date" and current != self.today.isoformat():
            return self.today.isoformat()  # a date ahead refused (not in the future): today
        return self.value(prop, data)


def _resolved(prop: dict[str, Any]) -> dict[str, Any]:
    """A property with its `anyOf`/`oneOf` narrowed to the first non-null alternative."""
    for key in ("anyOf", "oneOf"):
        choices = prop.get(key)
        if isinstance(choices, list) and choices and "type" not in prop and "enum" not in prop:
            first = next((c for c in choices if isinstance(c, dict) and c.get("type") != "null"), choices[0])
            return {**{k: v for k, v in prop.items() if k != key}, **first}
    return prop


def _merged(prop: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**prop, **extra}


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None and "properties" in prop:
        kind = "object"
    return str(kind or "string")


def _number(prop: dict[str, Any], kind: str) -> int | float:
    low = prop.get("minimum", prop.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in prop else 0))
    high = prop.get("maximum", prop.get("exclusiveMaximum", 10**6 + 1) - 1)
    value = min(max(1, low), high)
    return int(value) if kind == "integer" or float(value).is_integer() else value


def _matches(condition: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether `data` satisfies an `if` schema (the keywords forms use: properties with const/enum, required)."""
    if any(name not in data for name in condition.get("required", [])):
        return False
    for name, sub in (condition.get("properties") or {}).items():
        if name not in data or not isinstance(sub, dict):
            continue
        if "const" in sub and data[name] != sub["const"]:
            return False
        if "enum" in sub and data[name] not in sub["enum"]:
            return False
    return True


# ------------------------------------------------------------------------------ the walk
class Walk:
    def __init__(self, client: Client, municipality: str, process: str | None) -> None:
        self.client = client
        self.municipality = municipality
        self.process = process
        self.tokens: dict[str, str] = {}
        self.case_id = 0
        self.known: dict[str, Any] = {}
        self.completed: list[tuple[str, str]] = []
        self.clock_moves = 0

    def log_in(self) -> None:
        for role in ROLES:
            username = user_name(self.municipality, role)
            status, body = self.client.call("POST", "/auth/token", {"username": username, "password": PASSWORD})
            require(status == 200 and body.get("token"), f"no token for {username}: {status} {body}")
            self.tokens[role] = body["token"]

    def get(self, path: str, role: str = "officer") -> Any:
        status, body = self.client.call("GET", path, token=self.tokens[role])
        require(status == 200, f"GET {path} as {role} answered {status}: {body}")
        return body

    def today(self) -> date:
        return datetime.fromisoformat(self.get("/clock", "admin")["now"]).date()

    def start(self) -> dict[str, Any]:
        body: dict[str, Any] = {"municipality": self.municipality}
        if self.process:
            body["process"] = self.process
        status, case = self.client.call("POST", "/cases", body, self.tokens["organisation"])
        if status in (400, 404, 422) and "offers no process" in str(case.get("error", {}).get("message", "")):
            raise NoProcess(case["error"]["message"])
        require(status == 201 and case.get("registration_number"), f"POST /cases answered {status}: {case}")
        self.case_id = case["id"]
        print(f"case {case['registration_number']} in {self.municipality}: {case.get('process', '')}".rstrip())
        return dict(case)

    def open_tasks(self) -> list[tuple[str, dict[str, Any]]]:
        """(role, task) for each open task of the case, once, as the role it names (else the first that sees it)."""
        seen: dict[str, tuple[str, dict[str, Any]]] = {}
        for role in ROLES:
            for task in self.get(f"/tasks?case_id={self.case_id}", role)["items"]:
                require(TASK_FIELDS <= set(task), f"task lacks {TASK_FIELDS - set(task)}: {task}")
                if task["id"] not in seen or task.get("role") == role:
                    seen[task["id"]] = (role, task)
        return list(seen.values())

    def complete(self, role: str, task: dict[str, Any]) -> None:
        schema = task["form"] or {}
        filler = Filler(self.today(), self.known)
        again = sum(1 for name, _ in self.completed if name == task["name"])
        data = filler.fill(schema, variant=again // 2) if schema else {}  # the third time round: other answers
        for attempt in range(RETRIES + 1):
            status, body = self.client.call("POST", f"/tasks/{task['id']}/complete", {"data": data},
                                            self.tokens[role])
            if status == 200:
                break
            fields = (body.get("error", {}) or {}).get("fields") or {} if isinstance(body, dict) else {}
            named = [f for f in fields if answer_again(filler, schema, data, f)]
            require(status == 422 and named and attempt < RETRIES,
                    f"{role} could not complete {task['name']}: {status} {body}")
            print(f"  {task['name']}: the server named {', '.join(named)}; answering again")
        self.known.update(data)
        self.completed.append((task["name"], role))
        print(f"completed {task['name']} as {role}")

    def case(self) -> dict[str, Any]:
        return dict(self.get(f"/cases/{self.case_id}"))

    def running_agreement(self) -> bool:
        """Listed among the municipality's running agreements, with its first payment made."""
        listed = self.get(f"/agreements?municipality={self.municipality}")
        if not any(item.get("case_id") == self.case_id for item in listed.get("items", [])):
            return False
        paid = self.get(f"/payments?municipality={self.municipality}", "finance")
        return any(p.get("case_id") == self.case_id and p.get("status") == "paid" for p in paid.get("items", []))

    def move_clock(self, due: str) -> None:
        now = datetime.fromisoformat(self.get("/clock", "admin")["now"])
        moment = max(datetime.fromisoformat(due), now + timedelta(minutes=1))  # a timer already due: a minute on
        status, body = self.client.call("POST", "/clock", {"now": moment.isoformat()}, self.tokens["admin"])
        require(status == 200, f"moving the clock to {due} answered {status}: {body}")
        self.clock_moves += 1
        print(f"moved the clock to {due}")

    def walk(self) -> str:
        """Drive the case to a defined point; returns which one ('ended: <outcome>' or 'running agreement')."""
        self.start()
        for _round in range(MAX_ROUNDS):
            case = self.case()
            if case["status"] != "running":
                return f"ended: {case['status']} {case.get('outcome') or ''}".rstrip()
            if self.running_agreement():
                return "running agreement"
            tasks = self.open_tasks()
            if tasks:
                role, task = tasks[0]
                self.complete(role, task)
                continue
            require(case.get("next_timer"),
                    f"the case waits with no open task and no timer at {case.get('current_step')}")
            self.move_clock(case["next_timer"])
        raise CheckFailed(f"no defined point after {MAX_ROUNDS} rounds; completed {self.completed}")


def field_steps(key: str) -> list[str | int]:
    """The steps of an error's field key: `parties[1][org_number]` -> ["parties", 1, "org_number"]."""
    head, _, rest = key.partition("[")
    steps: list[str | int] = [head]
    for part in re.findall(r"([^\[\]]*)\]", "[" + rest if rest else ""):
        steps.append(int(part) if part.isdigit() else part)
    return steps


def answer_again(filler: Filler, schema: dict[str, Any], data: dict[str, Any], key: str) -> bool:
    """Fill the field an error names (a rule beyond the schema wants it) or change it (the rule refused its
    value), at any depth of objects and rows; False if the schema has no such place."""
    *path, last = field_steps(key)
    prop: dict[str, Any] = schema
    holder: Any = data
    for step in path:
        prop = (prop.get("items") if isinstance(step, int) else (prop.get("properties") or {}).get(step)) or {}
        node: Any = holder[step] if isinstance(step, int) and isinstance(holder, list) and step < len(holder) \
            else holder.get(step) if isinstance(step, str) and isinstance(holder, dict) else None
        if not isinstance(node, dict | list):
            return False
        holder = node
    sub = (prop.get("items") if isinstance(last, int) else (prop.get("properties") or {}).get(last))
    if not isinstance(sub, dict):
        return False
    if isinstance(last, int) and isinstance(holder, list) and last < len(holder):
        holder[last] = filler.other(sub, holder[last], {})
    elif isinstance(last, str) and isinstance(holder, dict):
        holder[last] = filler.other(sub, holder[last], holder) if last in holder else filler.value(sub, holder)
    else:
        return False
    return True


def user_name(municipality: str, role: str) -> str:
    return f"walk_{municipality}_{role}"


def prepare(binary: str, env: dict[str, str], municipality: str) -> None:
    iop(binary, env, "org", "add", "--name", ORG_NAME, "--org-number", ORG_NUMBER)
    for role in ROLES:
        extra = ["--organisation", ORG_NUMBER] if role == "organisation" else ["--municipality", municipality]
        iop(binary, env, "user", "add", user_name(municipality, role), "--role", role, *extra, "--password-stdin",
            stdin=PASSWORD + "\n")


def run(binary: str, municipality: str, process: str | None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
        env.update(IOP_DATABASE_URL=f"sqlite:///{Path(tmp) / 'walk.sqlite3'}", IOP_INSTANCE_PATH=tmp,
                   IOP_CLOCK="manual")
        prepare(binary, env, municipality)
        with serving(binary, env) as client:
            walk = Walk(client, municipality, process)
            walk.log_in()
            point = walk.walk()
            print(f"{municipality}: {point} after {len(walk.completed)} tasks, {walk.clock_moves} clock moves and "
                  f"{client.calls} calls, none 500")
            return point


def main() -> int:
    parser = argparse.ArgumentParser(description="walk a case through one municipality's process by the API only")
    parser.add_argument("municipality", choices=MUNICIPALITIES)
    parser.add_argument("--process", default=None, help="a process the municipality offers (default: its first)")
    parser.add_argument("--iop", default=str(Path(sys.executable).with_name("iop")))
    args = parser.parse_args()
    try:
        run(args.iop, args.municipality, args.process)
    except NoProcess as none:
        print(f"skipped: {none}", file=sys.stderr)
        return SKIPPED
    except CheckFailed as failure:
        print(f"walk failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
