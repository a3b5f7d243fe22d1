"""Forms of the two-factor and re-authentication pages: validation only."""

from django import forms


class CodeForm(forms.Form):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label="Authentication code",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery_allowed:
            self.fields[
                "code"
            ].help_text = "The six-digit code your app shows now, or one of your recovery codes."
            self.fields["code"].widget.attrs["inputmode"] = "text"
        else:
            self.fields["code"].help_text = "The six-digit code your app shows now."


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
