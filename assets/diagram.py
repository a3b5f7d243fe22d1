"""The dependency graph of one asset, drawn server-side as SVG.

What depends on the asset is drawn above it, what it depends on below, a few levels
each way, with the $ value and the value at stake in every box. A level with many
assets wraps onto several lines of at most `PER_LINE` boxes, so the picture keeps a
readable width however big the hub (issue 20.7); the page zooms and pans it
(static/assets/assets.js) and `dependency_outline` gives the same levels as a list. The picture uses
presentation attributes (fill=, stroke=) and CSS classes only: the CSP forbids inline
style. Nodes link to their asset's page.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assets.models import Asset, AssetDependency
from assets.permissions import visible_assets

NODE_W, NODE_H = 190, 58
GAP_X, GAP_Y = 24, 46
PAD = 16
MAX_PER_LEVEL = 24
PER_LINE = 4
COLOURS = {
    "essential": ("#e8f0fb", "#206bc4"),
    "support": ("#eef7ee", "#2fb344"),
}


@dataclass
class Node:
    asset: Asset
    level: int
    x: int = 0
    y: int = 0


def _walk(start: int, direction: str, depth: int, allowed: set[int] | None = None):
    """Levels of ids (1..depth) and the edges seen, following one direction; only
    through the assets in `allowed` (None: every asset)."""
    here, there = (
        ("dependent_id", "dependency_id")
        if direction == "down"
        else ("dependency_id", "dependent_id")
    )
    seen = {start}
    levels: list[list[int]] = []
    edges: set[tuple[int, int]] = set()
    hidden = []
    frontier = [start]
    for _ in range(depth):
        pairs = AssetDependency.objects.filter(**{f"{here}__in": frontier}).values_list(here, there)
        nxt = []
        for a, b in pairs:
            if allowed is not None and b not in allowed:
                continue  # not the viewer's to see: neither drawn nor counted
            edge = (a, b) if direction == "down" else (b, a)  # always (dependent, dependency)
            if b not in seen:
                seen.add(b)
                if len(nxt) < MAX_PER_LEVEL:
                    nxt.append(b)
                else:
                    hidden.append(b)
                    continue
            edges.add(edge)
        if not nxt:
            break
        levels.append(sorted(nxt))
        frontier = nxt
    return levels, edges, len(hidden)


def _levels(asset: Asset, depth: int, viewer):
    """(levels above, levels below, edges, hidden above, hidden below) as `viewer`
    may see them: an owner without a role sees the paths through their own assets
    only (assets.permissions.visible_assets)."""
    allowed = None
    if not viewer.has_perm("assets.view_asset"):
        allowed = set(visible_assets(viewer).values_list("pk", flat=True))
    down, down_edges, down_hidden = _walk(asset.pk, "down", depth, allowed)
    up, up_edges, up_hidden = _walk(asset.pk, "up", depth, allowed)
    return up, down, up_edges, down_edges, up_hidden, down_hidden


def dependency_svg(asset: Asset, depth: int = 3, *, viewer) -> str:
    """The picture as `viewer` may see it (see `_levels`)."""
    return dependency_graph(asset, depth, viewer=viewer)[0]


def dependency_graph(asset: Asset, depth: int = 3, *, viewer) -> tuple[str, dict]:
    """(the picture, its levels as lists) as `viewer` may see them (see `_levels`).
    The lists are the accessible alternative beside the picture: {"above": [[asset,
    ...] per level, nearest first], "below": [...]}."""
    up, down, up_edges, down_edges, up_hidden, down_hidden = _levels(asset, depth, viewer)
    levels = [*reversed(up), [asset.pk], *down]
    ids = {pk for row in levels for pk in row}
    assets = Asset.objects.in_bulk(ids)
    outline = {
        "above": [[assets[pk] for pk in row] for row in up],
        "below": [[assets[pk] for pk in row] for row in down],
    }
    # A wide level wraps onto lines of PER_LINE boxes; edges keep the level order.
    rows, level_of_row = [], []
    for index, level in enumerate(levels):
        for start in range(0, len(level), PER_LINE):
            rows.append(level[start : start + PER_LINE])
            level_of_row.append(index)
    width = max(len(r) for r in rows) * (NODE_W + GAP_X) - GAP_X + 2 * PAD
    height = (
        len(rows) * (NODE_H + GAP_Y) - GAP_Y + 2 * PAD + (24 if up_hidden or down_hidden else 0)
    )
    nodes: dict[int, Node] = {}
    for index, row in enumerate(rows):
        row_width = len(row) * (NODE_W + GAP_X) - GAP_X
        x0 = (width - row_width) // 2
        for position, pk in enumerate(row):
            nodes[pk] = Node(
                asset=assets[pk],
                level=level_of_row[index],
                x=x0 + position * (NODE_W + GAP_X),
                y=PAD + index * (NODE_H + GAP_Y),
            )
    parts = [
        f'<svg class="asset-graph" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="asset-graph-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="asset-graph-title">Dependencies of {escape(asset.ref)}: '
        f"{len(up_edges)} above, {len(down_edges)} below</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#667382"/></marker></defs>',
    ]
    for dependent, dependency in sorted(up_edges | down_edges):
        a, b = nodes.get(dependent), nodes.get(dependency)
        if a is None or b is None or a.level >= b.level:
            continue
        if b.y <= a.y:
            continue  # wrapped lines of one level: the outline lists these
        parts.append(
            f'<line x1="{a.x + NODE_W // 2}" y1="{a.y + NODE_H}" x2="{b.x + NODE_W // 2}" '
            f'y2="{b.y - 2}" stroke="#667382" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    for pk, node in nodes.items():
        fill, stroke = COLOURS.get(node.asset.asset_class, COLOURS["support"])
        current = pk == asset.pk
        name = node.asset.name if len(node.asset.name) <= 26 else node.asset.name[:25] + "…"
        parts.append(
            f'<a href="{reverse("assets:asset_detail", args=[pk])}" class="asset-graph-node">'
            f'<rect x="{node.x}" y="{node.y}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if current else 1.2}"/>'
            f'<text x="{node.x + 8}" y="{node.y + 17}" font-size="13" font-weight="700" '
            f'fill="#182433">{escape(node.asset.ref)}</text>'
            f'<text x="{node.x + 8}" y="{node.y + 33}" font-size="12" fill="#182433">'
            f"{escape(name)}</text>"
            f'<text x="{node.x + 8}" y="{node.y + 50}" font-size="11" fill="#49566c">'
            f"${node.asset.value_usd:,.0f} · at stake ${node.asset.value_at_stake_usd:,.0f}"
            "</text></a>"
        )
    if up_hidden or down_hidden:
        parts.append(
            f'<text x="{PAD}" y="{height - 8}" font-size="11" fill="#49566c">'
            f"Not drawn: {up_hidden} more above, {down_hidden} more below "
            "(see the lists under the picture).</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts)), outline  # noqa: S308 - every text in it is escaped above
