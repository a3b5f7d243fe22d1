"""What `manage.py demo_serve` runs for single sign-on (isms.demo.processes): with
DEMO_OIDC=true, the demo OpenID Connect provider (oidc_provider/) before the worker and
the web server, which then sign users in through it (docs/sso.md, "Trying SSO with the
demo"). Without DEMO_OIDC, nothing: `make demo` stays as it is."""

import os

from django.conf import settings

from isms.demo.processes import DemoProcess
from isms.sso.demo.oidc_provider import CLIENT_ID, CLIENT_SECRET

PORT = 5006
ISSUER = f"http://127.0.0.1:{PORT}/o"
PASSWORD = "demo-sso-pass"  # noqa: S105 - the demo provider's users
# (user at the provider, its groups there); the groups map to the ISMS roles below.
USERS = [
    ("alice", "isms-security"),
    ("bob", "isms-management"),
    ("carol", "isms-audit"),
    ("dave", ""),
]
HOSTS = ("127.0.0.1", "localhost")
REDIRECT_URIS = [f"http://{host}:8000/sso/oidc/callback/" for host in HOSTS]
POST_LOGOUT_URIS = [f"http://{host}:8000/login/" for host in HOSTS]

PROCESSES = []
if os.environ.get("DEMO_OIDC", "").lower() in ("1", "true", "yes"):
    PROCESSES.append(
        DemoProcess(
            name="demo OIDC provider",
            argv=[
                "-m",
                "isms.sso.demo.oidc_provider",
                "serve",
                "--data",
                str(settings.VAR_DIR / "demo-oidc-provider"),
                "--port",
                str(PORT),
                *(a for uri in REDIRECT_URIS for a in ("--redirect-uri", uri)),
                *(a for uri in POST_LOGOUT_URIS for a in ("--post-logout-redirect-uri", uri)),
                *(a for user, groups in USERS for a in ("--user", f"{user}:{PASSWORD}:{groups}")),
            ],  # fmt: skip
            env={
                "OIDC_ISSUER": ISSUER,
                "OIDC_CLIENT_ID": CLIENT_ID,
                "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "SSO_ROLE_SECURITY_MANAGER": "isms-security",
                "SSO_ROLE_MANAGEMENT": "isms-management",
                "SSO_ROLE_AUDITOR": "isms-audit",
                "SSO_CREATE_USERS": "true",
            },
            ready_url=f"{ISSUER}/.well-known/openid-configuration",
        )
    )
