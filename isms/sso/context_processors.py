"""Template context for single sign-on: whether the OIDC button is shown."""

from isms.sso import config


def sso(request):
    return {"SSO_OIDC_ENABLED": config.oidc().enabled}
