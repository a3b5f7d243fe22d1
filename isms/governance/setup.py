"""Wire governance into the shared registries (called from IsmsConfig.ready()): the
approvable scope and policy versions, their reviews, dashboard steps 1, 2 and 8, the
governance key figures and the governance files of the audit pack."""


def register_all() -> None:
    from isms import approvals, dashboard
    from isms.governance import (
        audit_pack,
        reviews,
        scope_estate,
        services,
        steps,
        tasks,  # noqa: F401  (the worker and beat find them this way)
    )
    from isms.models import PolicyVersion, ScopeVersion

    approvals.register(
        ScopeVersion,
        label="Scope version",
        content=ScopeVersion.canonical_text,
        editors=lambda version: [version.created_by_id],
        group_by="scope",
        on_submitted=services.scope_on_submitted,
        on_approved=services.scope_on_approved,
    )
    approvals.register(
        PolicyVersion,
        label="Policy version",
        content=PolicyVersion.canonical_text,
        editors=lambda version: [version.created_by_id],
        group_by="policy",
        on_approved=services.policy_on_approved,
    )
    reviews.register(reviews.governance_reviews)
    dashboard.register_step(1, steps.scope_step, permission="isms.view_scope")
    dashboard.register_step(2, steps.policy_step, permission="isms.view_policy")
    dashboard.register_step(8, steps.approval_step, permission="isms.view_approvalrequest")
    dashboard.register_figure(steps.governance_figures)
    dashboard.register_figure(scope_estate.dashboard_figures)
    audit_pack.register(audit_pack.governance_files)
