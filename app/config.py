"""Settings, read from the environment (see README) with defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_instance_path() -> Path:
    return Path(os.environ.get("IOP_INSTANCE_PATH", PROJECT_ROOT / "instance"))


@dataclass
class Settings:
    database_url: str
    secret_key: str
    timezone: str = "Europe/Stockholm"
    smtp_url: str | None = None
    clock: str = "system"
    instance_path: Path = field(default_factory=default_instance_path)
    processes_path: Path = PROJECT_ROOT / "processes"
    config_path: Path = PROJECT_ROOT / "config"
    max_upload_bytes: int = 10 * 1024 * 1024
    sqlite_synchronous: str = "FULL"
    testing: bool = False
    # sessions and log-in (README, "Settings")
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    https: bool = False
    hsts_seconds: int = 0
    trusted_proxies: int = 0
    login_window_minutes: int = 15
    login_max_per_account: int = 5
    login_max_per_address: int = 20
    # log-in with the municipality's OpenID Connect provider (README, "Log-in with the municipality's identity
    # provider"); on when issuer, client id and secret are all set
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_role_map: str = ""  # JSON text, or the path of a JSON file
    oidc_scopes: str = "openid profile email"
    oidc_contact: str = ""  # whom a refused person should ask, shown on the refusal page
    # operations (docs/operations.md): GET /metrics asks for this bearer token when it is set
    metrics_token: str = ""
    # the overview's calendar and money are kept this many seconds per web process (0: computed every time)
    overview_cache_seconds: int = 60
    # where the accessibility statement (/tillganglighet) sends people: an e-mail address or a telephone number
    accessibility_contact: str = ""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        instance = Path(str(overrides.pop("instance_path", default_instance_path())))
        instance.mkdir(parents=True, exist_ok=True)
        db_url = os.environ.get("IOP_DATABASE_URL") or f"sqlite:///{instance / 'iop.sqlite3'}"
        settings = cls(
            database_url=db_url,
            secret_key=os.environ.get("IOP_SECRET_KEY") or _stored_secret(instance),
            timezone=_env_zone("IOP_TIMEZONE", "Europe/Stockholm"),
            smtp_url=os.environ.get("IOP_SMTP_URL") or None,
            clock=os.environ.get("IOP_CLOCK", "system"),
            instance_path=instance,
            sqlite_synchronous=os.environ.get("IOP_SQLITE_SYNCHRONOUS", "FULL"),
            # a manual clock (demos, black-box checks) jumps months at a time: sessions would end at every jump,
            # so there the timeouts are off unless set explicitly
            session_idle_minutes=_env_int("IOP_SESSION_IDLE_MINUTES",
                                          30 if _system_clock() else MANUAL_CLOCK_TIMEOUT_H * 60),
            session_max_hours=_env_int("IOP_SESSION_MAX_HOURS", 12 if _system_clock() else MANUAL_CLOCK_TIMEOUT_H),
            https=os.environ.get("IOP_HTTPS", "").strip().lower() in ("1", "true", "yes", "on"),
            hsts_seconds=_env_int("IOP_HSTS_SECONDS", 0, minimum=0),
            trusted_proxies=_env_int("IOP_TRUSTED_PROXIES", 0, minimum=0),
            login_window_minutes=_env_int("IOP_LOGIN_WINDOW_MINUTES", 15),
            login_max_per_account=_env_int("IOP_LOGIN_MAX_PER_ACCOUNT", 5),
            login_max_per_address=_env_int("IOP_LOGIN_MAX_PER_ADDRESS", 20),
            oidc_issuer=os.environ.get("IOP_OIDC_ISSUER", "").strip(),
            oidc_client_id=os.environ.get("IOP_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=os.environ.get("IOP_OIDC_CLIENT_SECRET", "").strip(),
            oidc_role_map=os.environ.get("IOP_OIDC_ROLE_MAP", "").strip(),
            oidc_scopes=os.environ.get("IOP_OIDC_SCOPES", "").strip() or "openid profile email",
            oidc_contact=os.environ.get("IOP_OIDC_CONTACT", "").strip(),
            metrics_token=os.environ.get("IOP_METRICS_TOKEN", "").strip(),
            overview_cache_seconds=_env_int("IOP_OVERVIEW_CACHE_SECONDS", 60, minimum=0),
            accessibility_contact=os.environ.get("IOP_ACCESSIBILITY_CONTACT", "").strip(),
        )
        for key, value in overrides.items():
            if not hasattr(settings, key):
                raise TypeError(f"unknown setting {key}")
            setattr(settings, key, value)
        return settings


MANUAL_CLOCK_TIMEOUT_H = 100 * 365 * 24  # "no timeout" with IOP_CLOCK=manual


def _system_clock() -> bool:
    return os.environ.get("IOP_CLOCK", "system") != "manual"


def _env_zone(name: str, default: str) -> str:
    """The time zone `name` names (an IANA name such as Europe/Stockholm); ValueError naming it if it is none."""
    raw = os.environ.get(name, "").strip() or default
    try:
        ZoneInfo(raw)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{name} must name a time zone such as Europe/Stockholm, not {raw!r}") from exc
    return raw


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}")
    return value


def _stored_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
