"""OpenID Connect pages: start a sign-in or a re-authentication, the callback, sign-out."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from isms import reauth, security_log
from isms.sso import config, oidc
from isms.sso.models import Identity
from isms.sso.services import SSORefused, sign_in_user
from isms.twofactor import state as twofactor_state

SESSION_KEY = "_isms_sso"
BACKEND = "isms.auth_backends.ModelBackend"


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refuse(request, reason: str, detail: str, *, status: int = 400):
    security_log.event(
        "sso.refused", request, level=logging.WARNING, protocol="oidc", reason=reason, detail=detail
    )
    return render(
        request,
        "sso/error.html",
        {"reason": reason, "login_url": resolve_url("login")},
        status=status,
    )


@login_not_required
@require_GET
def oidc_start(request):
    """Send the browser to the provider: a sign-in, or with `?reauth=1` (signed-in
    users) a fresh authentication (prompt=login, max_age=0) before a sensitive action."""
    cfg = config.oidc()
    if not cfg.enabled:
        return _refuse(request, "not_configured", "OIDC_ISSUER/OIDC_CLIENT_ID not set", status=404)
    wants_reauth = request.GET.get("reauth") == "1" and request.user.is_authenticated
    next_url = _safe_next(request, request.GET.get("next", ""))
    try:
        url = oidc.begin(request, cfg, next_url=next_url, reauth=wants_reauth)
    except oidc.OIDCError as exc:
        return _refuse(request, exc.reason, exc.detail, status=502)
    return redirect(url)


@login_not_required
@require_GET
def oidc_callback(request):
    """The provider's answer: verified, then the user signed in (or re-authenticated)."""
    cfg = config.oidc()
    if not cfg.enabled:
        return _refuse(request, "not_configured", "OIDC_ISSUER/OIDC_CLIENT_ID not set", status=404)
    try:
        flow, claims, raw = oidc.finish(request, cfg)
    except oidc.OIDCError as exc:
        status = 502 if exc.reason in ("provider_unreachable", "wrong_issuer", "bad_jwks") else 400
        return _refuse(request, exc.reason, exc.detail, status=status)
    mfa = bool(set(claims.get("amr") or []) & cfg.mfa_amr)
    if flow.get("reauth"):
        return _finish_reauth(request, cfg, flow, claims)
    try:
        user, created, granted = sign_in_user(issuer=cfg.issuer, claims=claims, cfg=cfg)
    except SSORefused as exc:
        return _refuse(request, exc.reason, exc.detail, status=403)
    login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = {"protocol": "oidc", "id_token": raw, "mfa": mfa}
    if mfa:
        # The provider vouches for a second factor: the local one is not asked again.
        request.session.pop(twofactor_state.SESSION_KEY, None)
    security_log.event(
        "sso.login",
        request,
        user=user,
        protocol="oidc",
        subject=claims["sub"],
        created=created,
        roles=",".join(granted) or "-",
        mfa=mfa,
    )
    return redirect(_safe_next(request, flow.get("next", "")))


def _finish_reauth(request, cfg, flow, claims):
    if (
        not request.user.is_authenticated
        or not Identity.objects.filter(
            user=request.user, issuer=cfg.issuer, subject=str(claims["sub"])
        ).exists()
    ):
        return _refuse(
            request, "reauth_other_user", "re-authentication as another subject", status=403
        )
    request.session[reauth.SESSION_KEY] = int(time.time())
    security_log.event("reauth.success", request, protocol="oidc")
    return redirect(_safe_next(request, flow.get("next", "")))


@require_POST
def sso_logout(request):
    """Sign out here and, for an OpenID Connect session, at the provider too
    (RP-initiated logout with the ID token as hint) when it offers an end-session URL."""
    sso = request.session.get(SESSION_KEY) or {}
    logout(request)
    cfg = config.oidc()
    if sso.get("protocol") == "oidc" and cfg.enabled:
        try:
            endpoint = oidc.discover(cfg).get("end_session_endpoint")
        except oidc.OIDCError as exc:
            security_log.event(
                "sso.logout_failed", request, level=logging.WARNING, detail=exc.detail
            )
            endpoint = None
        if endpoint:
            params = {
                "id_token_hint": sso.get("id_token", ""),
                "client_id": cfg.client_id,
                "post_logout_redirect_uri": request.build_absolute_uri(resolve_url("login")),
            }
            return redirect(f"{endpoint}?{urlencode(params)}")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def is_sso_session(request) -> bool:
    """Whether the signed-in session came through single sign-on."""
    return bool(getattr(request, "session", {}).get(SESSION_KEY))
