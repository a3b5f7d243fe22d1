"""The methodology's arithmetic, free of the database: presets, validation, scoring and
the mapping used to re-score risks when another methodology version becomes active.

A methodology's content is a plain dict (stored as JSON on the version):

    likelihood: [{value, name, description, aro}]             value 1..n, ascending
    impact:     [{value, name, description, exposure_factor,    value 1..m, ascending
                  min_usd?}]
    levels:     [{key, name, colour, needs_acceptance}]        lowest first
    matrix:     {"<likelihood>x<impact>": level key}           every cell
    acceptance_criteria: text

`min_usd` (optional, on every impact level or on none) defines the impact scale by $
bands: an impact level covers a value at stake from its `min_usd` up to the next level's.
The first band starts at 0. With bands, a risk whose impact score differs from the band
of its value at stake is shown as a disagreement between its level and its $ figures.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation

from risks.choices import LEVEL_COLOURS

COLOURS = {key for key, _ in LEVEL_COLOURS}
MAX_SCALE = 10


def cell_key(likelihood: int, impact: int) -> str:
    return f"{likelihood}x{impact}"


def _levels(*specs):
    return [
        {"key": key, "name": name, "colour": colour, "needs_acceptance": needs}
        for key, name, colour, needs in specs
    ]


def _matrix(size_l: int, size_i: int, level_of) -> dict:
    return {
        cell_key(li, im): level_of(li, im)
        for li in range(1, size_l + 1)
        for im in range(1, size_i + 1)
    }


def _preset(*, likelihood, impact, levels, thresholds, acceptance_criteria) -> dict:
    """Assemble a preset: the level of a cell is the first of `thresholds`
    ((minimum likelihood x impact score, level key), highest first) that the score reaches,
    else the lowest level."""

    def level_of(li, im):
        score = li * im
        return next((key for minimum, key in thresholds if score >= minimum), levels[0]["key"])

    return {
        "likelihood": [
            {"value": v, "name": n, "description": d, "aro": a} for v, n, d, a in likelihood
        ],
        "impact": [
            {"value": v, "name": n, "description": d, "exposure_factor": e} for v, n, d, e in impact
        ],
        "levels": levels,
        "matrix": _matrix(len(likelihood), len(impact), level_of),
        "acceptance_criteria": acceptance_criteria,
    }


def _preset_5x5() -> dict:
    return _preset(
        likelihood=[
            (
                1,
                "Rare",
                "May occur only in exceptional circumstances (less than once in 20 years).",
                "0.05",
            ),
            (2, "Unlikely", "Could occur at some time (about once in 5 to 20 years).", "0.1"),
            (3, "Possible", "Might occur (about once in 1 to 5 years).", "0.5"),
            (4, "Likely", "Will probably occur (about once a year).", "1"),
            (5, "Almost certain", "Expected to occur several times a year.", "4"),
        ],
        impact=[
            (
                1,
                "Negligible",
                "No noticeable effect on operations, customers or compliance.",
                "0.01",
            ),
            (2, "Minor", "Limited, quickly recovered disruption or disclosure.", "0.05"),
            (3, "Moderate", "Noticeable disruption, some customers or records affected.", "0.2"),
            (4, "Major", "Serious disruption, regulatory reporting, loss of customers.", "0.5"),
            (5, "Severe", "Threatens the business: prolonged outage or massive breach.", "0.9"),
        ],
        levels=_levels(
            ("low", "Low", "green", False),
            ("medium", "Medium", "yellow", False),
            ("high", "High", "orange", True),
            ("critical", "Critical", "red", True),
        ),
        thresholds=[(15, "critical"), (8, "high"), (4, "medium")],
        acceptance_criteria=(
            "Low and Medium residual risks are accepted by the risk owner. High and Critical "
            "residual risks need a management acceptance, valid for at most 12 months, "
            "after which the risk is reviewed again."
        ),
    )


def _preset_4x4() -> dict:
    return _preset(
        likelihood=[
            (1, "Unlikely", "Not expected within 10 years.", "0.1"),
            (2, "Possible", "About once in 2 to 10 years.", "0.3"),
            (3, "Likely", "About once a year.", "1"),
            (4, "Frequent", "Several times a year.", "4"),
        ],
        impact=[
            (1, "Low", "Minor inconvenience, no customer effect.", "0.02"),
            (2, "Medium", "Some customers or records affected.", "0.1"),
            (3, "High", "Serious outage or breach, regulatory reporting.", "0.4"),
            (4, "Very high", "Threatens the business.", "0.8"),
        ],
        levels=_levels(
            ("low", "Low", "green", False),
            ("medium", "Medium", "yellow", False),
            ("high", "High", "red", True),
        ),
        thresholds=[(8, "high"), (3, "medium")],
        acceptance_criteria=(
            "Low and Medium residual risks are accepted by the risk owner. High residual "
            "risks need a management acceptance with an expiry date."
        ),
    )


def _preset_3x3() -> dict:
    return _preset(
        likelihood=[
            (1, "Low", "Not expected within 5 years.", "0.1"),
            (2, "Medium", "About once in 1 to 5 years.", "0.5"),
            (3, "High", "Once a year or more.", "2"),
        ],
        impact=[
            (1, "Low", "Limited effect.", "0.05"),
            (2, "Medium", "Noticeable disruption or disclosure.", "0.25"),
            (3, "High", "Serious outage or breach.", "0.75"),
        ],
        levels=_levels(
            ("low", "Low", "green", False),
            ("medium", "Medium", "yellow", False),
            ("high", "High", "red", True),
        ),
        thresholds=[(6, "high"), (3, "medium")],
        acceptance_criteria=(
            "Low residual risks are accepted by the risk owner; Medium by the security "
            "manager; High residual risks need a management acceptance with an expiry date."
        ),
    )


# $ bands of the "5 x 5 with $ bands" preset: the value at stake that starts each impact level.
USD_BANDS_5X5 = ("0", "10000", "50000", "250000", "1000000")


def _preset_5x5_usd() -> dict:
    content = _preset_5x5()
    for item, minimum in zip(content["impact"], USD_BANDS_5X5, strict=True):
        item["min_usd"] = minimum
        item["description"] += f" Value at stake from ${int(minimum):,}."
    return content


PRESETS = {
    "5x5": ("5 x 5 (ISO/IEC 27005 style)", _preset_5x5),
    "5x5-usd": ("5 x 5 with $ bands of value at stake", _preset_5x5_usd),
    "4x4": ("4 x 4", _preset_4x4),
    "3x3": ("3 x 3", _preset_3x3),
}


def preset(name: str) -> dict:
    """A fresh copy of the named preset's content."""
    return PRESETS[name][1]()


