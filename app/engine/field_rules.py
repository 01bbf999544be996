"""Who may see a form's fields, as the process owner writes it in the form file (or a Camunda form).

A form file says it with three keys (a Camunda `formField` with `camunda:property` ids `visibility`,
`partyWhen`, `secret` and `secretRoles`, see app.engine.camunda_forms):

- `"x-visibility"` on the form (the default for its fields) or on a field: `"party"` (the organisation that is
  party to the case and the municipality's staff), `"staff"` (the municipality's staff only) or
  `"roles:lawyer,officer"` (the named roles only). A form without it: `party` for the organisation's own
  forms, `staff` for every other (the form's task decides).
- `"x-party-when"` on a field: the moment a field that is not `party` reaches the organisation, as the diagram
  says: `"case_closed"` (the case has ended: completed or cancelled) or `"outcome:wrong_contract_form,declined"`
  (the case ended with one of these outcomes, the end events' `outcome` property).
- `"x-secret"` on a field: `{"ground": "OSL 26 kap. 1 §", "roles": ["officer"]}`: the value is secret under
  that legal ground and shown only to the roles named; everyone else reads "Sekretess: <ground>", and every
  view by a named role is logged (app.domain.visibility).

This module only reads and checks the rules (no database, no users); app.domain.visibility decides per viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.roles import Role

PARTY = "party"
STAFF = "staff"
ROLES_PREFIX = "roles:"
CASE_CLOSED = "case_closed"
OUTCOME_PREFIX = "outcome:"
VISIBILITY_KEY = "x-visibility"
PARTY_WHEN_KEY = "x-party-when"
SECRECY_KEY = "x-secret"
ROLE_NAMES = tuple(str(r) for r in Role)


@dataclass(frozen=True)
class Audience:
    """Who sees a field: the party and staff, staff, or the named roles only."""
    kind: str  # PARTY, STAFF or "roles"
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Secret:
    ground: str
    roles: frozenset[str]


@dataclass(frozen=True)
class FieldRule:
    audience: Audience
    party_when: str | None = None  # CASE_CLOSED or "outcome:a,b"
    secret: Secret | None = None


def audience_problem(value: Any) -> str | None:
    """Why `value` is no visibility (None when it is one)."""
    if value in (PARTY, STAFF):
        return None
    if isinstance(value, str) and value.startswith(ROLES_PREFIX):
        roles = [r.strip() for r in value[len(ROLES_PREFIX):].split(",")]
        unknown = [r for r in roles if r not in ROLE_NAMES]
        if not roles or unknown:
            return (f"names the role{'s' if len(unknown) > 1 else ''} {', '.join(repr(r) for r in unknown)}, "
                    f"which {'are' if len(unknown) > 1 else 'is'} no role (roles: {', '.join(ROLE_NAMES)})")
        return None
    return (f"has the value {value!r}; known are 'party', 'staff' and 'roles:' with role names "
            "(e.g. 'roles:lawyer,officer')")


def party_when_problem(value: Any) -> str | None:
    if value == CASE_CLOSED:
        return None
    if isinstance(value, str) and value.startswith(OUTCOME_PREFIX) and all(
            part.strip() for part in value[len(OUTCOME_PREFIX):].split(",")):
        return None
    return f"has the value {value!r}; known are 'case_closed' and 'outcome:' with end event outcomes"


def secret_problem(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) - {"ground", "roles"}:
        return 'must be an object {"ground": "<legal ground>", "roles": ["<role>", ...]}'
    ground = value.get("ground")
    if not isinstance(ground, str) or not ground.strip():
        return "needs its legal ground (e.g. \"OSL 26 kap. 1 §\")"
    roles = value.get("roles")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        return "needs the roles that may see the value, as a list of role names"
    unknown = [r for r in roles if r not in ROLE_NAMES]
    if unknown:
        return f"names {', '.join(repr(r) for r in unknown)}, which is no role (roles: {', '.join(ROLE_NAMES)})"
    return None


def parse_audience(value: str) -> Audience:
    if value.startswith(ROLES_PREFIX):
        return Audience("roles", frozenset(r.strip() for r in value[len(ROLES_PREFIX):].split(",")))
    return Audience(value)


def default_audience(schema: dict[str, Any] | None, task_role: str | None) -> Audience:
    """The form's own default, else party for the organisation's forms and staff for all others."""
    declared = (schema or {}).get(VISIBILITY_KEY)
    if isinstance(declared, str) and audience_problem(declared) is None:
        return parse_audience(declared)
    return Audience(PARTY) if task_role == Role.ORGANISATION else Audience(STAFF)


def field_rule(schema: dict[str, Any] | None, name: str, task_role: str | None) -> FieldRule:
    """The rule of one top-level field (a field the form does not know: the form's default)."""
    prop = ((schema or {}).get("properties") or {}).get(name)
    prop = prop if isinstance(prop, dict) else {}
    declared = prop.get(VISIBILITY_KEY)
    audience = parse_audience(declared) if isinstance(declared, str) and audience_problem(declared) is None \
        else default_audience(schema, task_role)
    when = prop.get(PARTY_WHEN_KEY)
    raw_secret = prop.get(SECRECY_KEY)
    secret = Secret(str(raw_secret["ground"]).strip(), frozenset(raw_secret["roles"])) \
        if raw_secret is not None and secret_problem(raw_secret) is None else None
    return FieldRule(audience=audience, party_when=when if isinstance(when, str) and party_when_problem(when) is None
                     else None, secret=secret)


def visible_to_party_from_start(schema: dict[str, Any] | None, name: str, task_role: str | None) -> bool:
    """The field reaches the organisation at once (party, not secret): what a task's feedbackField must be."""
    rule = field_rule(schema, name, task_role)
    return rule.audience.kind == PARTY and rule.secret is None


def rule_problems(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(where, key, message) for every visibility, party-when or secret key of the form that is wrong or
    misplaced; `where` is "the form" or the field's name."""
    found: list[tuple[str, str, str]] = []
    if VISIBILITY_KEY in schema:
        problem = audience_problem(schema[VISIBILITY_KEY])
        if problem:
            found.append(("the form", VISIBILITY_KEY, f"'{VISIBILITY_KEY}' of the form {problem}"))
    for key in (PARTY_WHEN_KEY, SECRECY_KEY):
        if key in schema:
            found.append(("the form", key, f"'{key}' belongs on a field, not on the whole form"))
    props = schema.get("properties")
    for name, prop in (props.items() if isinstance(props, dict) else []):
        if not isinstance(prop, dict):
            continue
        checks = ((VISIBILITY_KEY, audience_problem), (PARTY_WHEN_KEY, party_when_problem),
                  (SECRECY_KEY, secret_problem))
        for key, check in checks:
            if key in prop:
                problem = check(prop[key])
                if problem:
                    found.append((name, key, f"'{key}' of the field '{name}' {problem}"))
    return found


__all__ = ["CASE_CLOSED", "PARTY", "STAFF", "Audience", "FieldRule", "Secret", "audience_problem",
           "default_audience", "field_rule", "party_when_problem", "rule_problems", "secret_problem",
           "visible_to_party_from_start"]
