"""The catalogue: every check registers itself here with `@check(...)`, in the order
docs/checks.md lists them."""

from __future__ import annotations

from assets.aws.checks.base import Check

CATALOGUE: dict[str, Check] = {}


def check(**entry):
    """Register the decorated function as the `evaluate` of a catalogue entry."""

    def register(function):
        found = Check(evaluate=function, **entry)
        if found.id in CATALOGUE:
            raise ValueError(f"Two checks have the id {found.id}.")
        CATALOGUE[found.id] = found
        return function

    return register
