"""Two-factor services: enrol an authenticator app, confirm it, recovery codes,
verification at sign-in, switching two-factor off."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from isms import audit, security_log

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


def has_device(user) -> bool:
    """Whether `user` has enrolled (a confirmed authenticator app)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def secret_base32(device: TOTPDevice) -> str:
    """The shared secret as typed into an app by hand (base32, in groups of four)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """Begin enrolment: a new, unconfirmed authenticator device for `user` (any earlier
    unconfirmed one is discarded). The confirmed device, if any, keeps working."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Finish enrolment: `code` from the app proves the secret was copied. The device
    replaces any earlier one, fresh recovery codes are made (returned in clear, to be
    shown once), and the session counts as verified."""
    code = (code or "").replace(" ", "")
    if device.confirmed or not device.verify_token(code):
        raise ValidationError({"code": "That code is not right. Check the app and try again."})
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    audit.record(user, message="Two-factor authentication enabled")
    otp_login(request, device)
    security_log.event("2fa.enrolled", request, user=user)
    return codes


@transaction.atomic
def recovery_codes_generate(*, request, user) -> list[str]:
    """Replace `user`'s recovery codes with ten new ones; the old ones stop working."""
    if not has_device(user):
        raise ValidationError("Set up two-factor authentication first.")
    codes = _recovery_codes_replace(user)
    audit.record(user, message="Two-factor recovery codes regenerated")
    security_log.event("2fa.recovery_codes_regenerated", request, user=user)
    return codes


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: its SHA-256, cut to the 16 characters of
    django-otp's token column. The codes carry 120 random bits, so a fast hash is
    enough (ASVS: lookup secrets of 112 bits or more may use SHA-256); a stolen
    database yields no usable code."""
    normal = re.sub(r"[^a-z2-7]", "", code.lower())
    return base64.urlsafe_b64encode(hashlib.sha256(normal.encode()).digest()[:12]).decode()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode().lower()  # 24 chars, 120 bits
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _recovery_codes_replace(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def twofactor_verify(*, request, code: str):
    """The sign-in step after the password: a six-digit code from the app, or one
    recovery code (used up). Returns the device that matched, or None. Devices throttle
    repeated failures themselves (growing delays)."""
    user = request.user
    code = (code or "").replace(" ", "").lower()
    if _TOTP_CODE.match(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        code = recovery_code_digest(code)
    for device in devices.select_for_update():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            security_log.event("2fa.throttled", request, level=logging.WARNING)
            raise ValidationError(
                {"code": "Too many wrong codes in a row. Wait a few seconds, then try again."}
            )
        if device.verify_token(code):
            otp_login(request, device)
            kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
            security_log.event("2fa.verified", request, method=kind)
            if kind == "recovery_code":
                left = device.token_set.count()
                audit.record(user, message=f"Recovery code used ({left} left)")
            return device
    security_log.event("2fa.failure", request, level=logging.WARNING)
    return None


@transaction.atomic
def twofactor_disable(*, request, user) -> None:
    """Remove `user`'s authenticator and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(user, message="Two-factor authentication disabled")
    security_log.event("2fa.disabled", request, user=user)
