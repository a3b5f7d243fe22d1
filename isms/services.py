"""Services of the governance core: the operations views, tasks and commands call."""

import socket
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isms import audit
from isms.models import ApiToken, Heartbeat


def heartbeat_record(*, token: str, worker: str | None = None) -> Heartbeat:
    """Upsert the heartbeat row of `token`: running it twice leaves one row."""
    beat, _ = Heartbeat.objects.update_or_create(
        token=token,
        defaults={"seen_at": timezone.now(), "worker": worker or socket.gethostname()},
    )
    return beat


def heartbeat_request(*, token: str) -> None:
    """Ask a worker for a heartbeat once the current transaction commits."""
    from isms.tasks import heartbeat

    transaction.on_commit(lambda: heartbeat.delay(token))


def api_token_expiry(expires_at=None):
    """The expiry a new token gets: `expires_at` when given (in the future and within
    API_TOKEN_MAX_DAYS), else API_TOKEN_DEFAULT_DAYS from now. Raises ValidationError."""
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    if expires_at <= now:
        raise ValidationError({"expires_at": "Choose a date in the future."})
    if expires_at > now + timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise ValidationError(
            {"expires_at": f"A token may live {settings.API_TOKEN_MAX_DAYS} days at most."}
        )
    return expires_at


@transaction.atomic
def api_token_create(*, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a personal token for `user`; returns the row and the clear token (shown once).
    Every token expires (see `api_token_expiry`)."""
    expires_at = api_token_expiry(expires_at)
    prefix, clear = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=ApiToken.hash(clear), expires_at=expires_at
    )
    audit.record_created(token, message="API token created")
    return token, clear


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it stops working at once."""
    if token.revoked_at is None:
        before = audit.snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_change(token, before, message="API token revoked")
    return token
