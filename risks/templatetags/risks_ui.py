"""Template helpers of the risk register: level badges coloured by CSS class."""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def risk_level(scale, rank, empty="—"):
    """A badge naming the level of `rank` in `scale`, coloured by its CSS class."""
    level = scale.level(rank) if scale is not None else None
    if level is None:
        return format_html('<span class="text-secondary">{}</span>', empty)
    return format_html(
        '<span class="badge risk-level risk-level-{}" data-level-rank="{}">{}</span>',
        level["colour"],
        rank,
        level["name"],
    )


@register.simple_tag
def level_colour(scale, likelihood, impact):
    """The colour class of a matrix cell (for heatmaps)."""
    if scale is None:
        return ""
    return "risk-level-" + scale.level(scale.level_rank(likelihood, impact))["colour"]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


def cell_options(scale, users, statuses, treatments) -> dict[str, list[tuple[str, str]]]:
    """The (value, escaped label) choices of every inline editor, built once per page."""

    def build(items, blank=True):
        items = [("", "—")] + items if blank else items
        return [(escape(v), escape(label)) for v, label in items]

    result = {
        "owner": build([(str(u.pk), str(u)) for u in users]),
        "status": build([(str(v), str(label)) for v, label in statuses], blank=False),
        "treatment": build([(str(v), str(label)) for v, label in treatments]),
        "likelihood": [],
        "impact": [],
    }
    if scale is not None:
        result["likelihood"] = build(
            [(str(i["value"]), f"{i['value']} · {i['name']}") for i in scale.likelihoods]
        )
        result["impact"] = build(
            [(str(i["value"]), f"{i['value']} · {i['name']}") for i in scale.impacts]
        )
    return result


@register.simple_tag(takes_context=True)
def cell_select(context, risk, field, label, kind):
    """An inline editor of one register cell: changing it posts the value (with the
    version the user saw) and swaps the row for the re-rendered one. Built in Python,
    not with an include per cell: the register renders hundreds of them."""
    current = getattr(risk, f"{field}_id" if field == "owner" else field)
    current = "" if current is None else str(current)
    url = reverse("risks:risk_inline", args=[risk.pk])
    cols = context.get("cols_query", "")
    if cols:
        url = f"{url}?{cols}"
    options = "".join(
        f'<option value="{value}"{" selected" if value == current else ""}>{text}</option>'
        for value, text in context["cell_options"][kind]
    )
    return mark_safe(  # noqa: S308 - every part is escaped above or below
        f'<select class="form-select form-select-sm cell-edit" name="value" '
        f'aria-label="{escape(label)} of {escape(risk.ref)}" hx-post="{escape(url)}" '
        f'hx-trigger="change" hx-target="closest tr" hx-swap="outerHTML" '
        f'hx-vals=\'{{"field": "{escape(field)}", "version": "{risk.version}"}}\'>'
        f"{options}</select>"
    )
