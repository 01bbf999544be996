"""Log-in with the municipality's identity provider: OpenID Connect, authorization code flow with PKCE (S256).

Authlib's Flask client does the protocol: discovery from IOP_OIDC_ISSUER's /.well-known/openid-configuration,
state, nonce and code verifier kept in the session, the code exchanged at the token endpoint, and the ID token's
signature, issuer, audience, expiry and nonce verified. This module decides who may come in.

IOP_OIDC_ROLE_MAP (JSON text or the path of a JSON file) maps claim values to a staff role and a municipality:

    {"claim": "groups",
     "rules": [{"value": "IOP-Falun-Handlaggare", "role": "officer", "municipality": "falun"},
               {"claim": "roles", "value": "IOP.Admin", "role": "admin"}]}

Rules are tried in the order written and the first that matches wins; "claim" (default "groups") may be set for
the whole map and per rule. Organisation users never log in here: they keep local passwords. A person whose claims
match no rule is refused (403) and no account is made; a user who had logged in here before and no longer matches
is deactivated. Role, municipality, name and e-mail are refreshed from the claims at every log-in.

Log-out: POST /logout (app/web/pages/auth.py) is answered here, before that view runs, when the session came from
the provider: the local session ends (logout_user) and the browser continues to the provider's
end_session_endpoint (RP-initiated logout with id_token_hint) and from there back to /login/oidc/logged-out.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select

from app.config import Settings
from app.core.roles import MUNICIPAL_ROLES, PROVIDER_ROLES, Role
from app.domain import memberships
from app.domain.accounts import set_active
from app.models import Municipality, User
from app.models.identity import ExternalIdentity
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.auth import start_page
from app.web.pages.common import safe_next
from app.web.security import current_user, login_user, logout_user

log = logging.getLogger(__name__)

bp = Blueprint("oidc", __name__)

EXTENSION = "iop_oidc"
CLIENT_NAME = "municipality"
DEFAULT_CLAIM = "groups"
UNUSABLE_HASH = "!oidc"  # not an Argon2 hash: a password log-in can never match it
_HINT_KEY = "oidc_id_token"  # session key; its presence marks a session that came from the provider
_NEXT = "oidc_next"
_EMAIL = re.compile(r"[^\s@<>\"',;]{1,64}@[^\s@<>\"',;]{1,134}\.[^\W\d_]{2,63}")  # what mail headers carry safely
_MAX_ID_TOKEN_IN_SESSION = 2500  # the cookie holds at most 4 kB; a larger token is left out (client_id is sent)


# --- the mapping ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    claim: str
    value: str
    role: Role
    municipality: str | None


@dataclass(frozen=True)
class RoleMap:
    rules: tuple[Rule, ...]

    @property
    def claims(self) -> set[str]:
        return {rule.claim for rule in self.rules}

    def match(self, claims: dict[str, Any]) -> Rule | None:
        """The first rule whose claim carries its value (the claim may be one string or a list of them)."""
        for rule in self.rules:
            present = claims.get(rule.claim)
            values = present if isinstance(present, list) else [present]
            if any(isinstance(v, str) and v == rule.value for v in values):
                return rule
        return None


def parse_role_map(raw: str, municipalities: set[str] | None = None) -> RoleMap:
    """IOP_OIDC_ROLE_MAP as JSON text (starting with "{") or a file path; ValueError says what is wrong."""
    raw = raw.strip()
    if not raw:
        raise ValueError("IOP_OIDC_ROLE_MAP is required when OpenID Connect is configured")
    text = raw
    if not raw.startswith("{"):
        path = Path(raw)
        if not path.is_file():
            raise ValueError(f"IOP_OIDC_ROLE_MAP: no such file {raw!r} (give JSON text or the path of a JSON file)")
        text = path.read_text(encoding="utf-8")
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"IOP_OIDC_ROLE_MAP is not valid JSON: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list) or not spec["rules"]:
        raise ValueError('IOP_OIDC_ROLE_MAP must be an object with a non-empty list "rules"')
    default_claim = spec.get("claim", DEFAULT_CLAIM)
    if not isinstance(default_claim, str) or not default_claim:
        raise ValueError('IOP_OIDC_ROLE_MAP: "claim" must be a claim name')
    rules = []
    for number, item in enumerate(spec["rules"], start=1):
        where = f"IOP_OIDC_ROLE_MAP rule {number}"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object")
        unknown = set(item) - {"claim", "value", "role", "municipality"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        claim, value, role, muni = (item.get("claim", default_claim), item.get("value"), item.get("role"),
                                    item.get("municipality"))
        if not isinstance(claim, str) or not claim:
            raise ValueError(f'{where}: "claim" must be a claim name')
        if not isinstance(value, str) or not value:
            raise ValueError(f'{where}: "value" must be the text the claim carries, e.g. a group name or id')
        if role not in PROVIDER_ROLES:
            raise ValueError(f'{where}: "role" must be one of {", ".join(PROVIDER_ROLES)} '
                             "(organisations log in with passwords)")
        if muni is not None and not isinstance(muni, str):
            raise ValueError(f'{where}: "municipality" must be a municipality slug')
        if role in MUNICIPAL_ROLES and not muni:
            raise ValueError(f'{where}: a {role} needs "municipality"')
        if muni and municipalities is not None and muni not in municipalities:
            raise ValueError(f"{where}: there is no municipality {muni!r} in config/municipalities/")
        rules.append(Rule(claim=claim, value=value, role=Role(role), municipality=muni or None))
    return RoleMap(tuple(rules))


# --- set-up ---------------------------------------------------------------------------------------------------

@dataclass
class OidcSetup:
    oauth: OAuth
    issuer: str
    client_id: str
    role_map: RoleMap
    contact: str

    @property
    def client(self) -> Any:
        return self.oauth.create_client(CLIENT_NAME)


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def _known_municipalities(settings: Settings) -> set[str]:
    slugs = set()
    for path in sorted((settings.config_path / "municipalities").glob("*.json")):
        slug = json.loads(path.read_text(encoding="utf-8")).get("slug")
        if isinstance(slug, str):
            slugs.add(slug)
    return slugs


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    settings: Settings = app.extensions["iop"].settings
    if not configured(settings):
        return
    role_map = parse_role_map(settings.oidc_role_map, _known_municipalities(settings))
    issuer = settings.oidc_issuer.rstrip("/")
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256",
                       "default_timeout": 10},
    )
    app.extensions[EXTENSION] = OidcSetup(oauth=oauth, issuer=issuer, client_id=settings.oidc_client_id,
                                          role_map=role_map, contact=settings.oidc_contact)


def _setup() -> OidcSetup:
    found: OidcSetup | None = current_app.extensions.get(EXTENSION)
    if found is None:
        abort(404)
    return found


@bp.app_context_processor
def _login_button() -> dict[str, Any]:
    if EXTENSION not in current_app.extensions:
        return {"oidc_login_url": None}
    return {"oidc_login_url": url_for("oidc.login", next=request.values.get("next") or None)}


def _metadata(setup: OidcSetup) -> dict[str, Any]:
    """The provider's discovery document (fetched once, then cached by Authlib); its issuer must be ours."""
    metadata: dict[str, Any] = setup.client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != setup.issuer:
        setup.client.server_metadata.clear()
        raise OAuthError(error="issuer_mismatch",
                         description=f"discovery names issuer {metadata.get('issuer')!r}, not {setup.issuer!r}")
    return metadata


