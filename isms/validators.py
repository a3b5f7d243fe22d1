"""Validators that Django does not ship: passwords, and single-line titles and names."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Refuse passwords longer than max_length (ASVS accepts up to 128 characters)."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: at most %(max)d characters."),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return _("Your password can be at most %(max)d characters.") % {"max": self.max_length}


# C0 and C1 control characters (line feed, carriage return, tab, NUL, escape...) and the
# Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_single_line(value: str) -> None:
    """Refuse a title or name holding a line break or another control character: it
    would break the e-mail subjects, exports, logs and one-line displays it goes into.
    Every title/name field of the models carries it, so forms, API serializers, imports
    and services that validate the model refuse the same values."""
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other control characters."),
            code="control_characters",
        )
