"""bpmn-js (the browser modeller and viewer) served from node_modules, a fixed list of files only.

`npm install` (run by `make setup`) puts the package into node_modules/; nothing is copied into the
repository. Only the files named in FILES can be fetched: the name in the URL is looked up in that
table and never used as a path, so no request can reach another file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, send_file

vendor = Blueprint("bpmn_vendor", __name__, url_prefix="/vendor/bpmn-js")

_REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIST = _REPO_ROOT / "node_modules" / "bpmn-js" / "dist"

# URL name -> (path below bpmn-js/dist, content type)
FILES: dict[str, tuple[str, str]] = {
    "bpmn-modeler.production.min.js": ("bpmn-modeler.production.min.js", "text/javascript; charset=utf-8"),
    "bpmn-navigated-viewer.production.min.js": ("bpmn-navigated-viewer.production.min.js",
                                                "text/javascript; charset=utf-8"),
    "assets/diagram-js.css": ("assets/diagram-js.css", "text/css; charset=utf-8"),
    "assets/bpmn-js.css": ("assets/bpmn-js.css", "text/css; charset=utf-8"),
    "assets/bpmn-font/css/bpmn.css": ("assets/bpmn-font/css/bpmn.css", "text/css; charset=utf-8"),
    "assets/bpmn-font/font/bpmn.woff2": ("assets/bpmn-font/font/bpmn.woff2", "font/woff2"),
    "assets/bpmn-font/font/bpmn.woff": ("assets/bpmn-font/font/bpmn.woff", "font/woff"),
    "assets/bpmn-font/font/bpmn.ttf": ("assets/bpmn-font/font/bpmn.ttf", "font/ttf"),
    "assets/bpmn-font/font/bpmn.eot": ("assets/bpmn-font/font/bpmn.eot", "application/vnd.ms-fontobject"),
    "assets/bpmn-font/font/bpmn.svg": ("assets/bpmn-font/font/bpmn.svg", "image/svg+xml"),
}
MODELER = "bpmn-modeler.production.min.js"
VIEWER = "bpmn-navigated-viewer.production.min.js"
STYLESHEETS = ("assets/diagram-js.css", "assets/bpmn-js.css", "assets/bpmn-font/css/bpmn.css")


def dist_path() -> Path:
    """Where bpmn-js/dist is; tests point IOP_BPMN_JS_DIST elsewhere to play a missing install."""
    configured = current_app.config.get("IOP_BPMN_JS_DIST")
    return Path(configured) if configured else DEFAULT_DIST


def installed(bundle: str = MODELER) -> bool:
    """The bundle and the stylesheets are there (`make setup` ran `npm install`)."""
    root = dist_path()
    return all((root / FILES[name][0]).is_file() for name in (bundle, *STYLESHEETS))


@vendor.get("/<path:name>")
def asset(name: str) -> Any:
    entry = FILES.get(name)
    if entry is None:
        abort(404)
    relative, mimetype = entry
    target = dist_path() / relative
    if not target.is_file():
        abort(404, description="the modeller is not installed on this server; run `make setup`")
    return send_file(target, mimetype=mimetype, max_age=86400, conditional=True)
