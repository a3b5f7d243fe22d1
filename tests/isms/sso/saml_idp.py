"""A small but real SAML 2.0 identity provider for the tests, on pysaml2's IdP side:
its own RSA key and self-signed certificate generated at test time, its metadata
served over HTTP from a thread (and written to a file), AuthnRequests parsed from the
HTTP-Redirect binding our SP sends, Responses with signed assertions built by
pysaml2 and signed with xmlsec1. It trusts our SP through the SP metadata our
/sso/saml/metadata/ page serves (`trust_sp()`).

Tests play the user's browser at the IdP: `sso_url` is where our SP redirected,
`login()` answers it as the signed-in user would see it (the form the browser posts to
our ACS). `GET /sso?...` on the HTTP server does the same for a real browser."""

from __future__ import annotations

import base64
import datetime
import html
import re
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import logout_response_from_string
from saml2.server import Server
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "https://refeds.org/profile/mfa"


def make_key_pair(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate, as PEM files: (key, cert) paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class SAMLIdP:
    def __init__(self, *, sso_base: str | None = None):
        """`sso_base`: publish another server's SSO address (an IdP of a federation
        that answers requests sent to a sibling)."""
        self.directory = Path(tempfile.mkdtemp(prefix="isms-saml-idp-"))
        self.key_file, self.cert_file = make_key_pair(self.directory, "idp")
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.entity_id = f"{self.url}/metadata"
        self.sso_base = sso_base or self.url
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.sp_metadata: str | None = None
        self.server: Server | None = None
        self.next_user: dict = {}
        self.next_logout: dict = {}  # logout_request() arguments for GET /logout
        self.logout_requests: list[str] = []  # GET /slo: the paths with their query
        self.logout_posts: list[dict] = []  # POST /slo: the forms
        self.metadata_file = self.directory / "idp-metadata.xml"
        self.metadata_file.write_text(self.metadata())

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.http.shutdown()
        self.http.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _config(self, sp_metadata: str | None = None) -> IdPConfig:
        conf = IdPConfig()
        conf.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.sso_base}/sso", BINDING_HTTP_REDIRECT)
                            ],
                            "single_logout_service": [
                                (f"{self.url}/slo", BINDING_HTTP_REDIRECT),
                                (f"{self.url}/slo", BINDING_HTTP_POST),
                            ],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": False,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_BASIC,
                            }
                        },
                    }
                },
            }
        )
        return conf

    def metadata(self) -> str:
        return str(entity_descriptor(self._config()))

    def trust_sp(self, sp_metadata: str) -> None:
        """Register our SP (its metadata as our server serves it)."""
        if sp_metadata != self.sp_metadata:
            self.sp_metadata = sp_metadata
            self.server = Server(config=self._config(sp_metadata))

    def login(
        self,
        sso_url: str,
        *,
        subject: str = "saml-alice",
        username: str = "alice.saml",
        groups=(),
        email: str = "alice@example.org",
        context: str = PASSWORD_CONTEXT,
        authn_instant: int | None = None,
        sign_assertion: bool = True,
        audience: str | None = None,
        destination: str | None = None,
        lifetime: dict | None = None,
        tamper=None,
    ) -> dict:
        """Answer the AuthnRequest in `sso_url` for this user: the fields the browser
        posts to the SP ({"SAMLResponse", "RelayState"}, and "action", the ACS URL).
        `audience`, `destination`, `sign_assertion`, `lifetime` (of the assertion, e.g.
        {"minutes": -5}: already expired) and `tamper` (a function of the XML) make the
        answers a broken or malicious IdP would give."""
        query = {k: v[0] for k, v in parse_qs(urlparse(sso_url).query).items()}
        request = self.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message)
        self.last_request = request.message
        identity = {"uid": [username], "email": [email], "groups": list(groups)}
        instant = authn_instant or int(time.time())
        policy = self.server.config.getattr("policy", "idp")
        if lifetime is not None:
            policy.get_lifetime = lambda sp_entity_id: lifetime
        try:
            response = self._respond(
                args, identity, subject, context, instant, sign_assertion, audience, destination
            )
        finally:
            policy.__dict__.pop("get_lifetime", None)
        xml = str(response)
        if tamper is not None:
            xml = tamper(xml)
        return {
            "SAMLResponse": base64.b64encode(xml.encode()).decode(),
            "RelayState": query.get("RelayState", ""),
            "action": args["destination"],
        }

    def _respond(
        self, args, identity, subject, context, instant, sign_assertion, audience, destination
    ):
        return self.server.create_authn_response(
            identity,
            in_response_to=args["in_response_to"],
            destination=destination or args["destination"],
            sp_entity_id=audience or args["sp_entity_id"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={
                "class_ref": context,
                "authn_instant": instant,
            },
            sign_assertion=sign_assertion,
            sign_response=False,
        )

    def logout_request(
        self,
        *,
        subject: str = "saml-alice",
        session_index: str | None = None,
        binding: str = BINDING_HTTP_REDIRECT,
        sign: bool = True,
        issue_instant: str | None = None,
        tamper=None,
        relay_state: str = "idp-relay",
    ) -> dict:
        """An IdP-initiated LogoutRequest for `subject` to the SP's single logout service
        (the address its metadata gives for `binding`): {"id", "url"} for the Redirect
        binding (signed in the query), {"id", "url", "fields"} for the POST binding (an
        enveloped XML signature). `issue_instant` (Redirect only) and `tamper` (a
        function of the XML after signing) make the requests a broken or malicious
        sender would send."""
        sp = next(iter(self.server.metadata.service_providers()))
        destination = self.server.metadata.single_logout_service(sp, binding, "spsso")[0][
            "location"
        ]
        request_id, request = self.server.create_logout_request(
            destination,
            self.entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            session_indexes=[session_index] if session_index else None,
            sign=sign and binding == BINDING_HTTP_POST,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        if issue_instant is not None:
            request.issue_instant = issue_instant
        xml = request if isinstance(request, str) else str(request)
        if tamper is not None:
            xml = tamper(xml)
        if binding == BINDING_HTTP_POST:
            return {
                "id": request_id,
                "url": destination,
                "fields": {
                    "SAMLRequest": base64.b64encode(xml.encode()).decode(),
                    "RelayState": relay_state,
                },
            }
        sent = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            xml,
            destination,
            relay_state,
            sign=sign,
            sigalg=SIG_RSA_SHA256,
        )
        return {"id": request_id, "url": dict(sent["headers"])["Location"]}

    def logout_response(self, *, query: str = "", form: dict | None = None, sp_cert: str):
        """Read the SP's LogoutResponse (from the Redirect binding's query or the POST
        binding's form) after checking its signature against `sp_cert` (PEM) with
        pysaml2: the response message."""
        if form is not None:
            xml = base64.b64decode(form["SAMLResponse"]).decode()
            self.server.sec.correctly_signed_logout_response(xml, must=True)
            return logout_response_from_string(xml)
        fields = {k: v[0] for k, v in parse_qs(query).items()}
        der = "".join(
            line for line in Path(sp_cert).read_text().splitlines() if "-----" not in line
        )
        assert verify_redirect_signature(fields, self.server.sec.sec_backend, cert=der)
        xml = self.server.unravel(fields["SAMLResponse"], BINDING_HTTP_REDIRECT, "LogoutResponse")
        return logout_response_from_string(xml)

    def _handler(idp):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body: str, content_type="text/html; charset=utf-8"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlparse(self.path).path
                if path == "/metadata":
                    return self._send(200, idp.metadata(), "application/samlmetadata+xml")
                if path == "/sso":
                    # The browser journey: the user is signed in as `next_user`; the
                    # answer is the usual auto-posting form.
                    fields = idp.login(f"{idp.url}{self.path}", **idp.next_user)
                    inputs = "".join(
                        f'<input type="hidden" name="{name}" value="{html.escape(fields[name])}">'
                        for name in ("SAMLResponse", "RelayState")
                    )
                    return self._send(
                        200,
                        f'<html><body><form method="post" action="{fields["action"]}">'
                        f'{inputs}<button type="submit">Continue to the ISMS</button>'
                        "</form></body></html>",
                    )
                if path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return None
                if path == "/logout":
                    # The user signs out at the IdP: it tells the SP through the browser,
                    # by redirect or (?binding=post) with a form the user submits.
                    query = parse_qs(urlparse(self.path).query)
                    if query.get("binding") == ["post"]:
                        sent = idp.logout_request(binding=BINDING_HTTP_POST, **idp.next_logout)
                        inputs = "".join(
                            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                            for name, value in sent["fields"].items()
                        )
                        return self._send(
                            200,
                            f'<html><body><form method="post" action="{sent["url"]}">'
                            f'{inputs}<button type="submit">Sign out of the ISMS</button>'
                            "</form></body></html>",
                        )
                    sent = idp.logout_request(**idp.next_logout)
                    self.send_response(302)
                    self.send_header("Location", sent["url"])
                    self.end_headers()
                    return None
                if path == "/slo":
                    idp.logout_requests.append(self.path)
                    return self._send(200, "<html><body>Signed out at the IdP</body></html>")
                return self._send(404, "not found")

            def do_POST(self):
                if urlparse(self.path).path != "/slo":
                    return self._send(404, "not found")
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                idp.logout_posts.append({k: v[0] for k, v in parse_qs(body).items()})
                return self._send(200, "<html><body>Signed out at the IdP (POST)</body></html>")

        return Handler


def relay_fields(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def attribute_value(xml: str, old: str, new: str) -> str:
    """A tampering: change an attribute value inside the signed assertion."""
    return re.sub(f">{re.escape(old)}<", f">{new}<", xml)


__all__ = [
    "BINDING_HTTP_POST",
    "BINDING_HTTP_REDIRECT",
    "MFA_CONTEXT",
    "PASSWORD_CONTEXT",
    "SAMLIdP",
    "make_key_pair",
]
