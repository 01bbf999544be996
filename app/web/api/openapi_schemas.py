"""The component schemas of the OpenAPI document: what each endpoint answers and takes (JSON Schema 2020-12)."""

from __future__ import annotations

from typing import Any

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None, *, closed: bool = False,
        description: str | None = None) -> dict[str, Any]:
    """An object schema; every property is required unless `required` says otherwise."""
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": list(properties) if required is None else required}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def page_of(item: str) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": ref(item)}, "total": INTEGER, "limit": INTEGER,
                "offset": INTEGER})


_TASK = {
    "id": {"type": "string", "description": "the task's id (a UUID)"},
    "case_id": INTEGER,
    "registration_number": NULLABLE_STRING,
    "name": {"type": "string", "description": "the step's id in the diagram, e.g. legal_assessment"},
    "title": STRING,
    "role": {"type": "string", "description": "the role that works on the task, e.g. lawyer"},
    "assignee": {"type": ["string", "null"], "description": "username of whoever claimed the task"},
    "due": NULLABLE_TIME,
    "overdue": BOOLEAN,
    "created": NULLABLE_TIME,
}

_DEFINITION_LABEL = obj({"process_id": STRING, "version": INTEGER, "name": STRING},
                        description="the process definition version the case runs on")
_CASE_SUMMARY = {
    "id": INTEGER,
    "registration_number": {"type": "string", "description": "the case's diarienummer, e.g. KS 2026/0001"},
    "title": STRING,
    "municipality": {"type": "string", "description": "falun, stenungsund, gavle or kungsbacka"},
    "organisation": obj({"name": STRING, "org_number": STRING}),
    "status": {"type": "string", "enum": ["running", "completed", "failed", "suspended", "cancelled"]},
    "outcome": {"type": ["string", "null"], "description": "how the case ended, e.g. approved or withdrawn"},
    "current_step": STRING,
    "next_timer": {**NULLABLE_TIME, "description": "when the case's next timer fires"},
    "created": TIME,
    "updated": TIME,
    "version": {"type": "integer", "description": "increases with every change of the case"},
}

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({
        "code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found",
                                            "method_not_allowed", "conflict", "too_large",
                                            "unsupported_media_type", "invalid", "too_many_requests",
                                            "server_error"]},
        "message": {"type": "string", "description": "what went wrong, for a person"},
        "fields": {"type": "object", "description": "one message per input field; 'problems' lists a refused "
                                                    "definition's problems",
                   "additionalProperties": {"oneOf": [STRING, {"type": "array", "items": STRING}]}},
        "details": {"type": "array", "items": ref("Problem"),
                    "description": "a refused definition's problems, one object each (same order as "
                                   "fields.problems)"},
    }, ["code", "message"])}),
    "Problem": obj({
        "file": {"type": "string", "description": "the file, e.g. falun_initiative.bpmn or a form's .json"},
        "line": {"type": ["integer", "null"], "description": "the line in that file"},
        "element_id": {"type": ["string", "null"], "description": "the diagram element's id, to place the message"},
        "element_name": {"type": ["string", "null"], "description": "the element's name as drawn"},
        "code": {"type": "string", "description": "a stable key of the kind of problem, e.g. unknown_operation"},
        "message": {"type": "string", "description": "what is wrong, in plain words"},
    }),
    "Token": obj({"token": STRING, "token_type": {"const": "Bearer"}, "expires_in": INTEGER,
                  "user": obj({"username": STRING, "role": STRING})}),
    "OpenTask": obj(dict(_TASK)),
    "Task": obj({**_TASK, "form": {"type": ["object", "null"],
                                   "description": "the JSON Schema (2020-12) of the data the task takes; "
                                                  "x- keys are display hints"},
                      "notice": {"type": ["string", "null"],
                                 "description": "why the case came back to this task, e.g. what an automatic "
                                                "check found wrong (the diagram's noticeFrom); null when "
                                                "there is nothing to tell"}}),
    "InboxTask": obj({**_TASK, "form": {"type": ["object", "null"], "description": "as in Task"},
                      "organisation": {"type": "string", "description": "the case's organisation"},
                      "process": {"type": "string", "description": "the process id, e.g. falun_initiative"}}),
    "TaskList": obj({"items": {"type": "array", "items": ref("InboxTask")},
                     "total": {"type": "integer", "description": "tasks matching the filters, on all pages"},
                     "limit": INTEGER,
                     "next": {"type": ["string", "null"], "description": "pass as `after` for the next page; "
                                                                         "null on the last page"},
                     "prev": {"type": ["string", "null"], "description": "pass as `before` for the page before; "
                                                                         "null on the first page"}}),
    "CaseSummary": obj({**_CASE_SUMMARY, "definition": _DEFINITION_LABEL}),
    "Case": obj({
        **_CASE_SUMMARY,
        "definition": _DEFINITION_LABEL,
        "open_tasks": {"type": "array", "items": ref("OpenTask")},
        "feedback": {"type": "array", "description": "decisions reported back to the organisation",
                     "items": obj({"at": TIME, "title": STRING, "text": STRING, "by": STRING})},
        "history": {"type": "array", "description": "the append-only record of the case, oldest first",
                    "items": ref("Event")},
        "can_withdraw": {"type": "boolean", "description": "whether the organisation may withdraw now"},
        "incident": obj({"at": TIME, "task": NULLABLE_STRING, "step": STRING,
                         "code": {"type": ["string", "null"], "description": "what failed: limit, service, "
                                  "gateway, timer, script or expression (a step of the diagram), wake (the timer "
                                  "sweep could not wake the case); null for an incident stored before the codes"},
                         "message": {"type": "string", "description": "what failed, in plain words: Swedish, "
                                     "English with ?lang=en"},
                         "detail": {"type": "string", "description": "the technical error"}},
                        description="failed cases only: the error that stopped the case"),
        "notice": {"type": "string", "description": "failed cases only: the case stopped; administrators are told"},
    }),
    "RegisteredDocument": obj({
        "reference": {"type": "string", "description": "the case's registration number and the document's "
                                                       "number, e.g. FAL 2026/0012-3"},
        "number": {"type": "integer", "description": "1, 2, 3, ... within the case"},
        "registered_at": TIME,
        "direction": {"type": "string", "enum": ["incoming", "outgoing", "internal"],
                      "description": "received, sent to the party, or drawn up within the municipality"},
        "kind": {"type": "string", "enum": ["upload", "decision", "agreement", "report", "mail", "document"]},
        "counterpart": {"type": "string", "description": "the sender (incoming, internal) or recipient (outgoing)"},
        "description": {"type": "string", "description": "the task's name, the file's name or the mail's subject, "
                                                         "as registered"},
        "registered_by": {"type": ["string", "null"], "description": "who registered it; null: the application"},
        "digest": {"type": "string", "description": "SHA-256 of the document's content as registered"},
        "attachment": {**obj({"id": INTEGER, "filename": STRING, "size": INTEGER, "url": STRING}),
                       "type": ["object", "null"],
                       "description": "the stored file, downloadable at url (an upload); null for the others"},
        "mail": {"type": "boolean", "description": "the document is a mail in the outbox"},
    }),
    "DocumentRegister": obj({"case_id": INTEGER, "registration_number": STRING,
                             "items": {"type": "array", "items": ref("RegisteredDocument")}}),
    "Event": obj({"at": TIME, "actor": STRING,
                  "kind": {"type": "string", "description": "e.g. case_started, task_completed, timer_fired"},
                  "task": NULLABLE_STRING, "title": STRING, "data": {"type": "object"}}),
    "CaseListItem": obj({**_CASE_SUMMARY, "definition": _DEFINITION_LABEL,
                         "next_due": {**NULLABLE_TIME, "description": "the earliest due time of its open tasks"},
                         "overdue": BOOLEAN, "open_task_roles": {"type": "array", "items": STRING}}),
    "CaseList": obj({**page_of("CaseListItem")["properties"],
                     "next": {"type": ["string", "null"], "description": "pass as `after` for the next page; "
                                                                         "null on the last page"}}),
    "User": obj({"id": INTEGER, "username": STRING, "name": STRING, "email": NULLABLE_STRING,
                 "role": {"type": "string", "enum": ["organisation", "lawyer", "officer", "board", "finance",
                                                     "process_owner", "admin"]},
                 "municipality": NULLABLE_STRING, "organisation": NULLABLE_STRING, "active": BOOLEAN}),
    "UserList": page_of("User"),
    "Membership": obj({"id": INTEGER, "username": STRING, "role": STRING, "municipality": STRING}),
    "MembershipList": page_of("Membership"),
    "Organisation": obj({"id": INTEGER, "name": STRING,
                         "org_number": {"type": "string", "pattern": "^[0-9]{6}-[0-9]{4}$"},
                         "email": NULLABLE_STRING}),
    "OrganisationList": page_of("Organisation"),
    "Definition": obj({"id": INTEGER, "process_id": STRING, "version": INTEGER, "name": STRING,
                       "deployed_at": TIME, "files": {"type": "array", "items": STRING},
                       "running_cases": INTEGER}),
    "DefinitionList": obj({"items": {"type": "array", "items": ref("Definition")}}),
    "Deployed": obj({"id": INTEGER, "process_id": STRING, "version": INTEGER, "name": STRING,
                     "created": {"type": "boolean", "description": "false when the same files were already "
                                                                   "deployed as this version"}}),
    "Attachment": obj({"id": INTEGER, "filename": STRING, "size": INTEGER},
                      description="put this object in an attachment field's list when completing the task"),
    "Problems": obj({"problems": {"type": "array", "items": STRING,
                                  "description": "one message per problem, naming file, line and element "
                                                 "(\"file:line [id 'name']: message\")"},
                     "details": {"type": "array", "items": ref("Problem"),
                                 "description": "the same problems as objects, in the same order"}}),
    "TaskDraft": obj({"task_id": STRING,
                      "data": {"type": "object", "description": "the form's fields as saved"},
                      "saved_at": TIME}, description="the caller's own draft of a task"),
    "Clock": obj({"now": TIME, "fired": {"type": "integer", "description": "timers fired by the move"}},
                 ["now"]),
}

