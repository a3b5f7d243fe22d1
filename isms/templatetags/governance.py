"""Template helpers of governance: approval state badges."""

from django import template
from django.utils.html import format_html

from isms.models.approvals import ApprovalState

register = template.Library()

COLOURS = {
    ApprovalState.DRAFT: ("secondary", "bi-pencil"),
    ApprovalState.IN_REVIEW: ("yellow", "bi-hourglass-split"),
    ApprovalState.APPROVED: ("green", "bi-patch-check-fill"),
    ApprovalState.CHANGES_REQUESTED: ("orange", "bi-arrow-return-left"),
    ApprovalState.REJECTED: ("red", "bi-x-octagon"),
    ApprovalState.SUPERSEDED: ("azure", "bi-archive"),
}


@register.simple_tag
def approval_badge(state):
    """A coloured badge with icon and label for an approval state."""
    colour, icon = COLOURS.get(state, ("secondary", "bi-circle"))
    try:
        label = ApprovalState(state).label
    except ValueError:
        label = state
    return format_html(
        '<span class="badge bg-{}-lt"><i class="bi {} me-1" aria-hidden="true"></i>{}</span>',
        colour,
        icon,
        label,
    )


@register.simple_tag
def content_type_id(obj):
    """The content type id of `obj`, for links to its audit history."""
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj, for_concrete_model=True).pk
