"""Who may do what in the risk register.

- Security managers (model permission `risks.change_risk`) edit every field of every risk,
  including the security findings linked to it (which also needs `assets.view_finding`).
- A risk's owner edits its treatment and status (not its scores, assets or owner).
- Management accepts residual risks through the approval workflow (`isms.approvals`).
- Auditors, and everyone with `risks.view_risk`, read the whole register; other users
  see the risks they own.
"""

RISK_FIELDS = (
    "title",
    "description",
    "assets",
    "threat",
    "vulnerability",
    "owner",
    "status",
    "review_date",
    "inherent_likelihood",
    "inherent_impact",
    "treatment",
    "treatment_justification",
    "controls",
    "residual_likelihood",
    "residual_impact",
    "findings",
)
OWNER_FIELDS = (
    "status",
    "treatment",
    "treatment_justification",
    "residual_likelihood",
    "residual_impact",
)


def editable_fields(user, risk=None) -> tuple[str, ...]:
    """The risk fields `user` may change (on `risk`, or on a new risk when None)."""
    if not user.is_authenticated:
        return ()
    if user.has_perm("risks.change_risk" if risk is not None else "risks.add_risk"):
        return RISK_FIELDS
    if risk is not None and risk.owner_id == user.pk:
        return OWNER_FIELDS
    return ()


def can_view_all(user) -> bool:
    return user.has_perm("risks.view_risk")


def can_view(user, risk) -> bool:
    return can_view_all(user) or risk.owner_id == user.pk


def can_plan_treatment(user, risk) -> bool:
    """Add or change the actions of `risk`'s treatment plan."""
    return user.has_perm("risks.change_risk") or risk.owner_id == user.pk
