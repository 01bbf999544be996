"""GET /openapi.json: the OpenAPI 3.1 document of this API."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.web.api import api

_ERR = {"$ref": "#/components/responses/Error"}


def _op(summary: str, *, body: dict[str, Any] | None = None, ok: str = "200", result: str = "Object",
        params: list[dict[str, Any]] | None = None, multipart: bool = False, public: bool = False,
        errors: tuple[str, ...] = ("401", "403", "404", "409", "422")) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary,
                          "responses": {ok: {"description": "success", "content": {"application/json": {
                              "schema": {"$ref": f"#/components/schemas/{result}"}}}}}}
    for code in errors:
        op["responses"][code] = _ERR
    if body is not None:
        kind = "multipart/form-data" if multipart else "application/json"
        op["requestBody"] = {"required": True, "content": {kind: {"schema": body}}}
    if params:
        op["parameters"] = params
    if public:
        op["security"] = []
    return op


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _query(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": kind}}


def document() -> dict[str, Any]:
    task_id = _path("task_id", "the task's id (a UUID)")
    case_id = _path("case_id", "the case's id")
    paging = [_query("limit", "page size, 1-500", "integer"), _query("offset", "rows to skip", "integer")]
    obj = {"type": "object"}
    files = {"type": "object", "properties": {"files": {"type": "array", "items": {"type": "string",
                                                                                     "format": "binary"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "IOP workflow API", "version": "1",
                 "description": "Idea-based public partnerships (IOP) between municipalities and non-profit "
                                "organisations. Errors are JSON {\"error\": {\"code\", \"message\", \"fields\"?}}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a token from POST /auth/token"}},
            "responses": {"Error": {"description": "an error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Object": {"type": "object"},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": True}}}}},
                "Token": {"type": "object", "properties": {"token": {"type": "string"},
                                                           "token_type": {"type": "string"},
                                                           "expires_in": {"type": "integer"}}},
                "Task": {"type": "object", "properties": {
                    "id": {"type": "string"}, "case_id": {"type": "integer"},
                    "registration_number": {"type": "string"}, "name": {"type": "string"},
                    "title": {"type": "string"}, "role": {"type": "string"},
                    "assignee": {"type": ["string", "null"]}, "due": {"type": ["string", "null"],
                                                                      "format": "date-time"},
                    "overdue": {"type": "boolean"},
                    "form": {"type": ["object", "null"], "description": "JSON Schema of the data the task takes"}}},
                "TaskList": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
                    "total": {"type": "integer"}}},
                "Case": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "registration_number": {"type": "string"},
                    "status": {"type": "string", "enum": ["running", "completed", "failed"]},
                    "outcome": {"type": ["string", "null"]}, "current_step": {"type": "string"},
                    "next_timer": {"type": ["string", "null"], "format": "date-time"},
                    "open_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
                    "feedback": {"type": "array", "items": {"type": "object"}},
                    "history": {"type": "array", "items": {"type": "object"}}}},
                "CaseList": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}},
                    "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}},
                "List": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
                "Attachment": {"type": "object", "properties": {"id": {"type": "integer"},
                                                                "filename": {"type": "string"},
                                                                "size": {"type": "integer"}}},
                "Problems": {"type": "object", "properties": {"problems": {"type": "array",
                                                                           "items": {"type": "string"}}}},
                "Clock": {"type": "object", "properties": {"now": {"type": "string", "format": "date-time"},
                                                           "fired": {"type": "integer"}}},
            },
        },
        "paths": {
            "/auth/token": {"post": _op("Get a bearer token", result="Token", public=True, errors=("401", "422"),
                                        body={"type": "object", "required": ["username", "password"],
                                              "properties": {"username": {"type": "string"},
                                                             "password": {"type": "string"}}})},
            "/tasks": {"get": _op("Tasks the caller may work on", result="TaskList",
                                  params=[_query("case_id", "only this case's tasks", "integer"),
                                          _query("mine", "only tasks assigned to me (1)")])},
            "/tasks/{task_id}": {"get": _op("One task", result="Task", params=[task_id])},
            "/tasks/{task_id}/claim": {"post": _op("Claim a task", result="Task", params=[task_id])},
            "/tasks/{task_id}/unclaim": {"post": _op("Release a claimed task", result="Task", params=[task_id])},
            "/tasks/{task_id}/complete": {"post": _op(
                "Complete a task with data satisfying its form", result="Case", params=[task_id],
                body={"type": "object", "required": ["data"], "properties": {"data": obj}})},
            "/cases": {
                "get": _op("Cases the caller may see", result="CaseList", params=[
                    _query("status", "running, completed or failed"), _query("municipality", "e.g. falun"),
                    _query("organisation", "organisation number"), _query("process", "process id"),
                    _query("q", "text in the registration number or title"), *paging]),
                "post": _op("Start a case", ok="201", result="Case", body={
                    "type": "object", "required": ["municipality"], "properties": {
                        "municipality": {"type": "string"}, "process": {"type": "string"}, "data": obj,
                        "organisation": {"type": "string", "description": "staff only: the organisation number"}}}),
            },
            "/cases/{case_id}": {"get": _op("A case with open tasks, next timer and history", result="Case",
                                            params=[case_id])},
            "/cases/{case_id}/withdraw": {"post": _op(
                "The organisation withdraws its initiative", result="Case", params=[case_id],
                body={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}})},
            "/cases/{case_id}/attachments": {"post": _op(
                "Upload a file; put the returned reference in an attachment field", ok="201", result="Attachment",
                params=[case_id], multipart=True,
                body={"type": "object", "properties": {"file": {"type": "string", "format": "binary"},
                                                       "field": {"type": "string"}}})},
            "/cases/{case_id}/attachments/{attachment_id}": {"get": {
                "summary": "Download a file", "parameters": [case_id, _path("attachment_id", "the file's id")],
                "responses": {"200": {"description": "the file",
                                      "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                          "format": "binary"}}}},
                              "401": _ERR, "404": _ERR}}},
            "/users": {"get": _op("Users", result="List", params=paging),
                       "post": _op("Create a user (admin)", ok="201", body={
                           "type": "object", "required": ["username", "password", "role"], "properties": {
                               "username": {"type": "string"}, "password": {"type": "string"},
                               "role": {"type": "string"}, "municipality": {"type": "string"},
                               "organisation": {"type": "string"}, "email": {"type": "string"},
                               "name": {"type": "string"}}})},
            "/organisations": {"get": _op("Organisations", result="List", params=paging),
                               "post": _op("Register an organisation", ok="201", body={
                                   "type": "object", "required": ["name", "org_number"], "properties": {
                                       "name": {"type": "string"}, "org_number": {"type": "string"},
                                       "email": {"type": "string"}}})},
            "/definitions": {"get": _op("Deployed definition versions", result="List"),
                             "post": _op("Deploy a new version (422 with the problems if it is refused)",
                                         ok="201", multipart=True, body=files)},
            "/validate": {"post": _op("Validate files without deploying", result="Problems", multipart=True,
                                      body=files)},
            "/clock": {"get": _op("The manual clock (IOP_CLOCK=manual only)", result="Clock"),
                       "post": _op("Move the manual clock forward and fire what became due", result="Clock",
                                   body={"type": "object", "required": ["now"],
                                         "properties": {"now": {"type": "string", "format": "date-time"}}})},
            "/openapi.json": {"get": _op("This document", public=True, errors=())},
        },
    }


@api.get("/openapi.json")
def openapi_document() -> Any:
    return jsonify(document())
