"""What other apps link to a person, shown on the people pages without `isms` importing
those apps (DESIGN.md: `isms` never imports `assets` or `risks`).

An entry is `provider(person_ids) -> {person_id: [text, ...]}`, one or two queries for
all the people of a page together; `assets` registers the personnel assets that link to
each person (`Asset.person`) from its AppConfig.ready().
"""

from collections.abc import Callable, Iterable

from isms.registry import Registry

Provider = Callable[[Iterable[int]], dict[int, list[str]]]

providers: Registry[Provider, Provider] = Registry("person links")


def linked(person_ids: Iterable[int]) -> dict[int, list[str]]:
    """Everything the registered providers link to each of `person_ids`."""
    ids = list(person_ids)
    out: dict[int, list[str]] = {}
    for provider in providers:
        for person_id, texts in provider(ids).items():
            out.setdefault(person_id, []).extend(texts)
    return out
