"""Validate a bundle without deploying it: the messages `iop validate`, the API and the upload page show."""

from __future__ import annotations

from collections.abc import Collection

from app.core.errors import DefinitionInvalid, Problem
from app.engine.definitions import parse_bundle


def validate_bundle(files: dict[str, str], *, operations: Collection[str],
                    deployed_processes: Collection[str] = ()) -> list[Problem]:
    """Every problem of the bundle, structured; [] if it could be deployed.

    `operations`: the service operations the handlers provide (`CaseEngine.operations`)."""
    try:
        parse_bundle(files, operations=operations, deployed_processes=deployed_processes)
    except DefinitionInvalid as exc:
        return list(exc.details)
    return []


def validate_files(files: dict[str, str], *, operations: Collection[str]) -> list[str]:
    """Every problem of the bundle as one line of text ("file:line [id 'name']: message")."""
    return [str(problem) for problem in validate_bundle(files, operations=operations)]


__all__ = ["validate_bundle", "validate_files"]
