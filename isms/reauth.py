"""Re-authentication ("sudo mode") for sensitive actions: creating API tokens, the
Django admin, approvals, AWS account changes, two-factor settings.

A sensitive action needs the password to have been entered within `max_age` seconds.
Signing in counts (the session is stamped at login), so a user who has just signed in
is not asked twice. Otherwise:

- pages: `@reauth_required()` sends the user to "Confirm your password" and back to
  the page they were on. A pending POST is *not* replayed: nothing has been changed
  yet, and the user repeats the action once back (replaying would mean keeping form
  data, possibly secret, in the session). Protect the page that shows the form
  *and* the POST where possible, so the question comes before the user types.
- the API: a sensitive action takes a `password` field; `require_password(request)`
  checks it with the same service and answers 400 with a field message otherwise.

Users who sign in through single sign-on may have no password. For them the identity
provider confirms instead: a fresh sign-in round trip (OpenID Connect `prompt=login`,
SAML `ForceAuthn`) that ends in `idp_confirmed(request)`. It counts as a confirmation
for `@reauth_required` pages and API actions within `max_age`, and, once, for an
approval decision (`consume_idp_confirmation()`: one round trip, one decision, as one
password entry is one decision).

A script calling the API has no browser session to carry that round trip. The SSO user
therefore turns it into a **confirmation code** (/sso/confirmation-code/, after the round
trip; isms.sso.services): shown once, kept as a SHA-256 hash, bound to the user, valid
for REAUTH_CODE_MAX_AGE seconds, used up by the one API action it confirms. Sensitive
API actions take `password` or `confirmation_code`; a refused code answers 400 on the
`confirmation_code` field and is security-logged (`reauth.code_refused`, with reason
wrong, other_user, expired or used).

`reauth_confirm(request, password)` goes through `django.contrib.auth.authenticate()`,
so wrong passwords count towards the login lockout (django-axes) like any sign-in. Every
password re-check goes through it: the password change form, approval decisions,
re-authentication, token creation, two-factor changes, AWS account changes.

A re-check must run *before* the business transaction opens: django-axes records a
failure in the database, and a failure recorded inside a transaction that is then
rolled back (the refused decision) would vanish, giving unlimited guesses.
`reauth_confirm()` refuses to run inside one (a programming error, caught by the tests).
"""

from __future__ import annotations

import logging
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import signals as auth_signals
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from isms import audit, security_log

SESSION_KEY = "_isms_reauth_at"
IDP_SESSION_KEY = "_isms_reauth_idp_at"


class ReauthInTransaction(RuntimeError):
    """A password re-check was attempted inside a business transaction."""


def in_business_transaction(using: str | None = None) -> bool:
    """Whether an atomic block is open other than the test case's own wrapper (the
    same distinction Django draws for `atomic(durable=True)`)."""
    blocks = transaction.get_connection(using).atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def reauth_confirm(request, password: str) -> bool:
    """Check `password` for the signed-in user; on success mark the session as freshly
    authenticated. Failures are logged and count towards the lockout."""
    if in_business_transaction():
        raise ReauthInTransaction(
            "Check the password before opening the transaction: a failure recorded "
            "inside it would be rolled back and escape the lockout."
        )
    user = request.user
    http_request = getattr(request, "_request", request)
    checked = authenticate(http_request, username=user.get_username(), password=password or "")
    if checked is None or checked.pk != user.pk:
        security_log.event("reauth.failure", request, level=logging.WARNING)
        return False
    session = getattr(http_request, "session", None)
    if session is not None:
        session[SESSION_KEY] = int(time.time())
    security_log.event("reauth.success", request)
    return True


def password_matches(user, password: str) -> bool:
    """For services that take a password but no request (approval decisions, AWS
    account changes): check it through `reauth_confirm()` on the current request (found
    in the audit context), so a wrong password counts towards the lockout and is
    logged; outside a request (commands, tests of the service) a plain check."""
    request = audit.current().request
    if request is not None and getattr(getattr(request, "user", None), "pk", None) == user.pk:
        return reauth_confirm(request, password)
    return bool(password) and user.check_password(password)


def idp_confirmed(request) -> None:
    """The identity provider has just re-authenticated the signed-in user (a forced
    fresh sign-in for the same subject): a confirmation like a password entry."""
    now = int(time.time())
    request.session[SESSION_KEY] = now
    request.session[IDP_SESSION_KEY] = now


def _http_request(request):
    return getattr(request, "_request", request)


def has_idp_confirmation(request, max_age: int | None = None) -> bool:
    """Whether an identity-provider re-authentication happened within `max_age` s and
    has not been used for a decision yet."""
    max_age = settings.REAUTH_MAX_AGE if max_age is None else max_age
    session = getattr(_http_request(request), "session", None)
    stamped = session.get(IDP_SESSION_KEY) if session is not None else None
    return stamped is not None and time.time() - stamped <= max_age


def take_idp_confirmation(request) -> bool:
    """Use up the session's fresh identity-provider re-authentication: True when there
    was one (see has_idp_confirmation), which then counts for nothing else."""
    if not has_idp_confirmation(request):
        return False
    _http_request(request).session.pop(IDP_SESSION_KEY, None)
    return True