# --- Validation ---------------------------------------------------------------------------


def _decimal(value, *, low: Decimal, high: Decimal | None) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number < low or (high is not None and number > high):
        return None
    return number


def validate_content(content: dict) -> dict[str, list[str]]:
    """Every problem of a methodology's content, by field; empty when it is usable.

    The matrix must be complete: every likelihood x impact cell maps to a defined level.
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not isinstance(content, dict):
        return {"content": ["The methodology must be an object."]}
    scales = {
        "likelihood": ("aro", Decimal("0"), None),
        "impact": ("exposure_factor", Decimal("0"), Decimal("1")),
    }
    sizes = {}
    for scale, (factor, low, high) in scales.items():
        items = content.get(scale)
        if not isinstance(items, list) or not 2 <= len(items) <= MAX_SCALE:
            add(scale, f"Give between 2 and {MAX_SCALE} {scale} levels.")
            continue
        sizes[scale] = len(items)
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict) or item.get("value") != position:
                add(scale, f"Level {position}: values must run 1, 2, 3... in order.")
                continue
            if not str(item.get("name", "")).strip():
                add(scale, f"Level {position}: a name is required.")
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            if _decimal(item.get(factor), low=low, high=high) is None:
                label = "annual rate of occurrence" if factor == "aro" else "exposure factor"
                add(scale, f"Level {position}: the {label} must be a number {bound}.")
    _validate_bands(content.get("impact"), add)
    levels = content.get("levels")
    keys = []
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_SCALE:
        add("levels", f"Give between 1 and {MAX_SCALE} risk levels.")
    else:
        for position, level in enumerate(levels, start=1):
            if not isinstance(level, dict):
                add("levels", f"Risk level {position} is not valid.")
                continue
            key = str(level.get("key", "")).strip()
            if not key or key in keys:
                add("levels", f"Risk level {position}: a unique key is required.")
            keys.append(key)
            if not str(level.get("name", "")).strip():
                add("levels", f"Risk level {position}: a name is required.")
            if level.get("colour") not in COLOURS:
                add("levels", f"Risk level {position}: choose a colour from {sorted(COLOURS)}.")
    matrix = content.get("matrix")
    if not isinstance(matrix, dict):
        add("matrix", "The risk matrix is missing.")
    elif len(sizes) == 2 and keys:
        missing = []
        for li in range(1, sizes["likelihood"] + 1):
            for im in range(1, sizes["impact"] + 1):
                if matrix.get(cell_key(li, im)) not in keys:
                    missing.append(f"likelihood {li} x impact {im}")
        if missing:
            shown = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
            add(
                "matrix",
                f"The matrix is incomplete: {len(missing)} cell(s) have no risk level ({shown}).",
            )
    if not str(content.get("acceptance_criteria", "")).strip():
        add("acceptance_criteria", "Describe the acceptance criteria.")
    return errors


def _validate_bands(items, add) -> None:
    """$ bands of the impact scale: on every level or none, from 0, strictly rising."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return
    given = [item.get("min_usd") not in (None, "") for item in items]
    if not any(given):
        return
    if not all(given):
        add("impact", "Give a $ band (min_usd) on every impact level, or on none.")
        return
    bounds = [_decimal(item["min_usd"], low=Decimal("0"), high=None) for item in items]
    if any(b is None for b in bounds):
        add("impact", "Each $ band must start at a number of dollars, 0 or more.")
    elif bounds[0] != 0:
        add("impact", "The $ band of the lowest impact level must start at 0.")
    elif any(a >= b for a, b in zip(bounds, bounds[1:], strict=False)):
        add("impact", "The $ bands must rise with the impact level.")