BODIES: dict[str, Any] = {
    "TokenRequest": obj({"username": STRING, "password": STRING}, closed=True),
    "CompleteRequest": obj({"data": {"type": "object", "description": "values satisfying the task's form"}},
                           closed=True),
    "DraftRequest": obj({"data": {"type": "object", "description": "the form's fields filled in so far"}},
                        closed=True),
    "CaseRequest": obj({
        "municipality": STRING,
        "process": {"type": "string", "description": "process id; the municipality's initiative flow if left out"},
        "data": {"type": "object", "description": "initial case data"},
        "organisation": {"type": "string", "description": "staff only: the organisation number"},
    }, ["municipality"], closed=True),
    "WithdrawRequest": obj({"reason": {"type": "string", "maxLength": 2000}}, closed=True),
    "CaseActionRequest": obj({"reason": {"type": "string", "maxLength": 2000,
                                         "description": "why; required for skip, suspend and cancel"}},
                             [], closed=True),
    "TimerMoveRequest": obj({"due": {"type": "string", "description": "the new date, YYYY-MM-DD (the time of day "
                                                                      "is kept), or an ISO 8601 date and time"},
                             "reason": {"type": "string", "maxLength": 2000}}, ["due", "reason"], closed=True),
    "AssignRequest": obj({"username": {"type": "string", "description": "who gets the task: holds its role where "
                                                                        "the task lives"},
                          "reason": {"type": "string", "maxLength": 2000}}, ["username"], closed=True),
    "TerminateRequest": obj({"reason": {"type": "string", "maxLength": 2000},
                             "date": {"type": "string", "description": "first day without activity, YYYY-MM-DD"}},
                            closed=True),
    "UserRequest": obj({"username": STRING, "password": {"type": "string", "minLength": 10}, "role": STRING,
                        "municipality": STRING, "organisation": STRING, "email": STRING, "name": STRING},
                       ["username", "password", "role"], closed=True),
    "MembershipRequest": obj({"username": STRING, "role": STRING, "municipality": STRING}, ["username", "role"],
                             closed=True),
    "OrganisationRequest": obj({"name": STRING,
                                "org_number": {"type": "string", "description": "NNNNNN-NNNN with a valid "
                                                                                "check digit"},
                                "email": STRING}, ["name", "org_number"], closed=True),
    "ClockRequest": obj({"now": {"type": "string", "format": "date-time",
                                 "description": "ISO 8601 with a UTC offset, not before the current time"}},
                        closed=True),
    "Upload": obj({"file": {"type": "string", "format": "binary"},
                   "field": {"type": "string", "description": "the form field the file is for (attachments)"}},
                  ["file"]),
    "Files": obj({"files": {"type": "array", "items": {"type": "string", "format": "binary"},
                            "description": "the .bpmn diagram, its .dmn tables and .json forms"}}),
}

