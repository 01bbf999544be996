"""Start tests/oidc/provider.mjs (panva's oidc-provider under Node) on a loopback port, and walk its log-in page
the way a browser would, for tests that drive the app with Flask's test client."""

from __future__ import annotations

import copy
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(__file__).resolve().parent / "provider.mjs"
CLIENT_ID = "iop"
CLIENT_SECRET = "iop-test-secret"
PASSWORD = "provider-losenord"

# the provider's people: an officer in Falun, a lawyer in Stenungsund, and one in no mapped group
ACCOUNTS: dict[str, dict[str, Any]] = {
    "olle.ek": {"password": PASSWORD, "sub": "falun-0001", "claims": {
        "name": "Olle Ek", "preferred_username": "olle.ek", "email": "olle.ek@falun.example",
        "email_verified": True, "groups": ["Alla-anstallda", "IOP-Falun-Handlaggare"]}},
    "lena.berg": {"password": PASSWORD, "sub": "stenungsund-0002", "claims": {
        "name": "Lena Berg", "preferred_username": "lena.berg", "email": "lena.berg@stenungsund.example",
        "email_verified": True, "groups": ["IOP-Stenungsund-Jurist"]}},
    "ulla.ny": {"password": PASSWORD, "sub": "falun-0003", "claims": {
        "name": "Ulla Ny", "preferred_username": "ulla.ny", "email": "ulla.ny@falun.example",
        "email_verified": True, "groups": ["Alla-anstallda"]}},
}

ROLE_MAP = {
    "claim": "groups",
    "rules": [
        {"value": "IOP-Falun-Jurist", "role": "lawyer", "municipality": "falun"},
        {"value": "IOP-Falun-Handlaggare", "role": "officer", "municipality": "falun"},
        {"value": "IOP-Stenungsund-Jurist", "role": "lawyer", "municipality": "stenungsund"},
    ],
}
CONTACT = "IOP-samordnaren på kommunledningsförvaltningen, iop@kommun.example"


@dataclass
class NodeProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen[bytes]

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")

    def set_groups(self, username: str, groups: list[str]) -> None:
        accounts = json.loads(self.accounts_file.read_text(encoding="utf-8"))
        accounts[username]["claims"]["groups"] = groups
        self.set_accounts(accounts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def configure(settings: Any, provider: NodeProvider) -> None:
    """Point app settings at the provider, with the test role map."""
    settings.oidc_issuer = provider.issuer
    settings.oidc_client_id = CLIENT_ID
    settings.oidc_client_secret = CLIENT_SECRET
    settings.oidc_role_map = json.dumps(ROLE_MAP)
    settings.oidc_contact = CONTACT


@contextmanager
def running_provider(app_bases: list[str], folder: Path, port: int | None = None) -> Iterator[NodeProvider]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("Node and node_modules/oidc-provider are needed (make setup runs npm install)")
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    accounts_file = folder / "accounts.json"
    log_path = folder / "provider.log"
    provider = NodeProvider(f"http://127.0.0.1:{port}", accounts_file, None)  # type: ignore[arg-type]
    provider.set_accounts(copy.deepcopy(ACCOUNTS))
    with log_path.open("wb") as log:
        process = subprocess.Popen([node, str(SCRIPT), str(port), str(accounts_file), *app_bases], cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT)
    provider.process = process
    try:
        deadline = time.monotonic() + 30
        while True:  # poll until discovery answers
            if process.poll() is not None:
                raise RuntimeError(f"the OpenID provider exited: {log_path.read_text(errors='replace')}")
            try:
                if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the OpenID provider did not start: {log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ProviderBrowser:
    """The provider's side of a log-in, as a browser would walk it: one cookie jar, redirects followed by hand
    until they lead back to the app (whose answer the test then asks Flask's test client for)."""

    def __init__(self, app_base: str = "http://localhost") -> None:
        self.http = requests.Session()
        self.app_base = app_base

    def follow(self, response: requests.Response) -> requests.Response | str:
        """Follow provider redirects; a redirect to the app comes back as its path and query."""
        while response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(self.app_base + "/"):
                parts = urlsplit(target)
                return f"{parts.path}?{parts.query}" if parts.query else parts.path
            response = self.http.get(target, allow_redirects=False, timeout=10)
        return response

    def open(self, authorize_url: str) -> requests.Response | str:
        return self.follow(self.http.get(authorize_url, allow_redirects=False, timeout=10))

    def submit(self, page: requests.Response, action_suffix: str, data: dict[str, str]) -> requests.Response | str:
        actions = re.findall(r'action="([^"]+)"', page.text)
        action = next(a for a in actions if a.endswith(action_suffix))
        return self.follow(self.http.post(urljoin(page.url, action), data=data, allow_redirects=False, timeout=10))

    def log_in(self, authorize_url: str, username: str, password: str = PASSWORD) -> str:
        """From the authorize URL to the app's callback path (with code, state and iss)."""
        form = self.open(authorize_url)
        if isinstance(form, str):
            return form  # the provider remembered the person: straight back
        assert form.status_code == 200 and 'name="username"' in form.text, form.text[:500]
        back = self.submit(form, "/login", {"username": username, "password": password})
        assert isinstance(back, str), back.text[:500]
        return back

    def cancel(self, authorize_url: str) -> str:
        form = self.open(authorize_url)
        assert not isinstance(form, str)
        back = self.submit(form, "/abort", {})
        assert isinstance(back, str), back.text[:500]
        return back
