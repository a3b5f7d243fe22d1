"""The two-factor wall: after the password, nothing but the two-factor pages until
the user has entered a code (enrolled users) or enrolled (roles in REQUIRE_2FA_FOR).

What a session still owes is worked out once, at sign-in (`signals.py`), and kept in
the session, so this middleware costs no query per request.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from isms.api.exceptions import error_response
from isms.twofactor.state import ENROL, SESSION_KEY, VERIFY

# Reachable while two-factor is pending: the step the session owes (never the other
# one: a user who owes a code must not enrol a new authenticator instead), signing out.
# Enrolment may ask for the password again (reauth), which is no way around it.
EXEMPT_NAMES = {
    VERIFY: ("twofactor_verify", "logout", "sso_logout"),
    ENROL: ("twofactor_setup", "reauth", "logout", "sso_logout"),
}
EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz")


class TwoFactorMiddleware:
    """Send a signed-in session that owes a code or an enrolment to that step (pages),
    or refuse it with 403 (session calls to the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = self._pending(request)
        if pending is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return error_response(
                403,
                "Two-factor authentication is required: sign in again in the browser.",
                "two_factor_required",
            )
        target = reverse("twofactor_verify" if pending == VERIFY else "twofactor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()}, safe='/')}")

    @staticmethod
    def _pending(request):
        session = getattr(request, "session", None)
        if session is None or session.get(SESSION_KEY) not in (ENROL, VERIFY):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        if user.is_verified():
            session.pop(SESSION_KEY, None)
            return None
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        pending = session[SESSION_KEY]
        if request.path in {reverse(name) for name in EXEMPT_NAMES[pending]}:
            return None
        return pending
