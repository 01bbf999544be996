"""Process definitions: list, deploy, validate."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import func, select

from app.core.errors import DefinitionInvalid, Forbidden, InvalidData, Problem
from app.core.statuses import CaseStatus
from app.domain import definition_owners
from app.domain.permissions import can_deploy
from app.engine.validate import validate_bundle
from app.models import Case, DefinitionVersion
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller
from app.web.api.views import iso
from app.web.context import commit, db, services

MAX_FILES = 50
MAX_FILE_BYTES = 2 * 1024 * 1024


def _uploaded_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for storage in request.files.getlist("files") + request.files.getlist("files[]") + request.files.getlist("file"):
        name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name.endswith((".bpmn", ".json", ".dmn")):
            raise InvalidData(f"{name or 'a file'}: only .bpmn, .dmn and .json files belong in a definition",
                              {"files": f"{name}: not a .bpmn, .dmn or .json file"})
        content = storage.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise InvalidData(f"{name} is larger than 2 MB", {"files": f"{name}: larger than 2 MB"})
        try:
            files[name] = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidData(f"{name} is not UTF-8 text", {"files": f"{name}: not UTF-8 text"}) from exc
    if not files:
        raise InvalidData("send the diagram and its forms as multipart form data in the field 'files'",
                          {"files": "required"})
    if len(files) > MAX_FILES:
        raise InvalidData(f"at most {MAX_FILES} files at once", {"files": "too many files"})
    return files


@api.get("/definitions")
@authenticated
def list_definitions() -> Any:
    caller()
    running = dict(db().execute(select(Case.definition_id, func.count(Case.id))
                                .where(Case.status == CaseStatus.RUNNING).group_by(Case.definition_id)).all())
    rows = db().scalars(select(DefinitionVersion).order_by(DefinitionVersion.process_id,
                                                           DefinitionVersion.version.desc()))
    return jsonify({"items": [{"id": r.id, "process_id": r.process_id, "version": r.version, "name": r.name,
                               "deployed_at": iso(r.deployed_at), "files": sorted(r.files),
                               "running_cases": running.get(r.id, 0)} for r in rows]})


@api.post("/definitions")
@authenticated
def deploy() -> Any:
    user = caller()
    if not can_deploy(user):
        raise Forbidden(definition_owners.ROLE_REFUSAL)
    files = _uploaded_files()
    try:  # a process of another municipality is refused (403) before anything is stored
        row, created = services().engine.deploy(db(), files, user,
                                                authorize=definition_owners.authorizer(db(), user))
    except DefinitionInvalid as exc:
        db().rollback()
        return jsonify({"error": {"code": "invalid", "message": "the definition was refused",
                                  "fields": {"problems": exc.problems},
                                  "details": _details(exc.details)}}), 422
    commit()
    return jsonify({"id": row.id, "process_id": row.process_id, "version": row.version, "name": row.name,
                    "created": created}), 201 if created else 200


@api.post("/validate")
@authenticated
def validate() -> Any:
    if not can_deploy(caller()):
        raise Forbidden(definition_owners.ROLE_REFUSAL)
    files = _uploaded_files()
    deployed = set(db().scalars(select(DefinitionVersion.process_id).distinct()))
    problems = validate_bundle(files, operations=services().engine.operations, deployed_processes=deployed)
    return jsonify({"problems": [str(p) for p in problems], "details": _details(problems)})


def _details(problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem as the modeller places it on the diagram: file, line, element id and name, code, message."""
    return [{"file": p.file, "line": p.line, "element_id": p.element_id, "element_name": p.element_name,
             "code": p.code, "message": p.message} for p in problems]
