"""OpenID Connect configuration, read once from environment variables.

OIDC_ISSUER            the provider's issuer URL (discovery: <issuer>/.well-known/...)
OIDC_CLIENT_ID         the client registered for this ISMS
OIDC_CLIENT_SECRET     its secret (confidential client; PKCE is used in addition)
OIDC_SCOPES            default "openid email profile groups"
OIDC_USERNAME_CLAIM    default "preferred_username"
OIDC_EMAIL_CLAIM       default "email"
OIDC_GROUPS_CLAIM      default "groups"
SSO_ROLE_SECURITY_MANAGER, SSO_ROLE_MANAGEMENT, SSO_ROLE_AUDITOR
                       comma-separated IdP group names that give each role
SSO_CREATE_USERS       create unknown users at first sign-in (default false)
SSO_MFA_AMR            amr values that count as multi-factor (default "mfa,otp,hwk,swk,fido")
SSO_LOCAL_LOGIN        "all" (default) or "superusers": who may still use a password
SSO_TIMEOUT            seconds for calls to the provider (default 5)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from isms import roles


@dataclass(frozen=True)
class OIDCConfig:
    """The provider settings the sign-in uses; `enabled` is false without an issuer."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    username_claim: str
    email_claim: str
    groups_claim: str
    role_groups: dict[str, frozenset[str]]
    create_users: bool
    mfa_amr: frozenset[str]
    timeout: int

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


def oidc() -> OIDCConfig:
    """The current configuration (read from settings, so tests may override them)."""
    return OIDCConfig(
        issuer=(settings.OIDC_ISSUER or "").rstrip("/"),
        client_id=settings.OIDC_CLIENT_ID or "",
        client_secret=settings.OIDC_CLIENT_SECRET or "",
        scopes=settings.OIDC_SCOPES,
        username_claim=settings.OIDC_USERNAME_CLAIM,
        email_claim=settings.OIDC_EMAIL_CLAIM,
        groups_claim=settings.OIDC_GROUPS_CLAIM,
        role_groups={
            roles.SECURITY_MANAGER: frozenset(settings.SSO_ROLE_SECURITY_MANAGER),
            roles.MANAGEMENT: frozenset(settings.SSO_ROLE_MANAGEMENT),
            roles.AUDITOR: frozenset(settings.SSO_ROLE_AUDITOR),
        },
        create_users=settings.SSO_CREATE_USERS,
        mfa_amr=frozenset(settings.SSO_MFA_AMR),
        timeout=settings.SSO_TIMEOUT,
    )
