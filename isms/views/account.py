"""The signed-in user's own account: role, password, personal API tokens."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import services
from isms.forms import ApiTokenForm
from isms.models import ApiToken


def profile(request):
    """Show the user's roles and tokens; POST creates a token and shows it once."""
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data["expires_at"],
        )
        messages.success(request, "Token created. Copy it now: it will not be shown again.")
        form = ApiTokenForm()
    tokens = request.user.api_tokens.all()
    return render(
        request, "isms/account.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("account")
