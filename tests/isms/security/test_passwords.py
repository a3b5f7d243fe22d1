"""Password storage and rules (Argon2, 12 to 128 characters, common passwords refused),
and the security settings refusing a malformed value."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import isms.settings as production


def test_passwords_are_hashed_with_argon2_in_production():
    # tests/settings.py swaps in a fast hasher; the product's first hasher is Argon2.
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("Sh0rt-pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("x7#" * 43, "at most 128 characters"),
    ],
)
def test_weak_or_oversized_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(message in text for text in error.value.messages), error.value.messages


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["plum-ferry-lantern", "p" + "q7#" * 42 + "z"])
def test_long_passphrases_are_accepted(password):
    assert len(password) <= 128
    validate_password(password)


def test_a_misspelt_two_factor_role_stops_start_up(tmp_path):
    from tests.isms.test_settings import run_check

    result = run_check(ISMS_VAR_DIR=str(tmp_path), DEBUG="true", REQUIRE_2FA_FOR="managment")
    assert result.returncode != 0
    assert "REQUIRE_2FA_FOR must list" in result.stderr.strip().splitlines()[-1]
