"""Template context shared by every page."""

from django.conf import settings

from isms import roles


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "user_roles": roles.roles_of(user) if user is not None else [],
    }