_VERSION_REF = obj({"id": INTEGER, "version": INTEGER})
_CHANGE = obj({"id": STRING, "name": STRING,
               "change": {"type": "string", "enum": ["added", "removed", "changed", "form_changed"]},
               "process": {"type": "string", "description": "the process or subprocess the element is in"},
               "attributes": {"type": "array", "items": STRING}})
_BLOCKER = obj({"reason": {"type": "string", "description": "e.g. passed_changed, form_changed, not_running"},
                "element_id": NULLABLE_STRING, "name": NULLABLE_STRING,
                "attributes": {"type": "array", "items": STRING}, "message": STRING})
SCHEMAS["MigrationReport"] = obj({
    "case_id": INTEGER, "process_id": STRING, "from": _VERSION_REF, "to": _VERSION_REF,
    "eligible": BOOLEAN, "blockers": {"type": "array", "items": _BLOCKER, "description": "why it cannot move"},
    "changes": {"type": "array", "items": _CHANGE, "description": "what differs between the versions"}})
SCHEMAS["Migration"] = obj({
    "id": INTEGER, "case_id": INTEGER, "registration_number": NULLABLE_STRING, "from": _VERSION_REF,
    "to": _VERSION_REF, "status": {"type": "string", "enum": ["applied", "reverted"]}, "migrated_at": TIME,
    "migrated_by": STRING, "reverted_at": NULLABLE_TIME, "reverted_by": NULLABLE_STRING,
    "changes": {"type": "array", "items": _CHANGE}})
