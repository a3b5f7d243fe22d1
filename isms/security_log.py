"""The security log: one logger, "isms.security", for the events an operator or a SIEM
watches (OWASP ASVS V16): sign-ins and failures, lockouts, two-factor events,
re-authentication, permission denials, API token use and failures, exports and downloads.

Each line carries the event name, the user, the UTC time, the request id and the client
IP. With LOG_FORMAT=json the JSON formatter (isms/logging.py) writes one object per line;
in the text format every user-controlled value is quoted and escaped here, so a
username with a line break cannot forge a second log line.

Secrets never reach the log: passwords are never passed in, API tokens are logged by
their public prefix only, and values are cut to a bounded length.

Features call `log_download()` for every file or export they hand out:

    security_log.log_download(request, what="soa", fmt="xlsx", obj=soa)
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from isms.ratelimit import RateLimit

logger = logging.getLogger("isms.security")

MAX_VALUE_LENGTH = 200
_PLAIN = re.compile(r"^[\w.@:/+-]*$")
_TOKEN_PREFIX = re.compile(r"^[0-9a-f]{8}$")


def client_ip(request) -> str:
    """The client's address as the lockout and the log see it (REMOTE_ADDR; a
    TLS-terminating proxy in front must pass the real address, see docs/security.md)."""
    request = getattr(request, "_request", request)
    return (getattr(request, "META", {}) or {}).get("REMOTE_ADDR", "") or ""


def clean(value) -> str:
    """One log-safe value: bounded, and quoted with control characters escaped unless
    it is plainly safe, so CR/LF in user input can never start a new log line."""
    text = str(value)[:MAX_VALUE_LENGTH]
    if _PLAIN.match(text):
        return text or '""'
    return json.dumps(text, ensure_ascii=True)


def token_prefix(key: str) -> str:
    """The public prefix of a personal API token, or "malformed"; never the secret."""
    prefix = (key or "").partition(".")[0]
    return prefix if _TOKEN_PREFIX.match(prefix) else "malformed"


def _username(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return user.get_username()


def event(name: str, request=None, *, user=None, level: int = logging.INFO, **fields) -> None:
    """Log security event `name` with the user, UTC time, request id and IP, plus
    `fields` (each value escaped). `user` defaults to the request's user."""
    http_request = getattr(request, "_request", request)
    if user is None and http_request is not None:
        user = getattr(http_request, "user", None)
    context = {
        "event": name,
        "user": _username(user),
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": getattr(http_request, "request_id", "") or "-",
        "ip": client_ip(http_request) if http_request is not None else "-",
    }
    if http_request is not None and getattr(http_request, "path", None):
        context["path"] = http_request.path
    context.update(fields)
    message = " ".join(f"{key}={clean(value)}" for key, value in context.items())
    logger.log(
        level,
        message,
        extra={
            "event": name,
            "user": context["user"],
            "ip": context["ip"],
            "request_id": context["request_id"],
        },
    )


def log_download(request, *, what: str, fmt: str = "", obj=None) -> None:
    """Record that the request's user downloaded or exported `what` (e.g. "soa",
    "audit-csv", "evidence") in format `fmt`, optionally naming the object."""
    fields = {"what": what}
    if fmt:
        fields["format"] = fmt
    if obj is not None:
        fields["object"] = f"{obj._meta.label_lower}:{obj.pk}"
    event("download", request, **fields)


# --- Authentication signals -------------------------------------------------------------


@receiver(auth_signals.user_logged_in, dispatch_uid="isms.security_log.logged_in")
def _logged_in(sender, request, user, **kwargs):
    event("login.success", request, user=user)


@receiver(auth_signals.user_logged_out, dispatch_uid="isms.security_log.logged_out")
def _logged_out(sender, request, user, **kwargs):
    event("logout", request, user=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="isms.security_log.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: Django already masks the password, and it is never logged.
    event(
        "login.failure",
        request,
        level=logging.WARNING,
        username=credentials.get("username", ""),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_locked_out, dispatch_uid="isms.security_log.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    event("login.lockout", request, level=logging.WARNING, username=username or "")


# --- Middleware: permission denials, token use and failures --------------------------------


# Failed API tokens per client IP: the one rate limiter's counter (isms.ratelimit).
TOKEN_FAILURES = RateLimit(
    "token-failures", limit="TOKEN_FAILURE_LIMIT", window="TOKEN_FAILURE_WINDOW"
)


def bearer_token(request) -> str | None:
    """The token of an `Authorization: Token <token>` header, "" when the scheme names
    none, None without that scheme. The scheme is case-insensitive and the parts are
    split on any whitespace, exactly as the authentication class reads them, so that
    `token xyz` is counted, logged and throttled like `Token xyz`."""
    parts = request.headers.get("Authorization", "").split()
    if not parts or parts[0].lower() != "token":
        return None
    return parts[1] if len(parts) > 1 else ""


class SecurityEventsMiddleware:
    """Log every 403 (views, API, CSRF failures), every API call made with a personal
    token and every failed token; refuse token calls (429) from an IP that failed
    TOKEN_FAILURE_LIMIT times within TOKEN_FAILURE_WINDOW seconds.

    Rate-limiting failed tokens here, with a cache counter per IP, keeps the
    authentication class unchanged; the tokens themselves are 256-bit random, so the
    limit is about noise and probing rather than guessing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bearer_token(request)
        bearing_token = token is not None
        if bearing_token and TOKEN_FAILURES.exceeded(client_ip(request)):
            event("token.throttled", request, level=logging.WARNING)
            # Imported here: isms.api imports modules that import this one.
            from isms.api.exceptions import error_response

            response = error_response(
                429, "Too many failed token attempts. Try again later.", "throttled"
            )
            response["Retry-After"] = str(TOKEN_FAILURES.seconds)
            return response
        response = self.get_response(request)
        auth = getattr(request, "auth", None)
        if bearing_token and response.status_code == 401:
            TOKEN_FAILURES.hit(client_ip(request))
            event("token.failure", request, level=logging.WARNING, token=token_prefix(token))
        elif auth is not None and hasattr(auth, "prefix"):
            event(
                "token.use",
                request,
                token=auth.prefix,
                method=request.method,
                status=response.status_code,
            )
        if response.status_code == 403:
            event("permission.denied", request, level=logging.WARNING, method=request.method)
        return response
