"""Personal API tokens in the `Authorization: Token <token>` header."""

import logging

from django.utils import timezone
from rest_framework import authentication, exceptions

from isms import security_log
from isms.models import ApiToken
from isms.twofactor import state as twofactor_state
from isms.twofactor.services import has_device


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """Authenticate with a personal token; the token acts with its user's role only.

    A token does not sidestep two-factor: while the user's role requires two-factor
    authentication (REQUIRE_2FA_FOR) and the user has not enrolled, their tokens are
    refused (403), whenever the token was created.
    """

    keyword = "Token"

    def authenticate_credentials(self, key):
        prefix, _, _secret = key.partition(".")
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(prefix=prefix, token_hash=ApiToken.hash(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if twofactor_state.is_required(token.user) and not has_device(token.user):
            security_log.event(
                "token.refused",
                user=token.user,
                level=logging.WARNING,
                token=token.prefix,
                reason="two-factor enrolment required",
            )
            raise exceptions.PermissionDenied(
                "Your role requires two-factor authentication. Enrol in the browser "
                "(My account → Two-factor authentication); your tokens work again then."
            )
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
