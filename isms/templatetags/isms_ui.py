"""Template helpers for the shared look: form widgets, navigation, badges, money."""

import copy
from decimal import Decimal, InvalidOperation

from django import forms, template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from isms import navigation

register = template.Library()


@register.simple_tag
def field_widget(bound_field, **extra):
    """Render a field's widget with the framework's classes and accessibility attributes."""
    widget = bound_field.field.widget
    options_widget = None
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # One form-check per option: the class goes on each box, never on the wrapper
        # (issue 20.6: a wrapper styled as a check box spilled over the Save button).
        options_widget = copy.copy(widget)
        options_widget.template_name = "forms/widgets/choices.html"
        options_widget.option_template_name = "django/forms/widgets/input.html"
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": f"{css} {widget.attrs.get('class', '')}".strip()}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs.update(extra)
    return bound_field.as_widget(widget=options_widget, attrs=attrs)


@register.simple_tag(takes_context=True)
def nav_sections(context):
    """The sidebar, with each item's resolved URL and whether it is the current page."""
    request = context.get("request")
    return navigation.sections(request)


@register.filter
def usd(value):
    """Format a dollar amount: $1,234,567."""
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        return "—"
    return f"${amount:,.0f}"


@register.filter
def number(value):
    """A decimal as a person writes it: 4.0000 -> 4, 0.1000 -> 0.1; "—" when empty."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.simple_tag
def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.simple_tag
def status_badge(status, label=None):
    colours = {"done": "green", "in_progress": "yellow", "todo": "secondary"}
    icons = {
        "done": "bi-check-circle-fill",
        "in_progress": "bi-hourglass-split",
        "todo": "bi-circle",
        "restricted": "bi-lock",
    }
    labels = {
        "done": "Done",
        "in_progress": "In progress",
        "todo": "To do",
        "restricted": "Not shared",
    }
    return format_html(
        '<span class="badge bg-{}-lt"><i class="bi {} me-1" aria-hidden="true"></i>{}</span>',
        colours.get(status, "secondary"),
        icons.get(status, "bi-circle"),
        label or labels.get(status, status),
    )