SCHEMAS["MigrationDone"] = obj({"migration": ref("Migration"), "report": ref("MigrationReport")}, ["migration"])
SCHEMAS["BulkMigration"] = obj({
    "target": obj({"id": INTEGER, "process_id": STRING, "version": INTEGER}), "dry_run": BOOLEAN,
    "migrated": {"type": "array", "items": ref("Migration")},
    "eligible": {"type": "array", "items": ref("MigrationReport"), "description": "dry run: the cases that would move"},
    "not_eligible": {"type": "array", "items": ref("MigrationReport")},
    "failed": {"type": "array", "items": obj({"case_id": INTEGER, "message": STRING})}})
BODIES["MigrationRequest"] = obj({"to": {"type": "integer", "description": "the target definition version id"}},
                                 closed=True)
BODIES["BulkMigrationRequest"] = obj({"dry_run": {"type": "boolean", "description": "only report (false)"}}, [],
                                     closed=True)

_DAY = {"type": "string", "format": "date"}
_NULLABLE_DAY = {"type": ["string", "null"], "format": "date"}
SCHEMAS["Agreement"] = obj({
    "case_id": INTEGER,
    "status": {"type": "string", "description": "running, terminated or ended"},
    "current_version": {"type": "integer", "description": "the current period (1, then 2 after a renewal …)"},
    "periods": {"type": "array", "items": obj({
        "version": INTEGER, "start": _DAY, "end": {**_DAY, "description": "the last day of the period"},
        "years": INTEGER, "yearly_amount_sek": INTEGER, "total_sek": INTEGER,
        "payment_interval": {"type": "string", "description": "yearly, half_yearly, quarterly or lump_sum"},
        "renewal_dialogue_opens": _DAY, "renewal_decision_deadline": _DAY})},
    "payments": {"type": "array", "items": obj({
        "version": INTEGER, "number": INTEGER, "due": _DAY, "amount_sek": INTEGER,
        "status": {"type": "string", "description": "planned, held, released, paid or cancelled"},
        "held_on": _NULLABLE_DAY, "released_on": _NULLABLE_DAY, "paid_on": _NULLABLE_DAY, "reference": STRING})},
    "follow_ups": {"type": "array", "items": obj({
        "version": INTEGER, "year": {"type": "integer", "description": "the agreement year reported on"},
        "opens": _DAY, "due": _DAY, "gates": {**_DAY, "description": "the first payment that needs it approved"},
        "status": {"type": "string", "description": "planned, open, submitted, returned, approved or cancelled"},
        "rounds": INTEGER})},
}, description="An agreement's plan and progress, as of the last change of its case")

