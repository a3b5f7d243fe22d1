from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk methodology, threats, vulnerabilities, the risk register and treatment."""

    name = "risks"
    verbose_name = "Risks"

    def ready(self):
        # Supplier assessment findings can become risks (assets.suppliers.hooks).
        from assets.suppliers.hooks import follow_ups
        from risks.supplier_follow_ups import RISK

        follow_ups.register(RISK)
        # A not-effective control test puts the risks the control treats up for review.
        from isms.assurance.hooks import follow_ups as assurance_follow_ups
        from risks.assurance_follow_ups import RISK_REVIEW

        assurance_follow_ups.register(RISK_REVIEW)
        from risks import measures as risk_measures

        risk_measures.register()  # computed ISMS measures (issue 14)
        from assets.hooks import value_at_stake_listeners
        from isms import approvals, dashboard
        from isms.frameworks import treatments
        from isms.governance import audit_pack, reviews
        from risks import approval_render, providers, services, steps
        from risks.models import MethodologyVersion, RiskAcceptance

        approvals.register(
            MethodologyVersion,
            label="Risk methodology version",
            content=MethodologyVersion.canonical_json,
            editors=services.methodology_version_editors,
            group_by="methodology",
            on_approved=services.methodology_activate,
            url=lambda version: version.get_absolute_url(),
            render=approval_render.methodology_render,
        )
        approvals.register(
            RiskAcceptance,
            label="Risk acceptance",
            content=RiskAcceptance.canonical_json,
            editors=services.risk_acceptance_editors,
            group_by="risk",
            on_approved=services.risk_acceptance_apply,
            # The risk's owner requests the acceptance of its residual risk.
            submit_permission=lambda user, acceptance: services.may_request_acceptance(
                user, acceptance.risk
            ),
            url=lambda acceptance: acceptance.risk.get_absolute_url(),
            render=approval_render.acceptance_render,
            # Acceptances exist only for risks that need one: step 8 does not wait for one.
            required=False,
        )
        value_at_stake_listeners.register(services.risks_revalue)  # $ exposure
        dashboard.register_step(3, steps.step_3, permission="risks.view_methodology")
        for number in (4, 5, 6):
            dashboard.register_step(
                number, getattr(steps, f"step_{number}"), permission="risks.view_risk"
            )
        dashboard.register_figure(steps.figures)
        treatments.register_provider(steps.risks_by_control)
        audit_pack.register(providers.audit_pack_files)
        reviews.register(providers.due_reviews)
        from risks.reviews import methodology_reviews

        reviews.register(methodology_reviews)
        _register_navigation()
        # Management-review input (issue 13): risk assessment results, treatment status.
        from risks import review_inputs

        review_inputs.register()


def _register_navigation():
    from isms import navigation
    from isms.navigation import Item

    navigation.register(Item("Risk methodology", "risks:methodology", "bi-rulers", step=3))
    navigation.register(Item("Risk register", "risks:risk_list", "bi-search", step=4))
    navigation.register(Item("Risk analysis", "risks:heatmap", "bi-graph-up", step=5))
    navigation.register(Item("Risk treatment", "risks:treatment_list", "bi-shield-check", step=6))
