"""The demo OpenID Connect provider (isms/sso/demo/oidc_provider/, django-oauth-toolkit)
run as a process of its own for the tests, as an organisation's provider runs beside
the ISMS: started on a free port with its own data folder, ready once its discovery
document answers; `set_groups()` and `tamper()` act on it through its command line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

CLIENT_ID = "isms-test"
CLIENT_SECRET = "isms-test-client-secret"  # noqa: S105 - a test provider's client
MODULE = "isms.sso.demo.oidc_provider"
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OIDCProvider:
    """One provider process for the ISMS at `site`; `users` are `name:password:group,...`
    specs."""

    def __init__(self, data: Path, *, site: str, users: list[str]):
        self.data = data
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        self.argv = [
            sys.executable, "-m", MODULE, "serve", "--data", str(data),
            "--port", str(self.port), "--client-id", CLIENT_ID,
            "--client-secret", CLIENT_SECRET,
            "--redirect-uri", f"{site}/sso/oidc/callback/",
            "--post-logout-redirect-uri", f"{site}/login/",
            *(arg for user in users for arg in ("--user", user)),
        ]  # fmt: skip
        self.log = data / "provider.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> OIDCProvider:
        self.data.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self.argv, cwd=ROOT, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited:\n{self.log.read_text()}")
            try:
                discovery = f"{self.issuer}/.well-known/openid-configuration"
                if requests.get(discovery, timeout=1).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the OIDC provider did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _cli(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", MODULE, *args], cwd=ROOT, check=True, capture_output=True
        )

    def set_groups(self, username: str, *groups: str) -> None:
        """What the organisation's administrator does at the provider."""
        self._cli("groups", "--data", str(self.data), username, *groups)

    def tamper(self, on: bool) -> None:
        """Alter (or stop altering) the ID tokens the token endpoint hands out."""
        self._cli("tamper", "--data", str(self.data), "on" if on else "off")
