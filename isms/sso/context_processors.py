"""Template context for single sign-on: whether the OIDC and SAML buttons are shown."""

from isms.sso import config


def sso(request):
    return {
        "SSO_OIDC_ENABLED": config.oidc().enabled,
        "SSO_SAML_ENABLED": config.saml().enabled,
    }
