"""Where to send the user back to: the one check for every redirect target that comes
from the request (a `next` field or parameter), so none leads off-site."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default: str = "dashboard", *, field: str = "next") -> str:
    """The request's `next` (POST first, then the query string) when it points into
    this site, else `default` (a URL name or a path). Off-site targets
    (`https://evil.example`, `//evil.example`, `/\\evil.example`, other schemes) fall
    back to the default, as Django's own login view does."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)
