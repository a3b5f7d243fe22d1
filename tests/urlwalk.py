"""Walk the whole URLconf: every route with sample arguments, for access-control tests."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_VALUES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "sample/path",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced name, or the pattern when unnamed
    path: str  # a concrete path with sample arguments


def _converter_sample(converter) -> str:
    name = type(converter).__name__.lower().replace("converter", "")
    return SAMPLE_VALUES.get(name, "1")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + _render(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield Route(name=name, path="/" + prefix + _render(entry.pattern))


def _render(pattern) -> str:
    """A concrete path for a route pattern (path() style or regex)."""
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        for key, converter in pattern.converters.items():
            text = re.sub(rf"<(?:\w+:)?{key}>", _converter_sample(converter), text)
        return text
    if isinstance(pattern, RegexPattern):
        text = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
        text = re.sub(r"\(\?P<format>[^)]*\)", "", text)  # optional format suffixes
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
        text = text.replace("\\.", ".").replace("\\", "")
        return text.replace("?", "")
    return str(pattern)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
