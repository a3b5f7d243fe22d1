"""Template helpers of the asset inventory: sortable column headers and need labels."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_header(label, field, ordering, sort_query):
    """A column header that sorts by `field`, toggling the direction on a second click,
    with aria-sort for screen readers."""
    if ordering == field:
        target, icon, aria = f"-{field}", "bi-sort-up", "ascending"
    elif ordering == f"-{field}":
        target, icon, aria = field, "bi-sort-down", "descending"
    else:
        target, icon, aria = f"-{field}" if "value" in field else field, "", "none"
    prefix = f"?{sort_query}&" if sort_query else "?"
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="table-sort-link text-reset" href="{}ordering={}">'
        "{}{}</a></th>",
        aria,
        prefix,
        target,
        label,
        format_html(' <i class="bi {}" aria-hidden="true"></i>', icon) if icon else "",
    )


@register.simple_tag
def need_badge(level, label):
    colours = {1: "secondary", 2: "blue", 3: "orange", 4: "red"}
    return format_html(
        '<span class="badge bg-{}-lt" title="{}">{}</span>',
        colours.get(level, "secondary"),
        label,
        level,
    )