# --- pages ----------------------------------------------------------------------------------------------------

def _problem(kind: str, status: int) -> Any:
    return render_template("oidc/problem.html", kind=kind), status


@bp.get("/login/oidc")
def login() -> Any:
    setup = _setup()
    target = request.args.get("next", "")
    me = current_user()
    if me is not None:
        return redirect(safe_next(target, start_page(me.role)))
    try:
        _metadata(setup)
        response = setup.client.authorize_redirect(url_for("oidc.callback", _external=True))
    except requests.RequestException as exc:
        log.warning("OpenID provider %s unreachable: %s", setup.issuer, exc)
        return _problem("unreachable", 502)
    except (OAuthError, ValueError, RuntimeError) as exc:
        log.error("OpenID provider %s: unusable discovery document: %s", setup.issuer, exc)
        return _problem("unreachable", 502)
    session[_NEXT] = safe_next(target, "")
    return response


@bp.get("/login/oidc/callback")
def callback() -> Any:
    setup = _setup()
    error = request.args.get("error")
    if error:
        log.info("OpenID provider answered %s: %s", error, request.args.get("error_description", ""))
        return _problem("denied" if error in ("access_denied", "login_required", "consent_required") else "rejected",
                        401 if error == "access_denied" else 400)
    if "iss" in request.args and request.args["iss"].rstrip("/") != setup.issuer:  # RFC 9207 mix-up defence
        log.warning("authorization response from issuer %r, expected %r", request.args["iss"], setup.issuer)
        return _problem("rejected", 400)
    try:
        _metadata(setup)
        token = setup.client.authorize_access_token()
    except MismatchingStateError:
        log.info("OpenID callback with an unknown or used state")
        return _problem("state", 400)
    except requests.RequestException as exc:
        log.warning("OpenID provider %s unreachable during the token exchange: %s", setup.issuer, exc)
        return _problem("unreachable", 502)
    except OAuthError as exc:
        log.warning("OpenID provider refused the code: %s %s", exc.error, exc.description)
        return _problem("rejected", 400)
    except Exception:  # noqa: BLE001 - ID token signature, nonce, audience or expiry wrong: refused, and logged
        log.warning("OpenID ID token refused", exc_info=True)
        return _problem("rejected", 400)
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub") or "id_token" not in token:
        log.warning("OpenID token response without a verified ID token")
        return _problem("rejected", 400)
    claims = _with_userinfo(setup, token, claims)
    return _log_in(setup, claims, str(token["id_token"]))


