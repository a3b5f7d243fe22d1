"""Template tags for single sign-on re-authentication (the confirm-password page and
the approval decision form)."""

from django import template

from isms import reauth
from isms.sso import services

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_reauth_url(context, next_path: str = ""):
    """The URL that re-authenticates the signed-in user at their identity provider and
    returns to `next_path` (the current page by default), or "" without SSO."""
    request = context.get("request")
    if request is None:
        return ""
    return services.reauth_url(request, next_path or request.get_full_path()) or ""


@register.simple_tag(takes_context=True)
def sso_confirmed(context) -> bool:
    """Whether the identity provider re-authenticated the user recently, and that
    confirmation has not been used for a decision yet."""
    request = context.get("request")
    return request is not None and reauth.has_idp_confirmation(request)
