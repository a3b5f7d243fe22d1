"""The security middlewares cost no database query on an ordinary request: what a
session owes for two-factor is decided at sign-in and kept in the session."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

OURS = (
    "django_otp.middleware.OTPMiddleware",
    "isms.security_log.SecurityEventsMiddleware",
    "isms.twofactor.middleware.TwoFactorMiddleware",
    "isms.reauth.AdminReauthMiddleware",
    "axes.middleware.AxesMiddleware",
)


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/me/", "/account/"])
def test_no_query_is_added_per_request(client_as, manager, path):
    client = client_as(manager)
    _queries(client, path)  # warm caches (content types, permissions)
    with_ours = _queries(client, path)
    without = [m for m in settings.MIDDLEWARE if m not in OURS]
    with override_settings(MIDDLEWARE=without):
        assert _queries(client, path) == with_ours
