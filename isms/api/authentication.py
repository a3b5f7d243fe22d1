"""Personal API tokens in the `Authorization: Token <token>` header."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from isms.models import ApiToken


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """Authenticate with a personal token; the token acts with its user's role only."""

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
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
