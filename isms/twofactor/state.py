"""What a signed-in session still owes before it may go anywhere: nothing, a code
(VERIFY) or an enrolment (ENROL). Decided at sign-in and stored in the session."""

from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from isms import roles

SESSION_KEY = "_isms_2fa"
VERIFY = "verify"
ENROL = "enrol"

# REQUIRE_2FA_FOR names -> who they cover.
ROLE_NAMES = {
    "management": roles.MANAGEMENT,
    "security_manager": roles.SECURITY_MANAGER,
    "auditor": roles.AUDITOR,
}


def is_required(user) -> bool:
    """Whether REQUIRE_2FA_FOR forces `user` to use two-factor authentication."""
    wanted = {name.strip().lower() for name in settings.REQUIRE_2FA_FOR}
    if not wanted:
        return False
    if "all" in wanted or ("admin" in wanted and user.is_superuser):
        return True
    groups = {ROLE_NAMES[name] for name in wanted if name in ROLE_NAMES}
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def owed(user) -> str | None:
    """VERIFY for an enrolled user, ENROL for one the setting forces, else None."""
    from isms.twofactor.services import has_device

    if has_device(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def refresh(request, user) -> None:
    """Recompute what the session owes (at sign-in, and after two-factor changes)."""
    pending = owed(user)
    if pending is None or (pending == VERIFY and user.is_verified()):
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = pending


@receiver(auth_signals.user_logged_in, dispatch_uid="isms.twofactor.logged_in")
def _at_sign_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    pending = owed(user)
    if pending is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = pending
