"""Who an identity provider's verified claims make a user, and with which role; where
a single sign-on user re-authenticates; the one-time confirmation codes that carry such
a re-authentication to the API."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms import audit, roles
from isms.sso.config import OIDCConfig
from isms.sso.models import ConfirmationCode, Identity


class SSORefused(Exception):
    """The provider vouched for someone this ISMS will not sign in; `reason` for the log."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def claim_values(value) -> list[str]:
    """A claim or attribute that should hold a list of strings, as one: a single string
    is a list of one; anything else a provider may send (a number, an object, null)
    gives nothing rather than an error."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def mapped_roles(groups, cfg) -> set[str]:
    """The ISMS roles the provider's groups give (a group may give several roles)."""
    wanted = set(claim_values(groups))
    return {role for role, names in cfg.role_groups.items() if names & wanted}


def sign_in_user(*, issuer: str, claims: dict, cfg: OIDCConfig):
    """OpenID Connect: the user an ID token's verified claims name (see sign_in_identity)."""
    return sign_in_identity(
        issuer=issuer,
        subject=str(claims["sub"]),
        username=str(claims.get(cfg.username_claim) or ""),
        email=str(claims.get(cfg.email_claim) or ""),
        groups=claims.get(cfg.groups_claim),
        cfg=cfg,
        username_source=f"claim {cfg.username_claim!r}",
    )


@transaction.atomic
def sign_in_identity(
    *,
    issuer: str,
    subject: str,
    username: str,
    email: str,
    groups,
    cfg,
    username_source: str = "username",
):
    """Find (or, with SSO_CREATE_USERS, create) the user a provider vouched for, by the
    (issuer, subject) pair remembered at the first sign-in, else by username, and set
    their ISMS roles from the provider's groups (OIDC claim or SAML attribute): roles
    are re-evaluated at every sign-in, so a user removed from a group at the provider
    loses the role here. Groups that are not ISMS roles stay. `cfg` is the protocol's
    configuration (its `role_groups` and `create_users`)."""
    User = get_user_model()
    username = username.strip()[:150]
    email = email.strip()[:254]
    identity = (
        Identity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    user = identity.user if identity else None
    if user is None and username:
        user = User.objects.filter(username=username).first()
    created = False
    if user is None:
        if not cfg.create_users:
            raise SSORefused(
                "unknown_user", f"no local user {username!r} and SSO_CREATE_USERS is off"
            )
        if not username:
            raise SSORefused("no_username", f"{username_source} missing")
        user = User(username=username, email=email)
        user.set_unusable_password()
        user.save()
        created = True
    if not user.is_active:
        raise SSORefused("inactive_user", f"user {user.get_username()!r} is disabled")
    if identity is None:
        identity = Identity.objects.create(user=user, issuer=issuer, subject=subject)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    with audit.acting_as(user):
        if email and user.email != email:
            user.email = email
            user.save(update_fields=["email"])
        wanted = mapped_roles(groups, cfg)
        current = set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))
        if wanted - current:
            user.groups.add(*Group.objects.filter(name__in=wanted - current))
        if current - wanted:
            user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    return user, created, sorted(wanted)


def reauth_protocol(request) -> str | None:
    """The protocol ("oidc" or "saml") the signed-in user re-authenticates with: the one
    they signed in with, else the one their remembered identity belongs to. None when
    they have no single sign-on identity or that protocol is not configured."""
    from isms.sso import config

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = getattr(request, "session", None) or {}
    protocol = (session.get("_isms_sso") or {}).get("protocol")
    oidc_cfg, saml_cfg = config.oidc(), config.saml()
    if protocol is None:
        issuers = set(user.sso_identities.values_list("issuer", flat=True))
        if oidc_cfg.enabled and oidc_cfg.issuer in issuers:
            protocol = "oidc"
        elif saml_cfg.enabled and issuers - {oidc_cfg.issuer}:
            protocol = "saml"
    if protocol == "oidc" and oidc_cfg.enabled:
        return "oidc"
    if protocol == "saml" and saml_cfg.enabled:
        return "saml"
    return None


def reauth_url(request, next_path: str) -> str | None:
    """Where the signed-in user re-authenticates at their identity provider before a
    sensitive action (and comes back to `next_path`); None without single sign-on."""
    from django.urls import reverse

    protocol = reauth_protocol(request)
    if protocol is None:
        return None
    route = {"oidc": "sso_oidc_login", "saml": "sso_saml_login"}[protocol]
    return f"{reverse(route)}?{urlencode({'reauth': '1', 'next': next_path}, safe='/')}"


# --- Confirmation codes (re-authentication for the API) -----------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read and typed by people
CODE_LENGTH = 20  # 100 bits: not guessable within its minutes of life
CODE_GROUP = 5


class CodeRefused(Exception):
    """A confirmation code that confirms nothing; `reason` (wrong, other_user, expired,
    used) for the security log, the message for the user (the same for a wrong code and
    another user's)."""

    def __init__(self, reason: str, message):
        super().__init__(str(message))
        self.reason = reason


def _normalised(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """The SHA-256 a code is kept as (dashes, spaces and case do not matter)."""
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


@transaction.atomic
def confirmation_code_issue(*, user, protocol: str) -> tuple[ConfirmationCode, str]:
    """A new one-time code for `user`, who has just re-authenticated at the identity
    provider (`protocol`): (the stored record, the code in clear, shown once). The
    user's used or expired codes are deleted."""
    now = timezone.now()
    ConfirmationCode.objects.filter(user=user, expires_at__lte=now).delete()
    ConfirmationCode.objects.filter(user=user, used_at__isnull=False).delete()
    clear = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    record = ConfirmationCode.objects.create(
        user=user,
        code_hash=code_hash(clear),
        protocol=protocol,
        expires_at=now + datetime.timedelta(seconds=settings.REAUTH_CODE_MAX_AGE),
    )
    shown = "-".join(clear[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))
    return record, shown


def confirmation_code_check(*, user, code: str) -> ConfirmationCode:
    """The unused, unexpired code `code` of `user`; CodeRefused otherwise. Nothing is
    changed: `confirmation_code_use()` spends it."""
    found = ConfirmationCode.objects.filter(code_hash=code_hash(code)).first()
    if found is None or not _normalised(code):
        raise CodeRefused("wrong", _("This confirmation code is not valid."))
    if found.user_id != user.pk:
        raise CodeRefused("other_user", _("This confirmation code is not valid."))
    if found.used_at is not None:
        raise CodeRefused("used", _("This confirmation code has already been used: get a new one."))
    if found.expires_at <= timezone.now():
        raise CodeRefused("expired", _("This confirmation code has expired: get a new one."))
    return found


def confirmation_code_use(confirmation: ConfirmationCode) -> None:
    """Spend a checked code, once: a conditional update, so of two actions presenting it
    at the same time only one gets it (CodeRefused "used" for the other). Called inside
    the action's transaction, a refused action gives the code back."""
    now = timezone.now()
    spent = ConfirmationCode.objects.filter(
        pk=confirmation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not spent:
        raise CodeRefused("used", _("This confirmation code has already been used: get a new one."))


# --- SAML sessions (IdP-initiated single logout) ------------------------------------


def saml_session_record(*, user, issuer: str, name_id: str, session_index: str, session_key):
    """Remember which local session a SAML sign-in opened, under the NameID and
    SessionIndex the IdP knows it by; records older than SESSION_ABSOLUTE_TIMEOUT (the
    session is gone by then) are deleted."""
    from isms.sso.models import SAMLSession

    oldest = timezone.now() - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    SAMLSession.objects.filter(created_at__lt=oldest).delete()
    if session_key:
        SAMLSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "issuer": issuer,
                "name_id": name_id[:255],
                "session_index": session_index[:255],
            },
        )


def saml_session_forget(session_key) -> None:
    """The session ended here (the user signed out): nothing left to end for the IdP."""
    from isms.sso.models import SAMLSession

    if session_key:
        SAMLSession.objects.filter(session_key=session_key).delete()


def saml_sessions_end(*, issuer: str, name_id: str, session_indexes=()) -> tuple[list, list]:
    """End the local sessions an IdP LogoutRequest names: those of `name_id` at `issuer`,
    only the listed SessionIndexes when it lists some (SAML core 3.7.3.2). Returns
    (the session keys ended, the users they belonged to)."""
    from importlib import import_module

    from isms.sso.models import SAMLSession

    records = SAMLSession.objects.select_related("user").filter(issuer=issuer, name_id=name_id)
    if session_indexes:
        records = records.filter(session_index__in=list(session_indexes))
    records = list(records)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for record in records:
        store.delete(record.session_key)
    SAMLSession.objects.filter(pk__in=[record.pk for record in records]).delete()
    users = sorted({record.user.get_username() for record in records})
    return [record.session_key for record in records], users
