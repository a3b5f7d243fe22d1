"""A small but real OpenID Connect provider for the tests: a local HTTP server that
serves discovery and JWKS, hands out authorisation codes, checks the PKCE verifier and
the client's credentials at the token endpoint, and signs ID tokens with a generated
RSA key. Tests play the user's browser at the authorisation endpoint by calling
`authorise()` with the parameters our redirect carried."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "isms-test"
CLIENT_SECRET = "s3cret-test-client"


class FakeIdP:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1"}, private=True)
        self.codes: dict[str, dict] = {}
        self.discovery_issuer: str | None = None  # override to simulate misconfiguration
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def claims(self, params: dict, **overrides) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": "sub-alice",
            "preferred_username": "alice.sso",
            "email": "alice@example.org",
            "groups": [],
            "nonce": params["nonce"],
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def authorise(self, params: dict, *, key=None, **overrides) -> str:
        """The user signed in at the provider: a code bound to the PKCE challenge."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": params["code_challenge"],
            "redirect_uri": params["redirect_uri"],
            "claims": self.claims(params, **overrides),
            "key": key or self.key,
        }
        return code

    def sign(self, claims: dict, key) -> str:
        return jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, key)

    def _handler(idp):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._json(
                        200,
                        {
                            "issuer": idp.discovery_issuer or idp.url,
                            "authorization_endpoint": f"{idp.url}/authorize",
                            "token_endpoint": f"{idp.url}/token",
                            "jwks_uri": f"{idp.url}/jwks",
                            "end_session_endpoint": f"{idp.url}/logout",
                        },
                    )
                if path == "/jwks":
                    return self._json(200, KeySet([idp.key]).as_dict(private=False))
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                if urlparse(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._json(401, {"error": "invalid_client"})
                grant = idp.codes.pop(form.get("code", ""), None)  # single use
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                token = idp.sign(grant["claims"], grant["key"])
                return self._json(
                    200, {"access_token": "at", "token_type": "Bearer", "id_token": token}
                )

        return Handler
