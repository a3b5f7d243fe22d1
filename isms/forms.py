"""Forms of the governance core."""

from django import forms
from django.contrib.auth import forms as auth_forms

from isms.models import ApiToken


class LoginForm(auth_forms.AuthenticationForm):
    """The sign-in form, with autocomplete hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    pass


class ApiTokenForm(forms.ModelForm):
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        help_text="Leave empty for a token that does not expire (not recommended).",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "expires_at"]