def _with_userinfo(setup: OidcSetup, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """Providers that keep groups out of the ID token (Keycloak by choice, conformant providers by default) give
    them at the userinfo endpoint; asked only when a mapped claim is missing. Entra ID puts them in the token."""
    if setup.role_map.claims <= set(claims) or not setup.client.server_metadata.get("userinfo_endpoint"):
        return claims
    try:
        info = dict(setup.client.userinfo(token=token))
    except (requests.RequestException, OAuthError, ValueError) as exc:
        log.warning("OpenID userinfo failed: %s", exc)
        return claims
    if info.get("sub") != claims["sub"]:
        log.warning("OpenID userinfo for another subject ignored")
        return claims
    return {**info, **claims}


def _claim_text(claims: dict[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _free_username(wanted: str) -> str:
    base = re.sub(r"\s+", "_", wanted)[:70] or "user"
    name, n = base, 1
    while db().scalar(select(User.id).where(User.username == name)) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def _log_in(setup: OidcSetup, claims: dict[str, Any], id_token: str) -> Any:
    now = services().clock.now()
    subject = str(claims["sub"])[:255]
    identity = db().scalar(select(ExternalIdentity).where(ExternalIdentity.issuer == setup.issuer,
                                                          ExternalIdentity.subject == subject))
    user = db().get(User, identity.user_id) if identity is not None else None
    rule = setup.role_map.match(claims)
    who = _claim_text(claims, "preferred_username", "email") or subject
    if rule is None:
        log.info("OpenID log-in refused for %s: no mapped claim value", who)
        if identity is not None and user is not None and user.active:
            # removed from every mapped group: no way in, existing sessions and API tokens included
            set_active(db(), user, False, via="oidc")
            identity.access_removed_at = now
            commit()
        return render_template("oidc/refused.html", contact=setup.contact), 403
    municipality = None
    if rule.municipality:
        municipality = db().scalar(select(Municipality).where(Municipality.slug == rule.municipality))
        if municipality is None:
            log.error("IOP_OIDC_ROLE_MAP names municipality %r, which is not in the database", rule.municipality)
            return _problem("setup", 503)
    if user is not None and not user.active and (identity is None or identity.access_removed_at is None):
        log.info("OpenID log-in refused for %s: the user is deactivated", user.username)
        return render_template("oidc/refused.html", contact=setup.contact, deactivated=True), 403
    if user is None:
        user = User(username=_free_username(who), password_hash=UNUSABLE_HASH, created_at=now, language="sv",
                    active=True, role=rule.role, display_name="")
        db().add(user)
        db().flush()
        identity = ExternalIdentity(issuer=setup.issuer, subject=subject, user_id=user.id, created_at=now,
                                    last_login_at=now)
        db().add(identity)
    assert identity is not None
    memberships.release(db(), user)
    old_role, old_municipality_id = user.role, user.municipality_id
    user.role = rule.role
    user.municipality_id = municipality.id if municipality else None
    user.organisation_id = None
    user.active = True
    user.display_name = _claim_text(claims, "name") or user.display_name or user.username
    email = _claim_text(claims, "email")
    if _EMAIL.fullmatch(email):
        user.email = email
    identity.last_login_at = now
    identity.matched_value = rule.value[:255]
    identity.access_removed_at = None
    db().flush()
    memberships.follow_home(db(), user, old_role, old_municipality_id)
    commit()
    target = session.pop(_NEXT, "")
    login_user(user)
    if len(id_token) <= _MAX_ID_TOKEN_IN_SESSION:
        session[_HINT_KEY] = id_token
    else:
        session[_HINT_KEY] = ""
    log.info("OpenID log-in: %s as %s (%s) through %r", user.username, user.role, rule.municipality, rule.value)
    return redirect(safe_next(target, start_page(user.role)))


@bp.before_app_request
def _provider_logout() -> Any:
    """POST /logout of a session that came from the provider: end it here, then at the provider."""
    if request.endpoint != "auth.logout" or request.method != "POST" or _HINT_KEY not in session:
        return None
    setup: OidcSetup | None = current_app.extensions.get(EXTENSION)
    id_token = session.get(_HINT_KEY) or None
    logout_user()
    if setup is None:
        return None  # OpenID Connect switched off since: the ordinary log-out view finishes
    try:
        metadata = _metadata(setup)
    except (requests.RequestException, OAuthError, ValueError) as exc:
        log.warning("OpenID provider unreachable at log-out; logged out here only: %s", exc)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    end = setup.client.create_logout_url(post_logout_redirect_uri=url_for("oidc.logged_out", _external=True),
                                         id_token_hint=id_token, client_id=setup.client_id)
    # a page of our own rather than a redirect: the form-action CSP of the page that posted would stop a
    # redirect to another origin
    # the Refresh header moves the browser on at once; the page's link is there for when it does not
    page = render_template("oidc/logout.html", end_session_url=end["url"])
    return page, 200, {"Refresh": f"0; url={end['url']}", "Cache-Control": "no-store"}


@bp.get("/login/oidc/logged-out")
def logged_out() -> Any:
    """Where the provider sends the browser back after its log-out."""
    flash(translate("login.logged_out"), "info")
    return redirect(url_for("auth.login"))