def consume_idp_confirmation(user) -> bool:
    """For decisions taken by a service without a request argument (approvals): whether
    the current request's user is `user` and the identity provider re-authenticated
    them within REAUTH_MAX_AGE; the confirmation is then used up (one per decision)."""
    request = audit.current().request
    if request is None or getattr(getattr(request, "user", None), "pk", None) != user.pk:
        return False
    if not take_idp_confirmation(request):
        return False
    security_log.event("reauth.idp_used", request)
    return True


def check_confirmation_code(user, code: str):
    """The confirmation code `code` of `user`, checked but not spent (a
    `ConfirmationCode`); raises `CodeRefused` (logged as `reauth.code_refused`)."""
    from isms.sso import services as sso

    request = audit.current().request
    try:
        return sso.confirmation_code_check(user=user, code=code)
    except sso.CodeRefused as exc:
        security_log.event(
            "reauth.code_refused", request, user=user, level=logging.WARNING, reason=exc.reason
        )
        raise


def use_confirmation_code(user, confirmation) -> None:
    """Spend a checked code (once; `CodeRefused` "used" when another action took it
    first), logged as `reauth.code_used`. Called inside the action's transaction, a
    refused action gives it back."""
    from isms.sso import services as sso

    request = audit.current().request
    try:
        sso.confirmation_code_use(confirmation)
    except sso.CodeRefused as exc:
        security_log.event(
            "reauth.code_refused", request, user=user, level=logging.WARNING, reason=exc.reason
        )
        raise
    security_log.event("reauth.code_used", request, user=user, protocol=confirmation.protocol)


def is_recent(request, max_age: int | None = None) -> bool:
    """Whether the password was entered (sign-in or confirmation) within `max_age` s."""
    max_age = settings.REAUTH_MAX_AGE if max_age is None else max_age
    session = getattr(getattr(request, "_request", request), "session", None)
    stamped = session.get(SESSION_KEY) if session is not None else None
    return stamped is not None and time.time() - stamped <= max_age


def confirm_url(next_path: str) -> str:
    return f"{reverse('reauth')}?{urlencode({'next': next_path}, safe='/')}"


def reauth_required(view=None, *, max_age: int | None = None, return_to: str | None = None):
    """Decorator: the view runs only after a password confirmation within `max_age`
    seconds (REAUTH_MAX_AGE by default); otherwise the user confirms first and comes
    back to this page, or, after a POST, to the page named `return_to` when given (for
    POST-only views, the page that holds their button)."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if is_recent(request, max_age):
                return view_func(request, *args, **kwargs)
            back = request.get_full_path()
            if request.method == "POST":
                messages.info(
                    request,
                    _("Confirm your password, then repeat the action: nothing was changed yet."),
                )
                if return_to:
                    back = reverse(return_to)
            return redirect(confirm_url(back))

        return wrapper

    return decorate(view) if view is not None else decorate


def confirmation_code_field(**kwargs) -> serializers.CharField:
    """The `confirmation_code` field of a sensitive API action (write-only, optional:
    users with a password send `password` instead)."""
    return serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Instead of `password`, for single sign-on users: the one-time code shown "
        "at /sso/confirmation-code/ after a fresh sign-in at the identity provider.",
        **kwargs,
    )


def missing_confirmation(user) -> tuple[str, str]:
    """(field, message) for a sensitive API action sent without any confirmation: the
    password for users who have one, a confirmation code for the others (SSO)."""
    if user.has_usable_password():
        return "password", str(_("Confirm this action with your password."))
    return "confirmation_code", str(
        _(
            "Confirm this action with a confirmation code: sign in again at your "
            "organisation on the page /sso/confirmation-code/ to get one."
        )
    )


def require_password(request) -> None:
    """For sensitive API actions: the request body's `password` must be the user's, or
    its `confirmation_code` a valid one of theirs (spent here), or, in the browser, the
    identity provider re-authenticated them within REAUTH_MAX_AGE. Raises a DRF
    ValidationError (400, field message) otherwise."""
    data = request.data if hasattr(request, "data") else {}
    password = data.get("password")
    code = data.get("confirmation_code")
    if password:
        if not reauth_confirm(request, password):
            raise serializers.ValidationError({"password": [_("Wrong password.")]})
        return
    if code:
        from isms.sso.services import CodeRefused

        try:
            use_confirmation_code(request.user, check_confirmation_code(request.user, code))
        except CodeRefused as exc:
            raise serializers.ValidationError({"confirmation_code": [str(exc)]}) from None
        return
    if has_idp_confirmation(request):
        return  # confirmed through the identity provider (SSO users in the browser)
    field, message = missing_confirmation(request.user)
    raise serializers.ValidationError({field: [message]})


class AdminReauthMiddleware:
    """Every page of the Django admin needs a password confirmation within
    REAUTH_ADMIN_MAX_AGE seconds (signing in counts). The admin's own login and
    logout pages are exempt."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._applies(request) and not is_recent(request, settings.REAUTH_ADMIN_MAX_AGE):
            return redirect(confirm_url(request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _applies(request) -> bool:
        prefix = reverse("admin:index")
        if not request.path.startswith(prefix):
            return False
        if request.path in (reverse("admin:login"), reverse("admin:logout")):
            return False
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.is_staff


@receiver(auth_signals.user_logged_in, dispatch_uid="isms.reauth.logged_in")
def _stamp_at_login(sender, request, user, **kwargs):
    # Typing the password to sign in is as fresh as confirming it.
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = int(time.time())