def canonical_json(content: dict) -> str:
    """The canonical text of a content: sorted keys, no spaces (what is hashed)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of `content`."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# --- Scoring ------------------------------------------------------------------------------


class Scale:
    """A validated methodology content, with fast look-ups for scoring."""

    def __init__(self, content: dict):
        self.content = content
        self.likelihoods = content["likelihood"]
        self.impacts = content["impact"]
        self.levels = content["levels"]
        self.rank_of_key = {level["key"]: rank for rank, level in enumerate(self.levels, start=1)}
        self.matrix = content["matrix"]

    @property
    def has_usd_bands(self) -> bool:
        """Whether the impact scale is defined by $ bands of value at stake."""
        return bool(self.impacts) and all(
            item.get("min_usd") not in (None, "") for item in self.impacts
        )

    def impact_for_value(self, value) -> int | None:
        """The impact level whose $ band holds `value` (a value at stake), or None
        when the scale has no bands or the value is unknown."""
        if value is None or not self.has_usd_bands:
            return None
        value = Decimal(str(value))
        found = 1
        for item in self.impacts:
            if value >= Decimal(str(item["min_usd"])):
                found = item["value"]
        return found

    @property
    def size_likelihood(self) -> int:
        return len(self.likelihoods)

    @property
    def size_impact(self) -> int:
        return len(self.impacts)

    def level_rank(self, likelihood: int | None, impact: int | None) -> int | None:
        """The rank (1 = lowest) of the level the matrix gives, or None when unscored."""
        if likelihood is None or impact is None:
            return None
        return self.rank_of_key[self.matrix[cell_key(likelihood, impact)]]

    def level(self, rank: int | None) -> dict | None:
        if rank is None or not 1 <= rank <= len(self.levels):
            return None
        return self.levels[rank - 1]

    def aro(self, likelihood: int | None) -> Decimal | None:
        return None if likelihood is None else Decimal(str(self.likelihoods[likelihood - 1]["aro"]))

    def exposure_factor(self, impact: int | None) -> Decimal | None:
        if impact is None:
            return None
        return Decimal(str(self.impacts[impact - 1]["exposure_factor"]))

    def matrix_rows(self) -> list:
        """The matrix as drawn, highest likelihood first: (likelihood item, [(impact
        item, level)])."""
        return [
            (
                item,
                [
                    (impact, self.level(self.level_rank(item["value"], impact["value"])))
                    for impact in self.impacts
                ],
            )
            for item in reversed(self.likelihoods)
        ]

    def needs_acceptance(self, rank: int | None) -> bool:
        level = self.level(rank)
        return bool(level and level["needs_acceptance"])


def rescale(value: int | None, old_size: int, new_size: int) -> int | None:
    """Map a position on an old scale to the new one, keeping its relative place.

    new = 1 + round_half_up((old - 1) x (new_size - 1) / (old_size - 1)); the ends map to
    the ends and a same-size scale maps each value to itself.
    """
    if value is None:
        return None
    if old_size == new_size:
        return value
    value = min(max(value, 1), old_size)
    scaled = Decimal(value - 1) * Decimal(new_size - 1) / Decimal(old_size - 1)
    return 1 + int(scaled.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def mapping_table(old: Scale, new: Scale) -> dict:
    """The documented mapping from one methodology to another, for the audit record."""
    return {
        "likelihood": {
            str(v): rescale(v, old.size_likelihood, new.size_likelihood)
            for v in range(1, old.size_likelihood + 1)
        },
        "impact": {
            str(v): rescale(v, old.size_impact, new.size_impact)
            for v in range(1, old.size_impact + 1)
        },
    }
