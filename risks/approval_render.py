"""Risk acceptances and methodology versions as management reads them before signing
(issue 20.2): fields by name, levels by name, money in $, drawn from the exact JSON
that is hashed. Registered as the types' `render` with `isms.approvals` (apps.py)."""

import json

from django.template.loader import render_to_string

from isms.models import User
from risks import scoring
from risks.models import MethodologyVersion


def _scale(version_id) -> scoring.Scale | None:
    version = MethodologyVersion.objects.filter(pk=version_id).first() if version_id else None
    return version.scale if version is not None else None


def _named(items: list, value) -> str:
    for item in items:
        if item["value"] == value:
            return f"{value} · {item['name']}"
    return "—" if value is None else str(value)


def acceptance_render(content: str, previous: str | None) -> str:
    """A risk acceptance: the risk, residual likelihood, impact and level by name, the
    residual ALE in $, the expiry, the justification and the owner; and the risk as it
    stands now (part of the hash: a rescored risk invalidates the request)."""
    data = json.loads(content)
    scale = _scale(data.get("methodology_version"))
    now = data.get("risk_now") or {}
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[data.get("risk_owner"), now.get("owner")])
    }

    def level(rank):
        found = scale.level(rank) if scale else None
        return found or {"name": "—", "colour": "secondary"}

    return render_to_string(
        "risks/approval_acceptance.html",
        {
            "data": data,
            "owner": users.get(data.get("risk_owner")),
            "owner_now": users.get(now.get("owner")),
            "likelihood": _named(
                scale.likelihoods if scale else [], data.get("residual_likelihood")
            ),
            "impact": _named(scale.impacts if scale else [], data.get("residual_impact")),
            "level": level(data.get("residual_level")),
            "level_now": level(now.get("level")),
            "ale": data.get("residual_ale_usd"),
        },
    )


def methodology_render(content: str, previous: str | None) -> str:
    """A methodology version: its scales, the matrix of levels, the levels and the
    acceptance criteria."""
    data = json.loads(content)
    return render_to_string(
        "risks/approval_methodology.html",
        {"content": data, "matrix": scoring.Scale(data).matrix_rows()},
    )
