"""GET /openapi.json: the OpenAPI 3.1 document of this API (paths here, schemas in openapi_schemas)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.domain.agreement_document.render import FORMATS as AGREEMENT_FORMATS
from app.domain.attachments import ALLOWED
from app.web.api.blueprint import api
from app.web.api.openapi_schemas import BODIES, SCHEMAS, ref

_ERROR_MEANING = {
    "401": "no token, or a wrong, expired or revoked one",
    "403": "the caller's role may not do this",
    "404": "no such thing, or not the caller's to see",
    "409": "a conflict: the task was completed or claimed by someone else, or the case moved on",
    "413": "the upload is too large, or a JSON body is larger than 256 kB",
    "422": "bad input; error.fields holds one message per field",
    "429": "too many failed log-ins from this address or for this account; Retry-After says when to try again",
}


def _op(op_id: str, summary: str, *, result: str | None = None, ok: str = "200", body: str | None = None,
        multipart: bool = False, params: list[dict[str, Any]] | None = None, errors: str = "401 422",
        public: bool = False, tag: str, description: str | None = None) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "success"}
    if result:
        success["content"] = {"application/json": {"schema": ref(result)}}
    op: dict[str, Any] = {"operationId": op_id, "summary": summary, "tags": [tag], "responses": {ok: success}}
    if description:
        op["description"] = description
    for code in errors.split():
        op["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
    if body:
        kind = "multipart/form-data" if multipart else "application/json"
        op["requestBody"] = {"required": True, "content": {kind: {"schema": ref(body)}}}
    if params:
        op["parameters"] = params
    if public:
        op["security"] = []
    return op


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _query(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": kind}}


# what an attachment is served as: the content type of each kind of file an upload may be
_DOWNLOAD_TYPES = sorted({kind for kind, _ in ALLOWED.values()})

TASK_ID = _path("task_id", "the task's id (a UUID)")
CASE_ID = _path("case_id", "the case's id")
USER_ID = _path("user_id", "the user's id")
PAGING = [_query("limit", "page size, 1-500 (50)", "integer"), _query("offset", "rows to skip (0)", "integer")]
CASE_LIST_PARAMS = [
    _query("q", "text in the registration number, the title or the organisation's name"),
    _query("registration", "the registration number, whole or its beginning"),
    _query("organisation", "organisation number NNNNNN-NNNN, else a part of the organisation's name"),
    _query("process", "process id, e.g. falun_initiative"),
    _query("version", "the process's version (with process)", "integer"),
    _query("step", "the name of an open task, e.g. legal_assessment"),
    _query("status", "running, completed, failed, suspended or cancelled"),
    _query("role", "the role holding an open task, e.g. lawyer"),
    _query("overdue", "1: only cases with an open task past its due time"),
    _query("due_within_days", "only cases with an open task due from now to N days ahead (0-3660)", "integer"),
    _query("municipality", "e.g. falun"),
    _query("sort", "registration, organisation, created, updated or due; - before it for descending (-created)"),
    _query("after", "the `next` cursor of the page before"),
    _query("format", "json (default) or csv"), *PAGING]


def _with_csv(op: dict[str, Any]) -> dict[str, Any]:
    """The operation also answers text/csv (format=csv)."""
    op["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    return op


def _paths() -> dict[str, Any]:
    return {
        "/auth/token": {"post": _op(
            "getToken", "Exchange username and password for a bearer token (valid 12 hours)", result="Token",
            body="TokenRequest", errors="401 422 429", public=True, tag="auth")},
        "/auth/logout": {"post": _op("logout", "Revoke the token sent with this request; it answers 401 from then "
                                               "on", ok="204", errors="401", tag="auth")},
        "/tasks": {"get": _op(
            "listTasks", "Tasks the caller may work on, soonest due first", result="TaskList", tag="tasks",
            params=[_query("case_id", "only this case's tasks", "integer"),
                    _query("mine", "1: only tasks the caller has claimed"),
                    _query("q", "text in the task's title, the registration number or the organisation's name"),
                    _query("process", "process id, e.g. falun_initiative"),
                    _query("overdue", "1: only tasks past their due time"),
                    _query("due_within_days", "only tasks due from now to N days ahead (0-3660)", "integer"),
                    _query("sort", "due (default; tasks without a due time last), created or title"),
                    _query("direction", "asc (default) or desc"),
                    _query("limit", "page size, 1-500 (50)", "integer"),
                    _query("after", "the `next` cursor of the page before"),
                    _query("before", "the `prev` cursor of the page after")],
            description="Keyset-paged: follow `next` (as `after`) until it is null. A cursor belongs to its sort "
                        "and direction; an altered one, or one given with another order, is a 422.")},
        "/tasks/{task_id}": {"get": _op("getTask", "One task with its form", result="Task", params=[TASK_ID],
                                        errors="401 404", tag="tasks")},
        "/tasks/{task_id}/claim": {"post": _op(
            "claimTask", "Claim a task so that colleagues leave it alone", result="Task", params=[TASK_ID],
            errors="401 403 404 409 422", tag="tasks")},
        "/tasks/{task_id}/unclaim": {"post": _op(
            "unclaimTask", "Release a claimed task", result="Task", params=[TASK_ID],
            errors="401 403 404 409 422", tag="tasks")},
        "/tasks/{task_id}/complete": {"post": _op(
            "completeTask", "Complete a task with data satisfying its form; answers the updated case",
            result="Case", params=[TASK_ID, _query("lang", "sv or en: the language of the field messages (en)")],
            body="CompleteRequest", errors="401 403 404 409 413 422", tag="tasks",
            description="Of two concurrent completions of one task, exactly one succeeds; the other gets 409. "
                        "data may hold only the fields of the task's form (422 names any other).")},
        "/tasks/{task_id}/draft": {
            "get": _op("getTaskDraft", "The caller's own draft of the task (404 when there is none)",
                       result="TaskDraft", params=[TASK_ID], errors="401 404 409", tag="tasks"),
            "put": _op("saveTaskDraft", "Save what is filled in so far without completing the task (replaces the "
                                        "caller's earlier draft)", result="TaskDraft", params=[TASK_ID,
                       _query("lang", "sv or en: the language of the field messages (en)")],
                       body="DraftRequest", errors="401 403 404 409 413 422", tag="tasks",
                       description="A draft is the caller's alone: colleagues who may work on the same task "
                                   "never see it. Nothing is required, but data may hold only the fields of the "
                                   "task's form, each a value of the field's type or text; text at most 20 000 "
                                   "characters, lists at most 200 items, the whole draft at most 200 kB (422 "
                                   "names what is refused). Completing the task, by anyone, removes its drafts."),
            "delete": _op("deleteTaskDraft", "Delete the caller's draft of the task (204 also when there was "
                                             "none)", ok="204", params=[TASK_ID], errors="401 403 404 409 422",
                          tag="tasks"),
        },
        "/cases": {
            "get": _with_csv(_op(
                "listCases", "Cases the caller may see, filtered and sorted (newest first)", result="CaseList",
                tag="cases", params=CASE_LIST_PARAMS,
                description="Keyset-paged: follow `next` (as `after`) until it is null; `limit`/`offset` still "
                            "work. A cursor belongs to its sort; an altered one is a 422. `format=csv` answers "
                            "every filtered row (all pages) as CSV: UTF-8 with BOM, `;` between fields.")),
            "post": _op("startCase", "Start a case (an organisation's initiative)", ok="201", result="Case",
                        body="CaseRequest", errors="401 403 404 413 422", tag="cases",
                        description="data may hold only fields of the process's start form (the form of the "
                                    "first task the caller works on), pre-filling it; any other field is "
                                    "refused with 422 naming it and no case is started."),
        },
        "/cases/{case_id}": {"get": _op(
            "getCase", "A case with its open tasks, next timer, feedback and history", result="Case",
            params=[CASE_ID, _query("lang", "sv or en: the language of a failed case's incident message (sv)")],
            errors="401 404", tag="cases")},
        "/cases/{case_id}/documents": {"get": _op(
            "listCaseDocuments", "The case's document register (diarium): every document received or drawn up, "
                                 "numbered under the case's registration number", result="DocumentRegister",
            params=[CASE_ID], errors="401 404", tag="cases",
            description="For the staff of the case's municipality and the case's organisation (others get 404, as "
                        "for the case). Each upload, each completed task whose diagram element names registerAs "
                        "(decisions, agreement drafts, reports) and each mail to the party is registered at once, "
                        "in order; rows are never changed or removed (`iop records verify` checks their seals).")},
        "/cases/{case_id}/agreement": {"get": _op(
            "getAgreement", "The agreement of a case: periods, payments and follow-ups with their dates and "
                            "status (404 while the case has no agreement)", result="Agreement", params=[CASE_ID],
            errors="401 404", tag="cases")},
        "/agreements": {"get": _op(
            "listAgreements", "Running agreements of a municipality with their next payment, follow-up, renewal "
                              "dialogue and decision deadline, and the SEK per year", result="AgreementList",
            params=[_query("municipality", "e.g. stenungsund; staff: their own (the default); an administrator "
                                           "without a municipality must name one"),
                    _query("due_within_days", "the window in days from today (default: 12 months), 0-3660",
                           "integer")],
            errors="401 403 422", tag="cases",
            description="For the municipality's staff and administrators. An organisation's representative gets "
                        "403: it sees its own agreement at /cases/{case_id}/agreement. Dates before today that "
                        "are not done are included with overdue=true.")},
        "/payments": {"get": _op(
            "listPayments", "Payments across a municipality's agreements (planned, released, overdue, held, paid, "
                            "cancelled) with sums per state, and the repayment claims", result="PaymentList",
            params=[_query("municipality", "e.g. stenungsund; staff: their own (the default); an administrator "
                                           "without a municipality must name one"),
                    _query("state", "planned, released, overdue, held, paid or cancelled"),
                    _query("status", "the same filter under the name ../shared/interface.md gives it; "
                                     "when both are given they must agree"),
                    _query("from", "the first due date, YYYY-MM-DD"), _query("to", "the last due date, YYYY-MM-DD"),
                    *PAGING],
            errors="401 403 422", tag="cases",
            description="For finance, officers and administrators of the municipality (the page /finance/payments "
                        "and its CSV show the same). overdue: released, unpaid, and past the day the payment "
                        "escalates (its date or release, whichever is later, plus the municipality's "
                        "payment_overdue_days). sums and total_sek cover every matching payment, not only the "
                        "page.")},
        "/delegated-decisions": {"get": _op(
            "listDelegatedDecisions", "Decisions officials took under delegation, oldest first",
            result="DelegatedDecisionList",
            params=[_query("municipality", "e.g. falun; staff: their own (the default); an administrator without a "
                                           "municipality must name one"),
                    _query("reported", "false: only those not yet reported to the committee; true: only reported"),
                    _query("report", "only the decisions of this report (its id)", "integer"), *PAGING],
            errors="401 403 404 422", tag="cases",
            description="For officers, the board and administrators of the municipality (the page "
                        "/decisions/delegated shows the same).")},
        "/delegation-reports": {
            "get": _op("listDelegationReports", "Reports of delegated decisions to committee meetings, newest first",
                       result="DelegationReportList",
                       params=[_query("municipality", "an administrator without a municipality must name one")],
                       errors="401 403 422", tag="cases"),
            "post": _op("reportDelegatedDecisions", "Report decisions to a committee meeting; each case's history "
                                                    "says so", result="DelegationReport", ok="201",
                        body="DelegationReportRequest", errors="401 403 404 409 422", tag="cases",
                        description="404 for a decision of another municipality, 409 for one already reported.")},
        "/guideline-reviews": {"get": _op(
            "listGuidelineReviews", "The reviews of the IOP guidelines, one per electoral term, newest first",
            result="GuidelineReviewList",
            params=[_query("municipality", "an administrator without a municipality must name one")],
            errors="401 403 422", tag="cases",
            description="For process owners and administrators of the municipality. A review opens on the "
                        "municipality's guidelines_review_on day of the year after each general election.")},
        "/guideline-reviews/{review_id}/complete": {"post": _op(
            "completeGuidelineReview", "Record a review's outcome (process owners of the municipality)",
            result="GuidelineReview", params=[_path("review_id", "the review's id")], body="GuidelineReviewRequest",
            errors="401 403 404 409 422", tag="cases", description="409 when it has already been recorded.")},
        "/municipalities/{slug}/settings": {
            "get": _op("getMunicipalSettings", "A municipality's settings and their latest changes",
                       result="MunicipalSettings", params=[_path("slug", "the municipality, e.g. stenungsund")],
                       errors="401 403 404", tag="accounts",
                       description="Administrators and process owners of the municipality (an administrator without "
                                   "a municipality: any); 403 for another municipality's."),
            **{method: _op(f"{method}MunicipalSettings",
                           "Change some of a municipality's settings (its administrators)", result="MunicipalSettings",
                           params=[_path("slug", "the municipality, e.g. stenungsund")],
                           body="MunicipalSettingsRequest", errors="401 403 404 422", tag="accounts",
                           description="Only the settings named change. 422 naming every setting at fault (fields). "
                                       "Each change is recorded (who, when, old and new). New agreements and renewals "
                                       "are planned under the new settings; running agreements keep their dates.")
               for method in ("put", "patch")}},
        "/cases/{case_id}/withdraw": {"post": _op(
            "withdrawCase", "The organisation withdraws its initiative", result="Case", params=[CASE_ID],
            body="WithdrawRequest", errors="401 403 404 409 422", tag="cases")},
        **{f"/cases/{{case_id}}/{action}": {"post": _op(
            f"{action}Case", summary, result="Case", params=[CASE_ID], body="CaseActionRequest",
            errors="401 403 404 409 422", tag="cases",
            description="Administrators of the case's municipality (without a municipality: any). 409 when the "
                        "case is not in a state for it; the action and its reason go into the case history.")}
           for action, summary in (
               ("retry", "Run the step that stopped a failed case again"),
               ("skip", "Complete the step that stopped a failed case without running it (reason required)"),
               ("suspend", "Pause a running or failed case: no completions, claims or timers (reason required)"),
               ("resume", "Resume a paused case"),
               ("cancel", "End the case for good: open tasks removed, no timers (reason required)"))},
        "/cases/{case_id}/timers/{timer}": {"post": _op(
            "moveTimer", "Give a waiting timer a new due date (administrators of the case's municipality)",
            result="Case", params=[CASE_ID, _path("timer", "the timer event's BPMN id")], body="TimerMoveRequest",
            errors="401 403 404 409 422", tag="cases")},
        "/tasks/{task_id}/assign": {"post": _op(
            "assignTask", "Give an open task to a named person who holds its role (administrators and process "
                          "owners of the municipality); 422 naming the problem when they cannot hold it",
            result="Task", params=[TASK_ID], body="AssignRequest", errors="401 403 404 409 422", tag="tasks")},
        "/cases/{case_id}/terminate": {"post": _op(
            "terminateAgreement", "An officer of the case's municipality ends its agreement early; answers the "
                                  "agreement with its repayment claim (409: not running)", result="Agreement",
            params=[CASE_ID], body="TerminateRequest", errors="401 403 404 409 422", tag="cases")},
        "/cases/{case_id}/attachments": {"post": _op(
            "uploadAttachment", "Upload a file; put the returned reference in an attachment field's list",
            ok="201", result="Attachment", params=[CASE_ID], body="Upload", multipart=True,
            errors="401 404 413 422", tag="cases")},
        "/cases/{case_id}/attachments/{attachment_id}": {"get": {
            "operationId": "downloadAttachment", "summary": "Download a file of the case", "tags": ["cases"],
            "parameters": [CASE_ID, _path("attachment_id", "the file's id")],
            "responses": {"200": {"description": "the file, with the content type of its kind", "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in _DOWNLOAD_TYPES}},
                "401": {"$ref": "#/components/responses/E401"}, "404": {"$ref": "#/components/responses/E404"}}}},
        "/cases/{case_id}/agreement-document": {"get": {
            "operationId": "getAgreementDocument", "tags": ["cases"],
            "summary": "The case's agreement as a document, filled from the case with its municipality's template: "
                       "format=docx (to edit) or pdf (PDF/A-2b, to archive; the default)",
            "parameters": [CASE_ID, {"name": "format", "in": "query", "required": False,
                                     "description": "docx or pdf (default pdf)",
                                     "schema": {"type": "string", "enum": list(AGREEMENT_FORMATS)}}],
            "responses": {"200": {"description": "the document, as an attachment", "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in AGREEMENT_FORMATS.values()}},
                **{code: {"$ref": f"#/components/responses/E{code}"} for code in ("401", "404", "409", "422")}}}},
        "/users": {
            "get": _op("listUsers", "Users: all for an administrator, the own municipality's for staff",
                       result="UserList", params=PAGING, tag="accounts"),
            "post": _op("createUser", "Create a user (administrator only)", ok="201", result="User",
                        body="UserRequest", errors="401 403 422", tag="accounts"),
        },
        "/users/{user_id}/deactivate": {"post": _op(
            "deactivateUser", "Shut a person out: no log-in; their sessions and API tokens end (administrator)",
            result="User", errors="401 403 404 422", tag="accounts", params=[USER_ID],
            description="An administrator of the installation may deactivate anyone, a municipality's administrator "
                        "the people whose own municipality is theirs (403 otherwise); nobody their own account "
                        "(422). Deactivating an account already deactivated changes nothing.")},
        "/users/{user_id}/activate": {"post": _op(
            "activateUser", "Let a deactivated person log in again (administrator)", result="User",
            errors="401 403 404 422", tag="accounts", params=[USER_ID],
            description="The same rule as deactivateUser.")},
        "/memberships": {
            "get": _op("listMemberships", "Who holds which role in the administrator's municipality (an "
                       "installation administrator: every municipality's, or ?municipality=)",
                       result="MembershipList", errors="401 403 422",
                       params=[_query("municipality", "a municipality's slug"), *PAGING], tag="accounts"),
            "post": _op("grantMembership", "Give a person a role in the administrator's municipality "
                        "(administrator)", ok="201", result="Membership", body="MembershipRequest",
                        errors="401 403 422", tag="accounts",
                        description="A person may hold roles in several municipalities; each request acts "
                                    "through one (see the X-IOP-Municipality header)."),
        },
        "/memberships/{membership_id}": {"delete": _op(
            "revokeMembership", "Take a membership away (administrator of its municipality; not the person's "
            "own role and municipality)", ok="204", errors="401 403 404 422", tag="accounts",
            params=[_path("membership_id", "the membership's id")])},
        "/organisations": {
            "get": _op("listOrganisations", "Registered organisations", result="OrganisationList", params=PAGING,
                       tag="accounts"),
            "post": _op("createOrganisation", "Register an organisation (administrator, officer)", ok="201",
                        result="Organisation", body="OrganisationRequest", errors="401 403 422", tag="accounts"),
        },
        "/organisations/{org_id}/state-aid": {"get": _op(
            "getOrganisationStateAid", "An organisation's de minimis aid in every municipality of the installation",
            result="StateAid", errors="401 404 422", tag="accounts",
            params=[_path("org_id", "the organisation's id"),
                    _query("on", "the day the rolling three-year window ends (YYYY-MM-DD; today)")],
            description="Staff of any municipality (the sum is installation-wide by law) and the organisation's "
                        "own representatives; others get 404. Aid counts from its decision date until the day "
                        "before the third anniversary (decided 2024-03-15: counts until 2027-03-14). `warning` "
                        "from 80 % of the EUR 300,000 ceiling of Regulation 2023/2831.")},
        "/definitions": {
            "get": _op("listDefinitions", "Deployed process definition versions with their running cases",
                       result="DefinitionList", errors="401", tag="definitions"),
            "post": _op("deployDefinition", "Validate and deploy a new version (process owner, administrator)",
                        ok="201", result="Deployed", body="Files", multipart=True, errors="401 403 413 422",
                        tag="definitions",
                        description="422 with error.fields.problems when the files are refused; 200 with "
                                    "created=false when the same files are already deployed; 403 when the "
                                    "process belongs to another municipality (the message names it)."),
        },
        "/validate": {"post": _op("validateDefinition", "Validate files without deploying (process owner, "
                                  "administrator)", result="Problems",
                                  body="Files", multipart=True, errors="401 403 413 422", tag="definitions")},
        "/cases/{case_id}/migration": {
            "get": _op("migrationDryRun", "Dry run: can the case move to another version, and what would change "
                       "(administrator, the municipality's process owner)", result="MigrationReport",
                       params=[CASE_ID, _query("to", "the target definition version id (default: the latest)",
                                               "integer")], errors="401 403 404 422", tag="migrations"),
            "post": _op("migrateCase", "Move the case to another version of its process; 409 with the reasons "
                        "when it is not eligible", result="MigrationDone", params=[CASE_ID],
                        body="MigrationRequest", errors="401 403 404 409 422", tag="migrations",
                        description="Eligible: every step the case has reached is unchanged in the target "
                                    "(changes only ahead of its position). Recorded in the case history."),
        },
        "/definitions/{version_id}/migrate-eligible": {"post": _op(
            "migrateEligible", "Move every eligible running case on an older version to this version "
                               "(administrator; process owner: the own municipality's cases)",
            result="BulkMigration", params=[_path("version_id", "the target definition version id")],
            body="BulkMigrationRequest", errors="401 403 404 422", tag="migrations")},
        "/migrations/{migration_id}/revert": {"post": _op(
            "revertMigration", "Undo a migration while the case has not moved on since; 409 otherwise",
            result="MigrationDone", params=[_path("migration_id", "the migration's id")],
            errors="401 403 404 409 422", tag="migrations")},
        "/clock": {
            "get": _op("getClock", "The manual clock (IOP_CLOCK=manual only; otherwise 404)", result="Clock",
                       errors="401 404", tag="clock"),
            "post": _op("moveClock", "Move the manual clock forward and fire the timers that became due "
                                     "(administrator; IOP_CLOCK=manual only)", result="Clock",
                        body="ClockRequest", errors="401 403 404 422", tag="clock"),
        },
        "/openapi.json": {"get": {"operationId": "getOpenApi", "summary": "This document", "tags": ["meta"],
                                  "security": [],
                                  "responses": {"200": {"description": "the OpenAPI document",
                                                        "content": {"application/json": {
                                                            "schema": {"type": "object"}}}}}}},
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "IOP workflow API", "version": "1",
                 "description": "Idea-based public partnerships (IOP) between municipalities and non-profit "
                                "organisations. Authenticate with POST /auth/token, then send "
                                "`Authorization: Bearer <token>`. Every error is JSON "
                                "`{\"error\": {\"code\", \"message\", \"fields\"?}}`; bad input never "
                                "answers 500. Request bodies refuse unknown fields. A person with roles in several "
                                "municipalities acts through one per request: `X-IOP-Municipality: <slug>` "
                                "(and `X-IOP-Role: <role>` when they hold several there) chooses it, else their "
                                "own role and municipality; naming one they do not hold answers 403."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name} for name in ("auth", "tasks", "cases", "accounts", "definitions", "migrations",
                                             "clock", "meta")],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a token from POST /auth/token"}},
            "responses": {f"E{code}": {"description": meaning, "content": {"application/json": {
                "schema": ref("Error")}}} for code, meaning in _ERROR_MEANING.items()},
            "schemas": {**SCHEMAS, **BODIES},
        },
        "paths": _paths(),
    }


@api.get("/openapi.json")
def openapi_document() -> Any:
    return jsonify(document())
