"""The language switcher: remembers the choice in a cookie and, for a signed-in user,
as their preference (User.language), then goes back to the page."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


@login_not_required
@require_POST
def set_language(request):
    """POST `language` (a code of LANGUAGES) and `next` (a path on this site)."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
