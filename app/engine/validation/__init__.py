"""Validate a bundle without deploying it: the messages `iop validate` and the upload page show."""

from __future__ import annotations

from app.engine.definitions import parse_bundle
from app.engine.errors import DefinitionInvalid


def validate_files(files: dict[str, str]) -> list[str]:
    try:
        parse_bundle(files)
    except DefinitionInvalid as exc:
        return exc.problems
    return []
