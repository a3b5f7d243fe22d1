"""The OpenID Connect protocol, on well-kept libraries: Authlib for PKCE and random
values, joserfc (Authlib's JOSE library) for the ID token's signature and claims.

Authorisation-code flow: `begin()` makes state, nonce and a PKCE verifier, keeps them
in the session and returns the provider's authorisation URL; `finish()` checks the
state, exchanges the code (with the verifier), verifies the ID token's signature
against the provider's JWKS and checks issuer, audience, expiry, nonce and (for a
re-authentication) auth_time. Any failure raises `OIDCError` with a precise reason for
the log; nothing falls back to a weaker check.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from isms.sso.config import OIDCConfig

SESSION_KEY = "_isms_oidc_flow"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
LEEWAY = 60


class OIDCError(Exception):
    """A sign-in that must be refused; `reason` is a short code, the message the detail."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail or reason


def _get_json(url: str, cfg: OIDCConfig, what: str) -> dict:
    try:
        response = requests.get(url, timeout=cfg.timeout)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OIDCError("provider_unreachable", f"{what} at {url}: {exc}") from exc


def discover(cfg: OIDCConfig) -> dict:
    """The provider's discovery document; its issuer must be exactly the configured one."""
    document = _get_json(f"{cfg.issuer}/.well-known/openid-configuration", cfg, "discovery")
    if document.get("issuer", "").rstrip("/") != cfg.issuer:
        raise OIDCError(
            "wrong_issuer",
            f"discovery names issuer {document.get('issuer')!r}, configured {cfg.issuer!r}",
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(key):
            raise OIDCError("bad_discovery", f"discovery document has no {key}")
    return document


def begin(request, cfg: OIDCConfig, *, next_url: str, reauth: bool = False) -> str:
    """Start a sign-in (or, with `reauth`, a fresh re-authentication): the URL to send
    the browser to."""
    document = discover(cfg)
    verifier = generate_token(64)
    flow = {
        "state": generate_token(32),
        "nonce": generate_token(32),
        "verifier": verifier,
        "next": next_url,
        "reauth": reauth,
        "started": int(time.time()),
    }
    request.session[SESSION_KEY] = flow
    params = {
        "response_type": "code",
        "client_id": cfg.client_id,
        "redirect_uri": redirect_uri(request),
        "scope": cfg.scopes,
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if reauth:
        params.update(prompt="login", max_age="0")
    return f"{document['authorization_endpoint']}?{urlencode(params)}"


def redirect_uri(request) -> str:
    from django.urls import reverse

    return request.build_absolute_uri(reverse("sso_oidc_callback"))


def finish(request, cfg: OIDCConfig) -> tuple[dict, dict, str]:
    """Complete the round trip: (flow, verified ID-token claims, raw ID token)."""
    flow = request.session.pop(SESSION_KEY, None)
    if not flow:
        raise OIDCError("no_flow", "no sign-in in progress in this session (replayed callback?)")
    if request.GET.get("error"):
        raise OIDCError("provider_error", f"provider answered {request.GET.get('error')!r}")
    state = request.GET.get("state", "")
    if not state or state != flow["state"]:
        raise OIDCError("wrong_state", "state does not match the one sent")
    code = request.GET.get("code", "")
    if not code:
        raise OIDCError("no_code", "callback without an authorisation code")
    document = discover(cfg)
    try:
        response = requests.post(
            document["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri(request),
                "code_verifier": flow["verifier"],
            },
            auth=(cfg.client_id, cfg.client_secret),
            timeout=cfg.timeout,
        )
    except requests.RequestException as exc:
        raise OIDCError("provider_unreachable", f"token endpoint: {exc}") from exc
    if response.status_code != 200:
        raise OIDCError(
            "token_refused",
            f"token endpoint answered {response.status_code}: {response.text[:200]}",
        )
    try:
        raw = response.json()["id_token"]
    except (ValueError, KeyError, TypeError) as exc:
        raise OIDCError("no_id_token", "token response without an id_token") from exc
    claims = verify_id_token(raw, cfg, document, nonce=flow["nonce"])
    if flow.get("reauth"):
        auth_time = claims.get("auth_time")
        if not isinstance(auth_time, int) or auth_time < flow["started"] - LEEWAY:
            raise OIDCError("stale_authentication", "re-authentication without a fresh auth_time")
    return flow, claims, raw


def verify_id_token(raw: str, cfg: OIDCConfig, document: dict, *, nonce: str) -> dict:
    """The ID token's claims after its signature (JWKS) and every required claim are
    checked: iss, aud (and azp when several audiences), exp, iat, nonce."""
    jwks = _get_json(document["jwks_uri"], cfg, "JWKS")
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OIDCError("bad_jwks", f"JWKS unreadable: {exc}") from exc
    try:
        token = jwt.decode(raw, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise OIDCError("bad_signature", f"ID token signature not verified: {exc}") from exc
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": cfg.issuer},
        aud={"essential": True, "value": cfg.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except JoseError as exc:
        reason = {"expired_token": "expired"}.get(getattr(exc, "error", ""), "bad_claims")
        raise OIDCError(reason, f"ID token refused: {exc}") from exc
    audience = token.claims["aud"]
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and token.claims.get("azp") != cfg.client_id
    ):
        raise OIDCError("bad_claims", "several audiences and azp is not this client")
    return dict(token.claims)
