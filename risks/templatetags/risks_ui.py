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


class CellOptions:
    """The choices of every inline editor of one register page, and the <option> lists
    built from them.

    A page of 50 rows for a security manager holds 250 editors, and the owner menu alone
    lists every active user: joining the options per cell was a quarter of the page's
    CPU time. The options of a (menu, selected value) pair are joined once and reused,
    and each row's inline-edit URL is reversed once for its five editors. One instance
    lives for one request (built by the view), so nothing goes stale.
    """

    def __init__(self, choices: dict[str, list[tuple[str, str]]]):
        self.choices = choices
        self._html: dict[tuple[str, str], str] = {}
        self._urls: dict[int, str] = {}

    def __getitem__(self, kind):
        return self.choices[kind]

    def options_html(self, kind: str, current: str) -> str:
        key = (kind, current)
        if key not in self._html:
            self._html[key] = "".join(
                f'<option value="{value}"{" selected" if value == current else ""}>{text}</option>'
                for value, text in self.choices[kind]
            )
        return self._html[key]

    def inline_url(self, pk: int) -> str:
        if pk not in self._urls:
            self._urls[pk] = reverse("risks:risk_inline", args=[pk])
        return self._urls[pk]


def cell_options(scale, users, statuses, treatments) -> CellOptions:
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
    return CellOptions(result)


@register.simple_tag(takes_context=True)
def cell_select(context, risk, field, label, kind):
    """An inline editor of one register cell: changing it posts the value (with the
    version the user saw) and swaps the row for the re-rendered one. Built in Python,
    not with an include per cell: the register renders hundreds of them."""
    current = getattr(risk, f"{field}_id" if field == "owner" else field)
    current = "" if current is None else str(current)
    options = context["cell_options"]
    url = options.inline_url(risk.pk)
    cols = context.get("cols_query", "")
    if cols:
        url = f"{url}?{cols}"
    error = context.get("error") if context.get("error_field") == field else None
    described = ""
    message = ""
    if error:
        # The refusal beside the cell that was changed, in words (issue 20.5).
        error_id = f"risk-{risk.pk}-{field}-error"
        described = f' aria-invalid="true" aria-describedby="{error_id}"'
        message = (
            f'<div class="alert alert-danger small inline-error mt-1 mb-0" role="alert" '
            f'id="{error_id}">{escape(error)}</div>'
        )
    return mark_safe(  # noqa: S308 - every part is escaped above or below
        f'<select class="form-select form-select-sm cell-edit" name="value" '
        f'aria-label="{escape(label)} of {escape(risk.ref)}" hx-post="{escape(url)}" '
        f'hx-trigger="change" hx-target="closest tr" hx-swap="outerHTML" '
        f'hx-vals=\'{{"field": "{escape(field)}", "version": "{risk.version}"}}\'{described}>'
        f"{options.options_html(kind, current)}</select>{message}"
    )
