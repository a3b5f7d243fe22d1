"""Template helpers of the AWS connector: status badges and configurations rendered as
readable nested lists (every value escaped)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assets.choices import PartitionStatus, SyncStatus

register = template.Library()

STATUS_COLOURS = {
    "queued": ("secondary", "bi-hourglass"),
    "running": ("blue", "bi-arrow-repeat"),
    "succeeded": ("green", "bi-check-circle-fill"),
    "partial": ("yellow", "bi-exclamation-triangle-fill"),
    "failed": ("red", "bi-x-circle-fill"),
    "ok": ("green", "bi-plug-fill"),
    "untested": ("secondary", "bi-question-circle"),
}
MAX_DEPTH = 8


def _status_label(status):
    """The translated word of a run or partition status (the value, capitalised, if unknown)."""
    labels = {**dict(PartitionStatus.choices), **dict(SyncStatus.choices)}
    return labels.get(status) or str(status).capitalize()


@register.simple_tag
def aws_status(status, label=None):
    """A badge for a run, partition or connection status (icon + word, not colour alone)."""
    colour, icon = STATUS_COLOURS.get(status, ("secondary", "bi-circle"))
    return format_html(
        '<span class="badge bg-{}-lt"><i class="bi {} me-1" aria-hidden="true"></i>{}</span>',
        colour,
        icon,
        label or _status_label(status),
    )


def _render(value, depth: int):
    if depth > MAX_DEPTH:
        return format_html("<code>{}</code>", str(value)[:200])
    if isinstance(value, dict):
        if not value:
            return mark_safe('<span class="text-secondary">{}</span>')  # noqa: S308 - constant
        items = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((key, _render(item, depth + 1)) for key, item in value.items()),
        )
        return format_html('<dl class="aws-config">{}</dl>', items)
    if isinstance(value, list):
        if not value:
            return mark_safe('<span class="text-secondary">[]</span>')  # noqa: S308 - constant
        items = format_html_join("", "<li>{}</li>", ((_render(v, depth + 1),) for v in value))
        return format_html('<ol class="aws-config-list">{}</ol>', items)
    if value is None:
        return format_html('<span class="text-secondary">{}</span>', _("not set"))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return format_html("<code>{}</code>", value)


@register.simple_tag
def config_tree(value):
    """A resource's configuration as nested definition lists."""
    return _render(value, 0)


@register.inclusion_tag("assets/aws/partials/asset_panel.html", takes_context=True)
def aws_asset_panel(context, asset):
    """The asset page's AWS panel, rendered in place (no script needed)."""
    from assets.aws import selectors

    request = context["request"]
    return {
        **selectors.asset_panel(request.user, asset),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
