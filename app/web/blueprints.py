"""The list of blueprints; each audience has its own module."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_wtf.csrf import CSRFProtect

# module path, attribute, exempt from CSRF (bearer-token API only)
BLUEPRINTS: list[tuple[str, str, bool]] = []
# server-rendered pages (templates, stylesheet and helpers live on "ui")
BLUEPRINTS.append(("app.web.pages.common", "ui", False))
BLUEPRINTS.append(("app.web.pages.auth", "bp", False))
BLUEPRINTS.append(("app.web.pages.oidc", "bp", False))  # log-in with the municipality's identity provider
BLUEPRINTS.append(("app.web.pages.tasks", "bp", False))
BLUEPRINTS.append(("app.web.pages.task_page", "bp", False))
BLUEPRINTS.append(("app.web.pages.task_drafts", "bp", False))  # "Spara utkast" on the task page
BLUEPRINTS.append(("app.web.pages.portal", "bp", False))
BLUEPRINTS.append(("app.web.pages.case_start", "bp", False))  # an officer starts a case for an organisation
BLUEPRINTS.append(("app.web.pages.cases", "bp", False))
BLUEPRINTS.append(("app.web.pages.case_record", "bp", False))  # the case's history as CSV (issue 13)
BLUEPRINTS.append(("app.web.pages.case_list", "bp", False))  # the case list for staff, /cases/ (issue 11)
BLUEPRINTS.append(("app.web.pages.case_admin", "bp", False))  # the administrator's repair actions (issue 11)
BLUEPRINTS.append(("app.web.pages.admin", "bp", False))
BLUEPRINTS.append(("app.web.pages.settings", "bp", False))  # the municipality's settings (issue 14)
BLUEPRINTS.append(("app.web.pages.people", "bp", False))  # people and their roles, for administrators
BLUEPRINTS.append(("app.web.pages.simulation", "bp", False))
BLUEPRINTS.append(("app.web.pages.processes", "bp", False))
BLUEPRINTS.append(("app.web.pages.agreement_templates", "bp", False))  # agreement document templates (issue 13)
BLUEPRINTS.append(("app.web.pages.bpmn_vendor", "vendor", False))
BLUEPRINTS.append(("app.web.pages.migration", "bp", False))
BLUEPRINTS.append(("app.web.pages.upcoming", "bp", False))  # upcoming agreement work (issue 10)
BLUEPRINTS.append(("app.web.pages.agreement_page", "bp", False))  # the agreement page of a case (issue 10)
BLUEPRINTS.append(("app.web.pages.terminate_page", "bp", False))  # ending an agreement early (issue 10)
BLUEPRINTS.append(("app.web.pages.finance", "bp", False))  # payments across the agreements (issue 10)
BLUEPRINTS.append(("app.web.pages.delegation", "bp", False))  # decisions under delegation (issue 13)
BLUEPRINTS.append(("app.web.pages.guidelines", "bp", False))  # the guidelines review per electoral term (issue 13)
BLUEPRINTS.append(("app.web.pages.accessibility", "bp", False))  # the accessibility statement (issue 13)
BLUEPRINTS.append(("app.web.operations", "bp", True))  # GET /health and /metrics for operators (no forms)
# the JSON API: bearer tokens only, hence no CSRF
BLUEPRINTS.append(("app.web.api", "api", True))


def register_all(app: Flask, csrf: CSRFProtect) -> None:
    for module_name, attr, csrf_exempt in BLUEPRINTS:
        blueprint = getattr(importlib.import_module(module_name), attr)
        if csrf_exempt:
            csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
