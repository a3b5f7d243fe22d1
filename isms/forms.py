"""Forms of the governance core."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from isms import reauth, security_log, services
from isms.models import ApiToken


class LoginForm(auth_forms.AuthenticationForm):
    """The sign-in form, with autocomplete hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user):
        """With SSO_LOCAL_LOGIN=superusers only break-glass administrators may use a
        password; everyone else signs in through the identity provider (docs/sso.md)."""
        super().confirm_login_allowed(user)
        if settings.SSO_LOCAL_LOGIN == "superusers" and not user.is_superuser:
            security_log.event(
                "login.local_disabled", self.request, level=logging.WARNING, username=user.username
            )
            raise forms.ValidationError(
                _("Sign in with your organisation's single sign-on."), code="sso_only"
            )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, with the current password checked through
    `isms.reauth`: a wrong guess is security-logged and counts towards the same lockout
    as a failed sign-in, so the form is no way to guess a password without limit."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if self.request is None or not reauth.reauth_confirm(self.request, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ApiTokenForm(forms.ModelForm):
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        help_text="Leave empty for the default lifetime; every token expires.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "expires_at"]

    def clean_expires_at(self):
        try:
            return services.api_token_expiry(self.cleaned_data.get("expires_at"))
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["expires_at"]) from exc


def call_service(form, call):
    """Run `call()` (a service) for a valid `form`; its result, or None after putting the
    service's ValidationError on the form's fields (or the form) for the page to show."""
    from django.core.exceptions import ValidationError

    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
