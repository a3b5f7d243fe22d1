"""The catalogue: every check registers itself here with `@check(...)`, in the order
docs/checks.md lists them."""

from __future__ import annotations

from assets.aws.checks.base import Check
from isms.registry import Registry

# check id -> Check; a second check with a taken id is refused (AlreadyRegistered).
CATALOGUE: Registry[str, Check] = Registry("AWS checks", key=lambda check: check.id)


def check(**entry):
    """Register the decorated function as the `evaluate` of a catalogue entry."""

    def register(function):
        CATALOGUE.register(Check(evaluate=function, **entry))
        return function

    return register
