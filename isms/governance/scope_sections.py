"""Sections of the scope's approved content that other registers contribute (issue 14:
the interested parties linked to a scope version, from `isms.context`).

An entry is `ScopeSection(key, title, render, freeze)`. `render(version)` returns the
section's text, or None to leave the section out; `freeze(version)` is called when the
version is submitted for approval, in the submission's transaction, and keeps the text
so that a version in review or approved keeps rendering what was submitted, whatever
happens to the linked records afterwards: the hashed content (`canonical_text`), the
approved hash and the version page show what was approved.
"""

from collections.abc import Callable
from dataclasses import dataclass

from isms.registry import Registry


@dataclass(frozen=True)
class ScopeSection:
    key: str
    title: str
    render: Callable[[object], str | None]
    freeze: Callable[[object], None]


sections: Registry[str, ScopeSection] = Registry("scope sections", key=lambda s: s.key)


def rendered(version) -> list[tuple[str, str]]:
    """(title, text) of each registered section the version has."""
    out = []
    for section in sections:
        text = section.render(version)
        if text is not None:
            out.append((section.title, text))
    return out


def freeze_all(version) -> None:
    for section in sections:
        section.freeze(version)
