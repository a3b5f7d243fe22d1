"""Two-factor pages (overview, enrolment, the sign-in step, recovery codes, switching
off) and the "Confirm your password" page of re-authentication. Thin: forms validate,
`isms.twofactor.services` and `isms.reauth` do the work."""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from isms import reauth
from isms.redirects import safe_next_url
from isms.twofactor import services, state
from isms.twofactor.forms import CodeForm, PasswordConfirmForm


def _next_url(request, default="dashboard"):
    """The `next` parameter when it points back into this site, else `default`."""
    return safe_next_url(request, default)


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code, drawn on the server (no script, no style)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # The SVG comes from our own generator; the only user data is encoded in the pixels.
    labelled = svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1)
    return mark_safe(labelled)  # noqa: S308  # nosec B308 B703


def overview(request):
    """Whether two-factor is on, how many recovery codes are left, and the actions."""
    user = request.user
    enrolled = services.has_device(user)
    codes_left = (
        StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
        if enrolled
        else 0
    )
    return render(
        request,
        "isms/twofactor/overview.html",
        {"enrolled": enrolled, "codes_left": codes_left, "required": state.is_required(user)},
    )


@reauth.reauth_required
def setup(request):
    """Enrol an authenticator app: scan the code (or type the secret), then confirm
    with the first code it shows. Shows the recovery codes once on success."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            state.refresh(request, request.user)
            return render(
                request,
                "isms/twofactor/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    return render(
        request,
        "isms/twofactor/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": services.secret_base32(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "next": request.GET.get("next", ""),
            "forced": request.session.get(state.SESSION_KEY) == state.ENROL,
        },
    )


def verify(request):
    """The sign-in step after the password, for users who have enrolled."""
    if request.session.get(state.SESSION_KEY) != state.VERIFY:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None, recovery_allowed=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.twofactor_verify(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if device is not None:
                request.session.pop(state.SESSION_KEY, None)
                return redirect(_next_url(request))
            form.add_error("code", "That code is not right. Try the current one.")
    return render(
        request,
        "isms/twofactor/verify.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
    )


@require_POST
@reauth.reauth_required(return_to="twofactor")
def recovery_codes(request):
    """Replace the recovery codes and show the new ones once."""
    try:
        codes = services.recovery_codes_generate(request=request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("twofactor")
    context = {"codes": codes, "next": "", "first_time": False}
    return render(request, "isms/twofactor/recovery_codes.html", context)


@require_POST
@reauth.reauth_required(return_to="twofactor")
def disable(request):
    """Switch two-factor off, unless the user's role requires it."""
    if state.is_required(request.user):
        messages.error(request, "Your role requires two-factor authentication; it stays on.")
        return redirect("twofactor")
    services.twofactor_disable(request=request, user=request.user)
    state.refresh(request, request.user)
    messages.success(request, "Two-factor authentication is off.")
    return redirect("twofactor")


def confirm_password(request):
    """Re-authentication: the password again before a sensitive action."""
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if reauth.reauth_confirm(request, form.cleaned_data["password"]):
            return redirect(_next_url(request))
        form.add_error("password", "That is not your password.")
    return render(
        request,
        "isms/twofactor/confirm_password.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
    )
