"""Template filter of the public answer page."""

from django import template

register = template.Library()


@register.filter
def get_answer(mapping, key):
    """`mapping[key]` or "" (answers and errors keyed by question id)."""
    return mapping.get(key, "") if mapping else ""
