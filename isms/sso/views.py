"""Single sign-on pages. OpenID Connect: start a sign-in or a re-authentication, the
callback. SAML 2.0: start, the assertion consumer service, SP metadata, the single
logout service (our LogoutRequest's answer, and the IdP's own LogoutRequests). Sign-out
for both. The confirmation-code page that carries a re-authentication to the API."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from isms import middleware, reauth, security_log
from isms.sso import config, oidc, saml, services
from isms.sso.models import Identity
from isms.sso.services import SSORefused, sign_in_identity, sign_in_user
from isms.twofactor import state as twofactor_state

SESSION_KEY = "_isms_sso"
BACKEND = "isms.auth_backends.ModelBackend"


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refuse(request, reason: str, detail: str, *, status: int = 400, protocol: str = "oidc"):
    security_log.event(
        "sso.refused",
        request,
        level=logging.WARNING,
        protocol=protocol,
        reason=reason,
        detail=detail,
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
    mfa = bool(set(services.claim_values(claims.get("amr"))) & cfg.mfa_amr)
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
    reauth.idp_confirmed(request)
    security_log.event("reauth.success", request, protocol="oidc")
    return redirect(_safe_next(request, flow.get("next", "")))


def _leave_for_idp(request, url: str):
    """Continue a sign-out at the identity provider. Not a redirect: the sign-out is a
    form POST, and our Content-Security-Policy (`form-action 'self'`) makes the browser
    refuse a form submission that redirects to another origin. A page that is already
    signed out moves on by itself (Refresh header), with a link as fallback."""
    response = render(request, "sso/signed_out.html", {"idp_logout_url": url})
    response["Refresh"] = f"0; url={url}"
    return response


@require_POST
def sso_logout(request):
    """Sign out here and, for an OpenID Connect session, at the provider too
    (RP-initiated logout with the ID token as hint) when it offers an end-session URL;
    for a SAML session, with a LogoutRequest to the IdP's single logout service."""
    sso = request.session.get(SESSION_KEY) or {}
    if sso.get("protocol") == "saml":
        services.saml_session_forget(request.session.session_key)
    logout(request)
    cfg = config.oidc()
    if sso.get("protocol") == "saml":
        return _saml_logout(request, sso)
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
            return _leave_for_idp(request, f"{endpoint}?{urlencode(params)}")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def confirmation_code(request):
    """A one-time confirmation code for the API, for single sign-on users: GET offers
    the fresh sign-in at the identity provider (a link: a form posting to a page that
    redirects to another origin would break CSP's form-action 'self'); back here, POST
    spends that re-authentication on a code, shown once. 404 without single sign-on."""
    here = reverse("sso_confirmation_code")
    protocol = services.reauth_protocol(request)
    if protocol is None:
        raise Http404("single sign-on is not available to this user")
    code = expires_at = None
    if request.method == "POST":
        if not reauth.take_idp_confirmation(request):
            messages.error(
                request,
                _("Sign in again at your organisation first: the code needs a fresh sign-in."),
            )
            return redirect(here)
        record, code = services.confirmation_code_issue(user=request.user, protocol=protocol)
        expires_at = record.expires_at
        security_log.event("reauth.code_issued", request, protocol=protocol)
    response = render(
        request,
        "sso/confirmation_code.html",
        {
            "code": code,
            "expires_at": expires_at,
            "confirmed": reauth.has_idp_confirmation(request),
            "sso_url": services.reauth_url(request, here),
            "max_minutes": max(1, settings.REAUTH_CODE_MAX_AGE // 60),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def is_sso_session(request) -> bool:
    """Whether the signed-in session came through single sign-on."""
    return bool(getattr(request, "session", {}).get(SESSION_KEY))


# --- SAML 2.0 ---------------------------------------------------------------------


def _saml_refuse(request, exc, *, status=None):
    if status is None:
        status = 502 if exc.reason in saml.CONFIGURATION_REASONS else 400
    return _refuse(request, exc.reason, exc.detail, status=status, protocol="saml")


def _saml_not_configured(request):
    return _refuse(
        request,
        "not_configured",
        "SAML_IDP_METADATA_FILE/SAML_IDP_METADATA_URL not set",
        status=404,
        protocol="saml",
    )


@login_not_required
@require_GET
def saml_metadata(request):
    """Our service provider metadata, for the administrator to give the IdP."""
    cfg = config.saml()
    if not cfg.enabled:
        return _saml_not_configured(request)
    try:
        xml = saml.metadata_xml(cfg)
    except saml.SAMLError as exc:
        return _saml_refuse(request, exc)
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")


@login_not_required
@require_GET
def saml_start(request):
    """Send the browser to the IdP with an AuthnRequest: a sign-in, or with `?reauth=1`
    (signed-in users) a forced fresh authentication (ForceAuthn) before a sensitive
    action."""
    cfg = config.saml()
    if not cfg.enabled:
        return _saml_not_configured(request)
    wants_reauth = request.GET.get("reauth") == "1" and request.user.is_authenticated
    next_url = _safe_next(request, request.GET.get("next", ""))
    try:
        url = saml.begin(request, cfg, next_url=next_url, reauth=wants_reauth)
    except saml.SAMLError as exc:
        return _saml_refuse(request, exc)
    return redirect(url)


@login_not_required
@csrf_exempt  # the IdP posts here; the response is bound to this session's request ID
@require_POST
def saml_acs(request):
    """The assertion consumer service: the IdP's Response, verified, then the user
    signed in (or re-authenticated).

    The session cookie is SameSite=Lax, so the IdP's cross-site POST arrives without
    it; the first POST therefore answers with a page that posts the same fields again
    from our own origin (with the cookie). Only that second POST is processed."""
    cfg = config.saml()
    if not cfg.enabled:
        return _saml_not_configured(request)
    if request.POST.get("_isms_hop") != "1" and not saml.has_flow(request):
        return render(
            request,
            "sso/auto_post.html",
            {
                "heading": _("Signing you in"),
                "url": reverse("sso_saml_acs"),
                "fields": {
                    "SAMLResponse": request.POST.get("SAMLResponse", ""),
                    "RelayState": request.POST.get("RelayState", ""),
                    "_isms_hop": "1",
                },
            },
        )
    try:
        flow, assertion = saml.finish(request, cfg)
    except saml.SAMLError as exc:
        return _saml_refuse(request, exc)
    mfa = bool(set(assertion.authn_contexts) & cfg.mfa_contexts)
    if flow.get("reauth"):
        return _saml_finish_reauth(request, flow, assertion)
    groups = assertion.attributes.get(cfg.groups_claim) if cfg.groups_claim else []
    try:
        user, created, granted = sign_in_identity(
            issuer=assertion.issuer,
            subject=assertion.name_id,
            username=assertion.first(cfg.username_claim),
            email=assertion.first(cfg.email_claim),
            groups=groups,
            cfg=cfg,
            username_source=f"attribute {cfg.username_claim!r}" if cfg.username_claim else "NameID",
        )
    except SSORefused as exc:
        return _refuse(request, exc.reason, exc.detail, status=403, protocol="saml")
    login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = {
        "protocol": "saml",
        "issuer": assertion.issuer,
        "subject": assertion.name_id,
        "name_id": assertion.name_id_xml,
        "session_index": assertion.session_index,
        "mfa": mfa,
    }
    request.session.save()  # its key, for the IdP's LogoutRequest to find it
    services.saml_session_record(
        user=user,
        issuer=assertion.issuer,
        name_id=assertion.name_id,
        session_index=assertion.session_index,
        session_key=request.session.session_key,
    )
    if mfa:
        request.session.pop(twofactor_state.SESSION_KEY, None)
    security_log.event(
        "sso.login",
        request,
        user=user,
        protocol="saml",
        subject=assertion.name_id,
        created=created,
        roles=",".join(granted) or "-",
        mfa=mfa,
    )
    return redirect(_safe_next(request, flow.get("next", "")))


def _saml_finish_reauth(request, flow, assertion):
    if (
        not request.user.is_authenticated
        or not Identity.objects.filter(
            user=request.user, issuer=assertion.issuer, subject=assertion.name_id
        ).exists()
    ):
        return _refuse(
            request,
            "reauth_other_user",
            "re-authentication as another subject",
            status=403,
            protocol="saml",
        )
    reauth.idp_confirmed(request)
    sso = request.session.get(SESSION_KEY) or {}
    if sso.get("protocol") == "saml" and assertion.session_index:
        # A forced sign-in may open a new session at the IdP: its logout names that one.
        request.session[SESSION_KEY] = {**sso, "session_index": assertion.session_index}
        services.saml_session_record(
            user=request.user,
            issuer=assertion.issuer,
            name_id=assertion.name_id,
            session_index=assertion.session_index,
            session_key=request.session.session_key,
        )
    security_log.event("reauth.success", request, protocol="saml")
    return redirect(_safe_next(request, flow.get("next", "")))


def _saml_logout(request, sso):
    cfg = config.saml()
    if not cfg.enabled:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    try:
        url = saml.logout_url(request, cfg, sso.get("name_id", ""), sso.get("session_index", ""))
    except saml.SAMLError as exc:
        security_log.event("sso.logout_failed", request, level=logging.WARNING, detail=exc.detail)
        url = None
    if url:
        return _leave_for_idp(request, url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _names_this_session(request, idp_logout) -> bool:
    """Whether the browser's own session is one the LogoutRequest names (also when its
    record was not kept, e.g. after a password change renewed the session key)."""
    mine = request.session.get(SESSION_KEY) or {}
    return (
        mine.get("protocol") == "saml"
        and mine.get("issuer") == idp_logout.issuer
        and mine.get("subject") == idp_logout.name_id
        and (
            not idp_logout.session_indexes
            or mine.get("session_index") in idp_logout.session_indexes
        )
    )


@login_not_required
@csrf_exempt  # the IdP posts here (HTTP-POST binding); the message is signed instead
@require_http_methods(["GET", "POST"])
def saml_sls(request):
    """The single logout service. A `SAMLResponse` is the IdP's answer to our
    LogoutRequest: the local session already ended when the user signed out, so this
    only leads back to sign-in. A `SAMLRequest` is the IdP's own LogoutRequest (the
    user signed out at the IdP or in another application): once verified, every local
    session it names ends, and the IdP gets a LogoutResponse (signed when we have a key
    pair). A LogoutRequest that fails a check is refused (400) and logged."""
    cfg = config.saml()
    if not cfg.enabled:
        return _saml_not_configured(request)
    data = request.GET if request.method == "GET" else request.POST
    if not data.get("SAMLRequest"):
        return redirect(settings.LOGOUT_REDIRECT_URL)
    try:
        idp_logout = saml.parse_logout_request(request, cfg)
    except saml.SAMLError as exc:
        exc.detail = f"IdP LogoutRequest: {exc.detail}"
        return _saml_refuse(request, exc)
    ended, users = services.saml_sessions_end(
        issuer=idp_logout.issuer,
        name_id=idp_logout.name_id,
        session_indexes=idp_logout.session_indexes,
    )
    if request.session.session_key in ended or _names_this_session(request, idp_logout):
        logout(request)  # this browser's session too, so it is not saved again
    security_log.event(
        "sso.logout",
        request,
        users=",".join(users) or "-",
        protocol="saml",
        initiator="idp",
        subject=idp_logout.name_id,
        session_indexes=",".join(idp_logout.session_indexes) or "-",
        sessions=len(ended),
    )
    try:
        answer = saml.logout_response(cfg, idp_logout)
    except saml.SAMLError as exc:
        security_log.event("sso.logout_failed", request, level=logging.WARNING, detail=exc.detail)
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if "fields" not in answer:
        return redirect(answer["url"])
    response = render(
        request,
        "sso/auto_post.html",
        {
            "heading": _("Signed out"),
            "message": _(
                "Your organisation signed you out. Returning to your organisation's sign-in…"
            ),
            "url": answer["url"],
            "fields": answer["fields"],
        },
    )
    # The form posts to the IdP: our CSP's form-action 'self' must allow its origin.
    target = urlparse(answer["url"])
    response["Content-Security-Policy"] = middleware.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}"
    )
    return response
