"""Template helpers of the security checks: severity and status badges, and the
findings panels shown on asset and resource pages."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from assets.aws.checks import Severity
from assets.models.findings import FindingStatus
from isms.templatetags.isms_ui import usd

register = template.Library()

SEVERITY_COLOURS = {
    "critical": "red",
    "high": "orange",
    "medium": "yellow",
    "low": "azure",
    "info": "secondary",
}
STATUS_STYLE = {
    "open": ("red", "bi-exclamation-octagon"),
    "resolved": ("green", "bi-check-circle"),
    "muted": ("secondary", "bi-bell-slash"),
    "not_evaluated": ("purple", "bi-question-circle"),
}
PANEL_LIMIT = 20


@register.simple_tag
def severity_badge(severity):
    label = Severity(severity).label if severity in Severity.values else severity
    return format_html(
        '<span class="badge bg-{}-lt">{}</span>', SEVERITY_COLOURS.get(severity, "secondary"), label
    )


@register.simple_tag
def finding_status_badge(status):
    colour, icon = STATUS_STYLE.get(status, ("secondary", "bi-circle"))
    label = FindingStatus(status).label if status in FindingStatus.values else status
    return format_html(
        '<span class="badge bg-{}-lt"><i class="bi {} me-1" aria-hidden="true"></i>{}</span>',
        colour,
        icon,
        label,
    )


@register.filter
def severity_colour(severity):
    return SEVERITY_COLOURS.get(severity, "secondary")


def _panel(context, queryset, *, empty: str, more_url: str):
    from assets.findings import selectors
    from assets.permissions import can_view_findings

    if not can_view_findings(context["request"].user):
        return {"allowed": False}
    active = queryset.exclude(status=FindingStatus.RESOLVED)
    findings = list(selectors.findings_for_list(active)[: PANEL_LIMIT + 1])
    return {
        "allowed": True,
        "findings": findings[:PANEL_LIMIT],
        "more": len(findings) > PANEL_LIMIT,
        "more_url": more_url,
        "empty": empty,
    }


@register.inclusion_tag("assets/findings/partials/findings_card.html", takes_context=True)
def asset_findings(context, asset):
    """The open (and muted, and not evaluated) findings of the asset's resources."""
    from django.urls import reverse

    from assets.models import Finding

    return _panel(
        context,
        Finding.objects.filter(resource__links__asset=asset),
        empty=_("No open finding on the AWS resources of this asset."),
        more_url=f"{reverse('assets:finding_list')}?asset={asset.pk}",
    )


@register.inclusion_tag("assets/findings/partials/findings_card.html", takes_context=True)
def resource_findings(context, resource):
    """The findings of one resource that are not resolved."""
    from django.urls import reverse

    from assets.models import Finding

    return _panel(
        context,
        Finding.objects.filter(resource=resource),
        empty=_("Every check passes on this resource."),
        more_url=f"{reverse('assets:finding_list')}?resource={resource.pk}",
    )


@register.filter
def finding_at_stake(value):
    """A finding's value at stake: $ when its resource is linked to assets; otherwise
    "unowned, value unknown" (never $0, which would read as "nothing at stake")."""
    if value is None:
        return _("unowned, value unknown")
    return usd(value)
