"""The signed-in user's own account: role, password, two-factor, personal API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import reauth, security_log, services
from isms.forms import ApiTokenForm, PasswordChangeForm
from isms.models import ApiToken
from isms.twofactor.services import has_device


def profile(request):
    """Show the user's roles and tokens; POST creates a token (after a recent password
    confirmation) and shows it once."""
    if request.method == "POST":
        return _token_create(request)
    return _render(request, ApiTokenForm())


@reauth.reauth_required
def _token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form)
    _, new_token = services.api_token_create(
        user=request.user,
        name=form.cleaned_data["name"],
        expires_at=form.cleaned_data["expires_at"],
    )
    messages.success(request, "Token created. Copy it now: it will not be shown again.")
    return _render(request, ApiTokenForm(), new_token=new_token)


def _render(request, form, new_token=None):
    return render(
        request,
        "isms/account.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "new_token": new_token,
            "twofactor_on": has_device(request.user),
        },
    )


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the current password is checked through the lockout
    (see `PasswordChangeForm`) and the change is in the security log."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.event("password.change", self.request)
        return response
