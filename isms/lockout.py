"""Sign-in lockout: django-axes' database handler with a second rule against password
spraying.

Axes locks a (username, IP) pair out after AXES_FAILURE_LIMIT failures
(AXES_LOCKOUT_PARAMETERS). Axes can also count per IP alone, but with the same limit
as the pair and with a successful sign-in from that IP wiping the count; so the rule
"many usernames from one IP" is added here: an IP whose failures, summed over every
username, reach LOGIN_IP_FAILURE_LIMIT within the cool-off time is locked out for every
username, and a success resets only its own (username, IP) pair. Both rules use axes'
records (AccessAttempt), lockout answer (429), cool-off and `user_locked_out` signal
(logged as `login.lockout`).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' rule per (username, IP), plus LOGIN_IP_FAILURE_LIMIT per IP."""

    @staticmethod
    def ip_failures(request) -> int:
        """Failed sign-ins from the request's IP within the cool-off, all usernames."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def _ip_locked(self, request) -> bool:
        return (
            settings.AXES_LOCK_OUT_AT_FAILURE
            and self.ip_failures(request) >= settings.LOGIN_IP_FAILURE_LIMIT
        )

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._ip_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is None
            or getattr(request, "axes_locked_out", False)
            or self.is_whitelisted(request, credentials)
            or not self._ip_locked(request)
        ):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )
