"""Who an identity provider's verified claims make a user, and with which role."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from isms import audit, roles
from isms.sso.config import OIDCConfig
from isms.sso.models import Identity


class SSORefused(Exception):
    """The provider vouched for someone this ISMS will not sign in; `reason` for the log."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def mapped_roles(groups, cfg) -> set[str]:
    """The ISMS roles the provider's groups give (a group may give several roles)."""
    if isinstance(groups, str):
        groups = [groups]
    wanted = {str(group) for group in (groups or [])}
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


def reauth_url(request, next_path: str) -> str | None:
    """Where the signed-in user re-authenticates at their identity provider before a
    sensitive action (and comes back to `next_path`): the protocol they signed in with,
    else the one their remembered identity belongs to. None when they have no single
    sign-on identity or SSO is off."""
    from django.urls import reverse

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
        route = "sso_oidc_login"
    elif protocol == "saml" and saml_cfg.enabled:
        route = "sso_saml_login"
    else:
        return None
    return f"{reverse(route)}?{urlencode({'reauth': '1', 'next': next_path}, safe='/')}"