_NEXT = {"type": ["object", "null"], "properties": {
    "date": _DAY, "status": STRING, "overdue": BOOLEAN, "amount_sek": {"type": ["integer", "null"]},
    "year": {"type": ["integer", "null"]}}, "required": ["date", "status", "overdue", "amount_sek", "year"]}
SCHEMAS["AgreementList"] = obj({
    "municipality": STRING, "today": _DAY, "until": {**_DAY, "description": "the last day of the window"},
    "items": {"type": "array", "items": obj({
        "case_id": INTEGER, "registration_number": STRING, "title": STRING, "organisation": STRING,
        "current_version": INTEGER, "period_end": _NULLABLE_DAY, "renewal_dialogue_opens": _NULLABLE_DAY,
        "renewal_decision_deadline": _NULLABLE_DAY,
        "next": obj({kind: _NEXT for kind in ("payment", "follow_up_opens", "follow_up_due", "renewal_dialogue",
                                              "renewal_deadline")},
                    description="the first item of each kind in the window (null: none)")})},
    "sek_per_year": {"type": "array", "items": obj({
        "year": INTEGER, "planned_sek": INTEGER, "released_sek": INTEGER, "paid_sek": INTEGER,
        "total_sek": INTEGER})},
}, description="Upcoming work across a municipality's running agreements")

# Examples of valid request bodies: for readers, and the fuzz run starts from them to reach past the 422s.
SCHEMAS["PaymentList"] = obj({
    "municipality": STRING, "today": _DAY,
    "items": {"type": "array", "items": obj({
        "case_id": INTEGER, "registration_number": STRING, "organisation": STRING,
        "agreement_status": {"type": "string", "description": "running, terminated or ended"},
        "version": INTEGER, "number": INTEGER, "due": _DAY, "amount_sek": INTEGER,
        "status": {"type": "string", "description": "as recorded: planned, held, released, paid or cancelled"},
        "state": {"type": "string", "description": "status, or overdue for a released payment past its day"},
        "held_for_year": {"type": ["integer", "null"],
                          "description": "a held payment waits for this agreement year's follow-up"},
        "held_on": _NULLABLE_DAY, "released_on": _NULLABLE_DAY, "paid_on": _NULLABLE_DAY, "reference": STRING,
        "overdue_from": _NULLABLE_DAY, "pay_task_id": {"type": ["string", "null"],
                                                        "description": "the open task that pays it"}})},
    "total": INTEGER, "limit": INTEGER, "offset": INTEGER,
    "sums": {"type": "object", "additionalProperties": INTEGER, "description": "SEK per state"},
    "total_sek": INTEGER,
    "claims": {"type": "array", "items": obj({
        "case_id": INTEGER, "registration_number": STRING, "organisation": STRING, "terminated_on": _DAY,
        "amount_sek": INTEGER, "settled_sek": INTEGER, "left_sek": INTEGER,
        "status": {"type": "string", "description": "open or settled"},
        "task_id": {"type": ["string", "null"], "description": "the open task that records a repayment"}})},
}, description="Payments across a municipality's agreements")


