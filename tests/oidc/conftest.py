"""A real OpenID provider (oidc-provider under Node, tests/oidc/provider.mjs) for the whole session, and the app
configured to log in through it. Flask's test client plays the app's side at http://localhost; the token
exchange is a real HTTP call from the app to the provider."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from tests.oidc.node_provider import ACCOUNTS, NodeProvider, ProviderBrowser, configure, running_provider


@pytest.fixture(scope="session")
def session_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProvider]:
    with running_provider(["http://localhost"], Path(tmp_path_factory.mktemp("oidc"))) as provider:
        yield provider


@pytest.fixture
def provider(session_provider: NodeProvider) -> NodeProvider:
    session_provider.set_accounts(copy.deepcopy(ACCOUNTS))  # each test starts from the same people and groups
    return session_provider


@pytest.fixture
def settings(settings: Settings, provider: NodeProvider) -> Settings:
    configure(settings, provider)
    return settings


@pytest.fixture
def provider_browser() -> ProviderBrowser:
    return ProviderBrowser("http://localhost")
