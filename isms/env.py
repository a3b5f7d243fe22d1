"""Small helpers that read settings from the environment and fail loudly.

Every setting of the product comes from an environment variable; the demo and
production differ by those values only, never by code path. A missing or malformed
value stops start-up with one line that names the variable (ImproperlyConfigured).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be true or false, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a whole number, not {value!r}."
        ) from None


def envlist(name: str, default: str = "") -> list[str]:
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envintmap(name: str, default: str = "") -> dict[str, int]:
    """`key=number,key=number` as {key: number}, every number a whole number ≥ 1."""
    result = {}
    for item in envlist(name, default):
        key, sep, number = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            result[key.strip().lower()] = int(number)
            if result[key.strip().lower()] < 1:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                f"Environment variable {name} must be key=number pairs (numbers ≥ 1) "
                f"separated by commas, not {item!r}."
            ) from None
    return result