# de minimis aid (app/web/api/state_aid.py); euro amounts are decimal text with two decimals
_EURO = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$", "description": "euro, e.g. 240000.00"}
SCHEMAS["StateAid"] = obj({
    "organisation": ref("Organisation"), "on": _DAY,
    "window_from": {**_DAY, "description": "the earliest decision date that counts on `on`"},
    "window_eur": {**_EURO, "description": "the aid that counts on `on`, every municipality"},
    "ceilings_eur": obj({"de_minimis_2023_2831": _EURO, "sgei_2023_2832": _EURO}),
    "warning": {"type": "boolean", "description": "at least 80 % of the de minimis ceiling, not above it"},
    "over_ceiling": BOOLEAN,
    "items": {"type": "array", "items": obj({
        "id": INTEGER, "municipality": NULLABLE_STRING, "case_id": {"type": ["integer", "null"]},
        "registration_number": NULLABLE_STRING, "decided_on": _DAY,
        "counts_until": {**_DAY, "description": "the last day the aid counts (the day before the third "
                                                "anniversary of the decision)"},
        "in_window": BOOLEAN, "amount_sek": INTEGER,
        "eur_rate": {"type": "string", "description": "SEK per euro on the decision date, as confirmed"},
        "amount_eur": _EURO,
        "regulation": {"type": "string", "enum": ["de_minimis_2023_2831", "sgei_2023_2832"]}})},
}, description="An organisation's de minimis aid and its rolling three-year sum")


# decisions under delegation (app/web/api/delegation.py)
SCHEMAS["DelegationReport"] = obj({
    "id": INTEGER, "committee": STRING, "meeting_on": _DAY, "reference": STRING, "reported_by": STRING,
    "reported_at": {"type": "string", "format": "date-time"}})
SCHEMAS["DelegationReportList"] = obj({"municipality": STRING, "items": {"type": "array",
                                                                          "items": ref("DelegationReport")}})
SCHEMAS["DelegatedDecisionList"] = obj({
    "municipality": STRING, "total": INTEGER, "limit": INTEGER, "offset": INTEGER,
    "items": {"type": "array", "items": obj({
        "id": INTEGER, "case_id": INTEGER, "registration_number": STRING,
        "task_name": {"type": "string", "description": "the decision step's BPMN id"}, "step_title": STRING,
        "item_code": {"type": "string", "description": "the delegation order's item the decision was taken under"},
        "item_title": STRING, "delegate": STRING, "committee": STRING, "decided_by": STRING,
        "decided_at": {"type": "string", "format": "date-time"},
        "summary": {"type": "string", "description": "the decision as fed back to the organisation"},
        "report_id": {"type": ["integer", "null"], "description": "the report to the committee, once reported"}})}})
BODIES["DelegationReportRequest"] = obj({
    "municipality": {"type": "string", "description": "an administrator without a municipality names it"},
    "decisions": {"type": "array", "items": INTEGER, "minItems": 1, "description": "ids of unreported decisions"},
    "committee": {"type": "string", "maxLength": 200}, "meeting_on": {"type": "string", "format": "date"},
    "reference": {"type": "string", "maxLength": 120, "description": "e.g. the minutes' paragraph"}},
    ["decisions", "committee", "meeting_on"], closed=True)

# the guidelines review per electoral term (app/web/api/guidelines.py)
SCHEMAS["GuidelineReview"] = obj({
    "id": INTEGER, "election_year": {"type": "integer", "description": "the term begins with this general election"},
    "due_on": _DAY, "opened_at": {"type": "string", "format": "date-time"},
    "outcome": {"type": ["string", "null"], "description": "unchanged or revised; null while open"},
    "decision_reference": STRING, "note": STRING, "completed_by": {"type": ["string", "null"]},
    "completed_at": {"type": ["string", "null"], "format": "date-time"}})
SCHEMAS["GuidelineReviewList"] = obj({"municipality": STRING, "next_review_on": _DAY,
                                      "items": {"type": "array", "items": ref("GuidelineReview")}})
BODIES["GuidelineReviewRequest"] = obj({
    "outcome": {"type": "string", "enum": ["unchanged", "revised"]},
    "decision_reference": {"type": "string", "maxLength": 200, "description": "e.g. KF 2027-05-12 § 45"},
    "note": {"type": "string", "maxLength": 4000}}, ["outcome", "decision_reference"], closed=True)
