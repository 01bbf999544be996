"""The list of blueprints; each audience has its own module."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_wtf.csrf import CSRFProtect

# module path, attribute, exempt from CSRF (bearer-token API only)
BLUEPRINTS: list[tuple[str, str, bool]] = []


def register_all(app: Flask, csrf: CSRFProtect) -> None:
    for module_name, attr, csrf_exempt in BLUEPRINTS:
        blueprint = getattr(importlib.import_module(module_name), attr)
        if csrf_exempt:
            csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
