"""The demo's OpenID Connect provider (`DEMO_OIDC=true make demo`, docs/sso.md): declared
to demo_serve only when asked for, started from exactly the declared command line, and
the ISMS configured by the declared environment to sign its users in with their roles."""

import importlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from isms.demo import processes as demo_processes

ROOT = Path(__file__).resolve().parents[3]


def _declared(monkeypatch, settings, value: str | None):
    settings.DEBUG = True
    if value is None:
        monkeypatch.delenv("DEMO_OIDC", raising=False)
    else:
        monkeypatch.setenv("DEMO_OIDC", value)
    import isms.sso.demo.serve as serve

    importlib.reload(serve)
    return [p for p in demo_processes.discover() if p.name == "demo OIDC provider"]


def test_make_demo_starts_no_provider_unless_asked(monkeypatch, settings):
    assert _declared(monkeypatch, settings, None) == []
    assert _declared(monkeypatch, settings, "false") == []


def test_the_declared_provider_serves_the_declared_issuer(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    [process] = _declared(monkeypatch, settings, "true")
    from isms.sso.demo import serve

    # Each provider group gives the role the ISMS's environment maps it to.
    env = process.env
    assert env["OIDC_ISSUER"] == serve.ISSUER and env["SSO_CREATE_USERS"] == "true"
    groups = {groups for _user, groups in serve.USERS if groups}
    assert groups == {
        env["SSO_ROLE_SECURITY_MANAGER"], env["SSO_ROLE_MANAGEMENT"], env["SSO_ROLE_AUDITOR"]
    }  # fmt: skip

    child = subprocess.Popen(  # noqa: S603 - the declared command line, our interpreter
        [sys.executable, *process.argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline, discovery = time.monotonic() + 60, None
        while time.monotonic() < deadline and child.poll() is None:
            try:
                discovery = requests.get(process.ready_url, timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert discovery, child.stdout.read().decode() if child.poll() is not None else "no answer"
        assert discovery["issuer"] == env["OIDC_ISSUER"]
        assert "groups" in discovery["scopes_supported"]
        assert "S256" in discovery["code_challenge_methods_supported"]
        # The ISMS (its client id and secret from the same environment) is registered.
        token = requests.post(
            discovery["token_endpoint"],
            data={"grant_type": "authorization_code", "code": "none", "redirect_uri": "x"},
            auth=(env["OIDC_CLIENT_ID"], env["OIDC_CLIENT_SECRET"]),
            timeout=5,
        )
        assert token.json()["error"] == "invalid_grant"  # the client is known, the code not
        wrong = requests.post(
            discovery["token_endpoint"],
            data={"grant_type": "authorization_code", "code": "none", "redirect_uri": "x"},
            auth=(env["OIDC_CLIENT_ID"], "not-the-secret"),
            timeout=5,
        )
        assert wrong.json()["error"] == "invalid_client"
    finally:
        child.terminate()
        child.wait(timeout=10)


@pytest.fixture(autouse=True)
def _restore_serve():
    yield
    import isms.sso.demo.serve as serve

    importlib.reload(serve)
