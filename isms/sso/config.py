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

SAML 2.0 (docs/sso.md lists every SAML_* variable): on when the identity provider's
metadata is given, as a file (SAML_IDP_METADATA_FILE) or a URL (SAML_IDP_METADATA_URL).
The role, user-creation and MFA rules above (SSO_*) apply to both protocols.
"""

from __future__ import annotations

import shutil
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


@dataclass(frozen=True)
class SAMLConfig:
    """The SAML service provider's settings; `enabled` is false without IdP metadata.
    The attribute names play the role of OIDC's claim names (an empty username
    attribute means the NameID is the username)."""

    metadata_file: str
    metadata_url: str
    idp_entity_id: str
    sp_entity_id: str
    acs_url: str
    sls_url: str
    key_file: str
    cert_file: str
    username_claim: str
    email_claim: str
    groups_claim: str
    role_groups: dict[str, frozenset[str]]
    create_users: bool
    mfa_contexts: frozenset[str]
    metadata_cache: int
    xmlsec1: str
    timeout: int

    @property
    def enabled(self) -> bool:
        return bool(self.metadata_file or self.metadata_url)

    @property
    def signs(self) -> bool:
        """Whether the SP has a key pair: requests and logout messages are then signed."""
        return bool(self.key_file and self.cert_file)


def saml() -> SAMLConfig:
    """The current SAML configuration (read from settings, so tests may override them)."""
    base = settings.SITE_URL.rstrip("/")
    return SAMLConfig(
        metadata_file=settings.SAML_IDP_METADATA_FILE or "",
        metadata_url=settings.SAML_IDP_METADATA_URL or "",
        idp_entity_id=settings.SAML_IDP_ENTITY_ID or "",
        sp_entity_id=settings.SAML_SP_ENTITY_ID,
        acs_url=f"{base}/sso/saml/acs/",
        sls_url=f"{base}/sso/saml/sls/",
        key_file=settings.SAML_SP_KEY_FILE or "",
        cert_file=settings.SAML_SP_CERT_FILE or "",
        username_claim=settings.SAML_USERNAME_ATTRIBUTE or "",
        email_claim=settings.SAML_EMAIL_ATTRIBUTE,
        groups_claim=settings.SAML_GROUPS_ATTRIBUTE,
        role_groups=oidc().role_groups,
        create_users=settings.SSO_CREATE_USERS,
        mfa_contexts=frozenset(settings.SAML_MFA_CONTEXTS),
        metadata_cache=settings.SAML_METADATA_CACHE,
        xmlsec1=settings.SAML_XMLSEC1 or shutil.which("xmlsec1") or "",
        timeout=settings.SSO_TIMEOUT,
    )
