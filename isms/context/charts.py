"""Server-rendered SVG trend lines (no charting library, no CDN): the points of a
measure's series and its target, scaled into a small view box."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 240, 60, 6


@dataclass(frozen=True)
class Trend:
    points: str  # "x,y x,y ..." for <polyline>
    target_y: float
    dots: list  # [(x, y, label)]


def trend(values: list, labels: list[str], target) -> Trend | None:
    """The polyline of `values` (oldest first) and the y of `target`, or None if empty."""
    if not values:
        return None
    low = min([*values, target])
    high = max([*values, target])
    span = float(high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value) -> float:
        return round(HEIGHT - PAD - (float(value - low) / span) * (HEIGHT - 2 * PAD), 1)

    dots = [
        (round(PAD + i * step, 1), y(v), f"{label}: {v}")
        for i, (v, label) in enumerate(zip(values, labels, strict=True))
    ]
    return Trend(" ".join(f"{x},{yy}" for x, yy, _ in dots), y(target), dots)