_MONTHS = {"type": "integer", "minimum": 0, "maximum": 120}
_SETTINGS_PROPERTIES: dict[str, Any] = {
    "processes": {"type": "array", "items": STRING, "description": "the process ids offered (deployed ones); the "
                                                                   "first is the default when a case is started"},
    "reminder_days_before_due": {"type": "integer", "minimum": 0, "maximum": 365},
    "renewal_dialogue_months_before_end": dict(_MONTHS, description="the renewal dialogue opens this many months "
                                                                    "before the agreement ends"),
    "renewal_deadline_months_before_end": dict(_MONTHS, description="the renewal decision is due this many months "
                                                                    "before the end; at most the dialogue's"),
    "max_agreement_years": {"type": "integer", "minimum": 1, "maximum": 10},
    "max_yearly_support_sek": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000,
                               "description": "the most granted per agreement and year, in kronor; 0: no cap"},
    "default_payment_interval": {"type": "string", "enum": ["yearly", "half_yearly", "quarterly", "lump_sum"]},
    "follow_up_opens_months_before_anniversary": _MONTHS,
    "follow_up_due_months_before_anniversary": dict(_MONTHS, description="at most the opening's months"),
    "payment_overdue_days": {"type": "integer", "minimum": 1, "maximum": 365},
    "late_renewal_decision": {"type": "string", "enum": ["warn", "refuse"]},
    "default_repayment_rule": {"type": "string", "enum": ["pro_rata", "unspent_year", "none"],
                               "description": "for an agreement whose process does not ask for a rule"},
    "retention_years": {"type": "object", "additionalProperties": {"type": ["integer", "null"], "minimum": 1,
                                                                   "maximum": 100},
                        "description": "years after closing until a finished case is due for disposal, by process "
                                       "id; null or not named: kept forever"},
    "guidelines_review_on": {"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "MM-DD"},
}
SCHEMAS["SettingsChange"] = obj({"field": STRING, "old": {}, "new": {}, "changed_at": TIME, "changed_by": STRING})
SCHEMAS["MunicipalSettings"] = obj({
    "municipality": STRING, "settings": obj(_SETTINGS_PROPERTIES),
    "changes": {"type": "array", "items": ref("SettingsChange"), "description": "the latest 20, newest first"}})
BODIES["MunicipalSettingsRequest"] = obj(_SETTINGS_PROPERTIES, [], closed=True,
                                         description="the settings to change; the others keep their values")

_BODY_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "CaseRequest": [{"municipality": "falun"}],
    "CompleteRequest": [{"data": {}}],
    "DraftRequest": [{"data": {}}],
    "WithdrawRequest": [{"reason": "Föreningen avstår från initiativet."}],
    "TerminateRequest": [{"reason": "Verksamheten upphör.", "date": "2026-07-01"}],
    "UserRequest": [{"username": "ny_jurist", "password": "ett-langt-losenord", "role": "lawyer",
                     "municipality": "falun", "email": "jurist@example.org", "name": "Ny Jurist"}],
    "OrganisationRequest": [{"name": "Föreningen Exempel", "org_number": "802017-0000",
                             "email": "info@example.org"}],
    "ClockRequest": [{"now": "2027-01-01T09:00:00+01:00"}],
    "MigrationRequest": [{"to": 2}],
    "BulkMigrationRequest": [{"dry_run": True}, {}],
    "MunicipalSettingsRequest": [{"renewal_dialogue_months_before_end": 6}],
    "GuidelineReviewRequest": [{"outcome": "unchanged", "decision_reference": "KF 2027-05-12 § 45"}],
    "DelegationReportRequest": [{"decisions": [1], "committee": "Kommunstyrelsen", "meeting_on": "2027-01-20",
                                 "reference": "KS § 12"}],
}
for _name, _examples in _BODY_EXAMPLES.items():
    BODIES[_name]["examples"] = _examples

# a failed case's detail also carries its incident and a notice (app.web.api.views.case_detail)
SCHEMAS["Case"]["required"] = [k for k in SCHEMAS["Case"]["required"] if k not in ("incident", "notice")]
